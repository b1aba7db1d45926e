"""HTML pages: metadata, body text without page furniture or posts, key points, X embeds, quotes."""
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from pipeline.keys import normalize_text
from pipeline.model import Document, Entity
from pipeline.parse import ParseError, parse
from pipeline.parse.html import parse_html

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
NEW_ARAB_ID = "1869739994848011185"
ANADOLU_ID = "1869748738180956237"


def html_document(name: str, url: str | None = None) -> Document:
    path = FIXTURES / name
    return Document(source=str(path), content=path.read_text(encoding="utf-8"), kind="html", url=url)


def parse_markup(markup: str):
    return parse_html(Document(source="test.html", content=markup, kind="html"))


SEED_HTML = ROOT / "seeds" / "seed_article_putin_syria.html"


@pytest.fixture(scope="module")
def seed_html():
    content = SEED_HTML.read_text(encoding="utf-8")
    return parse(Document(source=str(SEED_HTML), content=content, kind="html", url="https://www.example-news.com/?p=48213"))


@pytest.fixture(scope="module")
def seed_text():
    path = ROOT / "seeds" / "seed_article_putin_syria.txt"
    return parse(Document(source=str(path), content=path.read_text(encoding="utf-8"), kind="text"))


@pytest.fixture(scope="module")
def variants():
    return parse(html_document("twitter_blockquote_variants.html"))


# --- the seed article as a publisher's page -----------------------------------------------------------------


def test_seed_metadata(seed_html):
    page = seed_html.page
    assert page.title == "Putin urges Israel to withdraw from Syria as Russia regroups"  # " - Example News" cut
    assert page.canonical_url == "https://www.example-news.com/2024/12/19/putin-israel-syria/"  # utm_* dropped
    assert page.url == "https://www.example-news.com/?p=48213"
    assert page.site == "Example News"
    assert page.authors == ["Lena Hartmann"]
    assert page.published_at == datetime(2024, 12, 19, 15, 30, tzinfo=timezone.utc)
    assert page.modified_at == datetime(2024, 12, 19, 17, 5, 12, tzinfo=timezone.utc)
    assert page.language == "en"
    assert page.is_liveblog is False
    assert seed_html.warnings == []


def test_seed_key_points_and_quote_match_the_text_flattening(seed_html, seed_text):
    assert [(i.kind, i.position, i.text) for i in seed_html.page.key_points] == [
        (i.kind, i.position, i.text) for i in seed_text.page.key_points
    ]
    assert len(seed_html.page.key_points) == 4
    assert seed_html.page.key_points[0].text == (
        "Russian convoys are reportedly leaving Syria following the ousting of Bashar al-Assad."
    )
    assert seed_html.page.quotes == seed_text.page.quotes
    assert seed_html.page.quotes[0].speaker == "Putin"


def test_seed_body_matches_the_text_flattening(seed_html, seed_text):
    assert seed_html.page.headings == seed_text.page.headings
    assert seed_html.page.body_text == seed_text.page.body_text


def test_seed_body_has_no_page_furniture_and_no_posts(seed_html):
    body = seed_html.page.body_text
    furniture = [
        "Opinion", "Politics", "Skip to content", "Independent reporting",  # header and nav
        "Putin urges Israel",  # the title (h1) is not a body heading
        "Lena Hartmann", "By ",  # byline
        "Photo:", "Satellite image",  # captions
        "Advertisement", "Related", "Assad flees Damascus", "Tartus naval base", "Russia’s naval base",
        "Share this", "Facebook", "Sign up", "Briefing", "Subscribe",
        "Posted in", "Tagged", "thoughts on", "Nobody believes this", "Leave a Reply",  # footer, comments
        "Latest", "Gaza ceasefire talks", "All rights reserved",  # sidebar, site footer
    ]
    for text in furniture:
        assert text not in body, text
    for text in ("Gaza death toll", "Live blog", "t.co", "pic.twitter.com", "#BREAKING", "The_NewArab",
                 "anadoluagency", "The New Arab", "December 19, 2024"):
        assert text not in body, text


