"""Page metadata (issue 12): dates shown only on the page, a site's time zone for zone-less times, zone
abbreviations, author strings split into people, a site's own name as author, site suffixes on titles.

Pages are real ones from `tests/fixtures/corpus/` (origin in `tests/fixtures/SOURCES.md`). Where no page of the
corpus carries a rule's trigger, the rule is checked on the strings the issue quotes from publishers' pages.
"""
from __future__ import annotations

import gzip
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.model import Document
from pipeline.parse import parse
from pipeline.parse.authors import is_site_name, split_names
from pipeline.parse.dates import first_time, page_zone, read_time
from pipeline.parse.metadata import without_section, without_site_suffix

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
TIMES_OF_ISRAEL = "tweet-embed__trafilatura__timesofisrael.com.washington.html.gz"
GOODNIGHT = "social-embed__htmldate__goodnight.at-Halloween.html.gz"


def corpus_page(name: str, **options):
    html = gzip.decompress((CORPUS / name).read_bytes()).decode("utf-8", errors="replace")
    return parse(Document(source=name, content=html, kind="html"), **options).page


def test_a_date_shown_only_in_the_page_is_its_published_date():
    """Both pages declare no date in structured data (no JSON-LD date, no meta): the date element they show is
    read ("8 January 2020, 3:51 pm"; "Party, 30.10.23"). Before, both pages had no published date at all."""
    assert corpus_page(TIMES_OF_ISRAEL).published_at == datetime(2020, 1, 8, 15, 51, tzinfo=timezone.utc)
    assert corpus_page(GOODNIGHT).published_at == datetime(2023, 10, 30, tzinfo=timezone.utc)


def test_the_date_of_an_embedded_post_is_never_the_pages_date():
    """The blockquote variants page (real X embed code in several CMS styles, no date of its own) shows only its
    posts' signature dates ("February 29, 2016" …): the page has no published date, not a post's."""
    html = (Path(__file__).parent / "fixtures" / "twitter_blockquote_variants.html").read_text(encoding="utf-8")
    page = parse(Document(source="variants.html", content=html, kind="html")).page
    assert page.published_at is None


def test_the_sites_time_zone_places_a_time_the_page_gives_without_one():
    """The Times of Israel shows "8 January 2020, 3:51 pm" and states no offset anywhere: handed the site's zone,
    that is 13:51 UTC (Israel is UTC+2 in January), and a Vienna site's "30.10.23" starts at 23:00 UTC the day before."""
    jerusalem = corpus_page(TIMES_OF_ISRAEL, timezone=ZoneInfo("Asia/Jerusalem"))
    assert jerusalem.published_at == datetime(2020, 1, 8, 13, 51, tzinfo=timezone.utc)
    vienna = corpus_page(GOODNIGHT, timezone=ZoneInfo("Europe/Vienna"))
    assert vienna.published_at == datetime(2023, 10, 29, 23, 0, tzinfo=timezone.utc)


def test_a_zone_abbreviation_is_read_not_taken_as_utc():
    """The issue's page wrote "Fri Apr 28 19:20:36 CEST 2023" (no corpus page writes an abbreviation)."""
    assert read_time("Fri Apr 28 19:20:36 CEST 2023").astimezone(timezone.utc) == \
        datetime(2023, 4, 28, 17, 20, 36, tzinfo=timezone.utc)
    assert read_time("2023-04-28 10:00:00 EDT").astimezone(timezone.utc) == \
        datetime(2023, 4, 28, 14, 0, tzinfo=timezone.utc)
    assert read_time("Sat, 29 Apr 2023 09:00:00 KST").astimezone(timezone.utc) == \
        datetime(2023, 4, 29, 0, 0, tzinfo=timezone.utc)


def test_a_zoneless_time_takes_the_offset_the_page_states_elsewhere():
    """NPR's page gives "2023-11-09" (meta) and "2023-11-09T05:01:02-05:00" (`<time datetime>`): the time with a
    zone wins over the zone-less one whatever their order, and a zone-less time of day on that page is read at
    the page's stated -05:00, not as UTC."""
    npr = ["2023-11-09", "2023-11-09T05:01:02-05:00"]
    assert first_time(npr, timezone.utc, []) == datetime(2023, 11, 9, 10, 1, 2, tzinfo=timezone.utc)
    zone = page_zone(npr, None)
    assert first_time(["2023-11-09T05:01:02"], zone, []) == datetime(2023, 11, 9, 10, 1, 2, tzinfo=timezone.utc)
    assert page_zone(["2023-11-09"], ZoneInfo("America/New_York")) == ZoneInfo("America/New_York")