def test_seed_posts(seed_html):
    embeds = seed_html.page.embeds
    assert [(e.position, e.form) for e in embeds] == [(1, "blockquote"), (2, "blockquote")]
    new_arab, anadolu = (e.post for e in embeds)
    assert (new_arab.platform, new_arab.native_id) == ("x", NEW_ARAB_ID)
    assert new_arab.url == f"https://x.com/i/status/{NEW_ARAB_ID}"
    assert (new_arab.author_name, new_arab.author_handle) == ("The New Arab", "The_NewArab")
    assert (anadolu.native_id, anadolu.author_name, anadolu.author_handle) == (
        ANADOLU_ID, "Anadolu English", "anadoluagency"
    )
    assert new_arab.posted_at == datetime(2024, 12, 19, 13, 42, 7, 518000, tzinfo=timezone.utc)
    assert anadolu.posted_at == datetime(2024, 12, 19, 14, 16, 52, 91000, tzinfo=timezone.utc)
    assert {p.posted_at_precision for p in (new_arab, anadolu)} == {"millisecond"}
    assert {p.language for p in (new_arab, anadolu)} == {"en"}
    assert new_arab.text.splitlines()[:2] == ["🧵 UPDATES", "👉 Gaza death toll reaches 45,129: health ministry"]
    assert new_arab.entities == [Entity("url", "https://t.co/w1oxigfedT")]
    assert anadolu.entities == [Entity("hashtag", "BREAKING"), Entity("media", "https://pic.twitter.com/ElKHjm2hOm")]
    assert [(i.kind, i.position, i.text) for i in new_arab.thread] == [
        ("thread_item", 1, "Gaza death toll reaches 45,129: health ministry"),
        ("thread_item", 2, "Two killed in another Israeli raid in the West Bank"),
        ("thread_item", 3, "Putin calls for Israel to withdraw troops from Syria"),
        ("thread_item", 4, "Russia evacuated 4,000 Iranian fighters from Syria: Putin"),
    ]
    assert anadolu.thread == []


def test_seed_posts_merge_with_the_text_flattening(seed_html, seed_text):
    """The store merges a text post into the HTML one on handle, day and normalised text."""
    for html_embed, text_embed in zip(seed_html.page.embeds, seed_text.page.embeds, strict=True):
        html_post, text_post = html_embed.post, text_embed.post
        assert normalize_text(html_post.text) == normalize_text(text_post.text)
        assert html_post.author_handle == text_post.author_handle
        assert html_post.posted_at.date() == text_post.posted_at.date()
        assert html_post.entities == text_post.entities
        assert [i.text for i in html_post.thread] == [i.text for i in text_post.thread]


def test_tweet_in_the_comments_is_not_an_embed(seed_html):
    assert "someone" not in [e.post.author_handle for e in seed_html.page.embeds]


# --- blockquote variants ------------------------------------------------------------------------------------


def test_status_and_statuses_links_are_the_same_post_twice(variants):
    first, second = variants.page.embeds[:2]
    assert (first.position, second.position) == (1, 2)
    assert first.post == second.post
    assert first.post.native_id == "704420904437043200"
    assert (first.post.author_name, first.post.author_handle) == ("Andy Serkis", "andyserkis")
    assert first.post.text == (
        "Lorraine and I had an amazing time at the #Oscars! Congrats to all of the nominees on a job well-done!"
        " pic.twitter.com/xyrO7kQBzH"
    )
    assert first.post.entities == [Entity("hashtag", "Oscars"), Entity("media", "https://pic.twitter.com/xyrO7kQBzH")]


def test_nested_quoted_tweet_is_its_own_embed_once(variants):
    ids = [e.post.native_id for e in variants.page.embeds]
    assert ids.count("1129040592930070530") == 1
    assert ids.count("1130532897142841344") == 1
    outer = next(e.post for e in variants.page.embeds if e.post.native_id == "1129040592930070530")
    inner = next(e.post for e in variants.page.embeds if e.post.native_id == "1130532897142841344")
    assert outer.text.startswith("We're excited to announce")
    assert "Technical Project Manager" not in outer.text  # the inner tweet's text stays in the inner post
    assert inner.text.startswith("Do you have that rare combination")
    assert outer.posted_at.date().isoformat() == "2019-05-16"
    assert inner.posted_at.date().isoformat() == "2019-05-20"
    assert outer.entities == [
        Entity("mention", "Inc"),
        Entity("url", "https://t.co/NnKPPmlc0n"),
        Entity("hashtag", "IncBestWorkplaces"),
        Entity("media", "https://pic.twitter.com/RlclLbnutX"),
    ]


def test_mdash_entity_and_literal_dash_signatures(variants):
    by_id = {e.post.native_id: e.post for e in variants.page.embeds}
    assert by_id["1728688401639940130"].author_name == "PipeWire Project"  # &mdash;
    assert by_id["1129040592930070530"].author_name == "Lullabot"  # literal —, on its own indented line


def test_all_variants(variants):
    assert [(e.position, e.form, e.post.native_id, e.post.author_handle) for e in variants.page.embeds] == [
        (1, "blockquote", "704420904437043200", "andyserkis"),
        (2, "blockquote", "704420904437043200", "andyserkis"),
        (3, "blockquote", "1129040592930070530", "lullabot"),
        (4, "blockquote", "1130532897142841344", "lullabot"),
        (5, "blockquote", "1728688401639940130", "PipewireP"),
        (6, "blockquote", "2091088360748052677", "IamGrokDK"),
        (7, "bare_url", "2041461948827770907", "techradar"),  # WordPress block that was never expanded
        (8, "bare_url", "818902513244143617", "x64dbg"),
    ]
    assert variants.page.body_text == ""  # nothing but embeds on this page
    assert variants.warnings == ["no article element found; the body text is read from the whole <body>"]


def test_twitter_video_is_read_like_a_tweet():
    # X's video embed has the tweet's inner markup with another class (reference notes §1.1); this is the
    # PipeWire embed from twitter_blockquote_variants.html with its class changed.
    markup = (
        '<article><p>Some article text that is long enough to count as the body of this page, with a video.</p>'
        '<blockquote class="twitter-video" data-dnt="true" data-theme="dark"><p lang="en" dir="ltr">PipeWire 1.0.0 is'
        ' out!<a href="https://t.co/eLahwUz2VX">https://t.co/eLahwUz2VX</a></p>&mdash; PipeWire Project (@PipewireP)'
        ' <a href="https://twitter.com/PipewireP/status/1728688401639940130?ref_src=twsrc%5Etfw">November 26, 2023</a>'
        "</blockquote></article>"
    )
    page = parse_markup(markup).page
    [embed] = page.embeds
    assert (embed.form, embed.post.native_id) == ("blockquote", "1728688401639940130")
    assert embed.post.author_handle == "PipewireP"
    assert embed.post.text == "PipeWire 1.0.0 is out!https://t.co/eLahwUz2VX"
    assert embed.post.posted_at == datetime(2023, 11, 26, 8, 13, 27, 85000, tzinfo=timezone.utc)
    assert "PipeWire" not in page.body_text


def test_bare_blockquotes_with_only_a_link_on_a_real_page():
    result = parse(html_document("tweet-embed__fundus__FreiePresse_2024_11_29.html"))
    page = result.page
    assert [(e.position, e.post.native_id, e.post.author_handle, e.post.text) for e in page.embeds] == [
        (1, "1862204060138389630", "BoxenIude", None),  # handle from the link's path: there is no signature
        (2, "1862160037856092644", "Ricarda_Lang", None),
        (3, "1862218239293501552", "derjansinn", None),
    ]
    assert page.embeds[0].post.posted_at == datetime(2024, 11, 28, 18, 37, 0, 672000, tzinfo=timezone.utc)
    assert page.title == "„Niemand glaubt Euch“, „Totalschaden“: Netz-Spott über FDP - Generalsekretär tritt zurück"
    assert page.canonical_url.endswith("-artikel13615373")
    assert page.language == "de"
    assert page.published_at == datetime(2024, 11, 29, 11, 31, 54, tzinfo=timezone.utc)
    assert "Ricarda Lang an FDP: „Niemand glaubt Euch“" in page.headings
    assert page.body_text.endswith("„Kommunikativer Totalschaden. Isch over.“(phy)")
    assert "BoxenIude" not in page.body_text
    assert result.warnings == []


def test_bare_blockquote_with_an_i_status_link_has_no_handle():
    markup = (
        '<article><p>A paragraph that is long enough to be taken for the article body of this little page.</p>'
        '<blockquote class="twitter-video"><a href="https://twitter.com/i/status/1862204060138389630"></a></blockquote>'
        "</article>"
    )
    [embed] = parse_markup(markup).page.embeds
    assert (embed.post.native_id, embed.post.author_handle, embed.post.text) == ("1862204060138389630", None, None)


# --- metadata sources and robustness ------------------------------------------------------------------------


def test_metadata_fallbacks_json_ld_list_meta_and_url_date():
    markup = """<html><head>
    <title>Ceasefire holds in the north – Daily Courier</title>
    <script type="application/ld+json">[{"@type": "WebSite", "name": "x"},
      {"@type": ["NewsArticle"], "headline": "Ceasefire holds", "inLanguage": "fr-FR",
       "author": [{"@type": "Person", "name": "A. Writer"}, {"@type": "Person", "name": "B. Writer"}],
       "publisher": {"@type": "Organization", "name": "Daily Courier"}}]</script>
    <meta property="og:url" content="/2024/03/07/ceasefire/?fbclid=abc">
    </head><body><article><time datetime="2024-03-07T09:15:00+01:00">7 March</time>
    <p>The ceasefire held through the night, officials said on Thursday morning, as talks resumed.</p>
    </article></body></html>"""
    document = Document(source="t.html", content=markup, kind="html", url="https://courier.example.org/x")
    page = parse_html(document).page
    assert page.title == "Ceasefire holds"  # JSON-LD headline: there is no og:title
    assert page.site == "Daily Courier"  # publisher.name: there is no og:site_name
    assert page.authors == ["A. Writer", "B. Writer"]
    assert page.language == "fr-FR"
    assert page.canonical_url == "https://courier.example.org/2024/03/07/ceasefire/"  # relative og:url resolved
    assert page.published_at == datetime(2024, 3, 7, 8, 15, tzinfo=timezone.utc)  # from <time>, in UTC