def test_an_author_string_naming_several_people_is_split():
    """Reuters' meta author is "Maya Gebeily,Anthony Deutsch"; the other forms are the issue's."""
    assert split_names(["Maya Gebeily,Anthony Deutsch"]) == ["Maya Gebeily", "Anthony Deutsch"]
    assert split_names(["Anna Alt, Bert Bo and Dora Dee"]) == ["Anna Alt", "Bert Bo", "Dora Dee"]
    assert split_names(["Von Xaver Ypsilon und Yvonne Zett, dpa"]) == ["Xaver Ypsilon", "Yvonne Zett", "dpa"]
    assert split_names(["Ola Nordmann og Kari Nordmann"]) == ["Ola Nordmann", "Kari Nordmann"]
    assert split_names(["Par Jean Dupont et Marie Curie", "Por Juan Pérez y Ana López"]) == \
        ["Jean Dupont", "Marie Curie", "Juan Pérez", "Ana López"]


def test_an_agency_named_beside_people_stays_as_the_labelled_sets_list_it():
    """fundus labels Nine News' "Adam Vidler, AP" and Tages-Anzeiger's "Paula Steiger, SDA" with the agency."""
    assert split_names(["Adam Vidler, AP"]) == ["Adam Vidler", "AP"]
    assert split_names(["Paula Steiger/SDA"]) == ["Paula Steiger", "SDA"]


def test_a_korean_reporters_job_title_is_not_part_of_the_name():
    """Hankook Ilbo's `<meta name=author content="신현주 기자">`: 기자 is "reporter"."""
    assert split_names(["신현주 기자"]) == ["신현주"]
    assert split_names(["김철수 특파원, 이영희 기자"]) == ["김철수", "이영희"]


def test_by_alone_e_mails_and_initials_are_no_names_and_an_agency_alone_stays():
    assert split_names(["By"]) == []
    assert split_names(["Jana Doe (jd)", "jana.doe@example.com"]) == ["Jana Doe"]
    assert split_names(["AFP"]) == ["AFP"]
    assert split_names(["Lisa de Moraes", "Laura E. Adkins", "Perry Bacon Jr."]) == \
        ["Lisa de Moraes", "Laura E. Adkins", "Perry Bacon Jr."]
    assert split_names(["Grant Tinsley, PhD"]) == ["Grant Tinsley"]


def test_a_byline_naming_the_site_is_recognised_as_the_site():
    """The issue's site-as-author strings against the names a page gives its site (og:site_name, host, its first
    label); a person is not taken for the site."""
    assert is_site_name("Deutsche Welle (www.dw.com)", ["DW", "dw.com"])
    assert is_site_name("mdr.de", ["MDR.DE", "mdr.de", "mdr"])
    assert is_site_name("n-tv NACHRICHTEN", ["n-tv.de", "n-tv"])
    assert is_site_name("STERN.de", ["stern.de", "stern"])
    assert is_site_name("한국일보", ["한국일보", "hankookilbo.com", "hankookilbo"])
    assert not is_site_name("Steve Peoples", ["AP News", "apnews.com", "apnews"])
    assert not is_site_name("Skyler Smith", ["Sky News", "news.sky.com", "news", "sky"])
    assert not is_site_name("Guardian staff reporter", ["the Guardian", "theguardian.com", "theguardian"])


def test_a_site_suffix_goes_after_any_separator_when_it_names_the_site():
    """"…ㅣ한국일보" is the issue's Korean page (no Korean page in the corpus)."""
    assert without_site_suffix("윤 대통령, 국무회의 주재ㅣ한국일보", ["한국일보"]) == "윤 대통령, 국무회의 주재"
    assert without_site_suffix("Ein Titel – STERN.de", ["stern.de"]) == "Ein Titel"
    assert without_site_suffix("Krieg – und Frieden", ["BR24"]) == "Krieg – und Frieden"  # not the site: kept


def test_a_suffix_naming_the_declared_section_goes_after_the_site_suffix():
    """Hankook Ilbo's titles read "…커졌다-정치ㅣ한국일보" with `<meta name=content_category content=정치>` and no `<h1>`;
    a trailing word that is not the declared section stays."""
    assert without_section("장동혁, 한동훈 제명했지만… 부담 커졌다-정치", ["정치"]) == "장동혁, 한동훈 제명했지만… 부담 커졌다"
    assert without_section("Liverpool verliert bei Everton - Sport", [None, "Sport"]) == "Liverpool verliert bei Everton"
    assert without_section("Krieg und Frieden - Politik", ["Sport"]) == "Krieg und Frieden - Politik"
    assert without_section("Ahrtal-Flut", ["Flut"]) == "Ahrtal-Flut"  # one compound word
    assert without_section("Streit um die Corona-Politik", ["Politik"]) == "Streit um die Corona-Politik"  # compound
    page = parse(Document(source="built.html", kind="html", content="""<html><head>
        <title>민주당 도입 또다시 불발-정치ㅣ한국일보</title><meta property="og:site_name" content="한국일보">
        <meta name="content_category" content="정치"></head><body><p>본문</p></body></html>""")).page
    assert page.title == "민주당 도입 또다시 불발"