def test_title_suffix_and_date_in_url():
    markup = (
        "<html><head><title>Storm closes ports | Harbour Times</title></head>"
        "<body><main><p>Ports along the coast were closed on Monday as the storm approached the shore.</p>"
        "</main></body></html>"
    )
    url = "https://www.harbour.example/2023/11/06/storm"
    document = Document(source="t.html", content=markup, kind="html", url=url)
    page = parse_html(document).page
    assert (page.title, page.site) == ("Storm closes ports", "harbour.example")
    assert page.published_at == datetime(2023, 11, 6, tzinfo=timezone.utc)


def test_broken_canonical_link_falls_back_to_the_page_url():
    markup = (
        '<html><head><link rel="canonical" href="http://[broken/"></head><body><article>'
        "<p>Ports along the coast were closed on Monday as the storm approached the shore, officials said.</p>"
        "</article></body></html>"
    )
    document = Document(source="t.html", content=markup, kind="html", url="https://Example.org:443/a?gclid=1")
    assert parse_html(document).page.canonical_url == "https://example.org/a"


def test_unreadable_json_ld_is_a_warning_and_the_page_is_kept():
    markup = """<html><head>
    <script type="application/ld+json">{"@type": "NewsArticle", "headline": "Broken" "oops"}</script>
    <script type="application/ld+json">
      <!-- {"@type": "NewsArticle", "headline": "Wrapped in a comment", "datePublished": "2024-05-01",} -->
    </script></head>
    <body><article><p>This paragraph is the whole article, and it is long enough to be found as the article.</p>
    </article></body></html>"""
    result = parse_markup(markup)
    assert len(result.warnings) == 1 and result.warnings[0].startswith("JSON-LD script 1 could not be read")
    assert result.page.title == "Wrapped in a comment"
    assert result.page.published_at == datetime(2024, 5, 1, tzinfo=timezone.utc)
    assert result.page.body_text.startswith("This paragraph is the whole article")


def test_empty_embed_is_a_warning_and_the_others_are_kept():
    markup = (
        "<article><p>A paragraph that is long enough to be taken for the article body of this little page.</p>"
        '<blockquote class="twitter-tweet"></blockquote>'
        '<blockquote class="twitter-tweet"><a href="https://x.com/i/web/status/1130532897142841344">May 20</a>'
        "</blockquote></article>"
    )
    result = parse_markup(markup)
    assert [(e.position, e.post.native_id) for e in result.page.embeds] == [(1, "1130532897142841344")]
    assert result.warnings == [
        "embed 1 (x blockquote) could not be read: EmbedError: no status link, text or signature"
    ]


def test_truncated_page_still_parses():
    content = SEED_HTML.read_text(encoding="utf-8")
    cut = content[: content.index("Meanwhile in Syria")]
    page = parse_html(Document(source="cut.html", content=cut, kind="html")).page
    assert page.title == "Putin urges Israel to withdraw from Syria as Russia regroups"
    assert [e.post.native_id for e in page.embeds] == [NEW_ARAB_ID]
    assert page.body_text.startswith("In a direct statement")


def test_key_points_by_list_class():
    markup = (
        '<article><ul class="article-key-points"><li>Ports closed</li><li>Ferries cancelled</li></ul>'
        "<p>Ports along the coast were closed on Monday as the storm approached the shore, officials said.</p>"
        "</article>"
    )
    page = parse_markup(markup).page
    assert [(i.position, i.text) for i in page.key_points] == [(1, "Ports closed"), (2, "Ferries cancelled")]


def test_not_html_at_all_is_an_error():
    with pytest.raises(ParseError, match="empty.html"):
        parse(Document(source="empty.html", content="   ", kind="html"))


@settings(max_examples=200)
@given(st.lists(st.sampled_from([
    "<p>", "</p>", "<blockquote class='twitter-tweet'>", "</blockquote>", "<article>", "</div>", "<ul><li>",
    "text ", "&mdash; N (@n) ", "<a href='https://twitter.com/n/status/123456789012345678'>May 1, 2020</a>",
    '<script type="application/ld+json">{', "}</script>", "<br>", "“Q,” he said.", "<h2>At a Glance</h2>",
])).map("".join))
def test_never_fails_on_odd_markup(markup):
    try:
        result = parse(Document(source="odd.html", content=markup, kind="html"))
    except ParseError as exc:
        assert "not readable as HTML" in str(exc) or "empty" in str(exc)
        return
    assert [e.position for e in result.page.embeds] == list(range(1, len(result.page.embeds) + 1))
