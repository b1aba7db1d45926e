"""Text flattenings (as trafilatura writes them): body, headings, key points, embedded posts and quotes."""
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from pipeline.model import Document, Entity
from pipeline.parse import ParseError, parse
from pipeline.parse.flat_text import parse_text

ROOT = Path(__file__).parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
DEC_19 = datetime(2024, 12, 19, tzinfo=timezone.utc)
# Paragraphs longer than a tweet, as article paragraphs often are (a shorter one right above a post is taken into
# the post unless it reads as a lead-in: see test_a_lead_in_line_ending_in_a_colon_stays_in_the_article).
LEDE = (
    "In a direct statement, Russian President Vladimir Putin has called on Israel to withdraw its military forces"
    " from Syria, aiming to promote regional stability amidst heightened tensions in the region, while the Kremlin"
    " said its own forces were regrouping at the naval and air bases on the coast."
)
CLOSING = (
    "Speculation about a broader Russian withdrawal from Syria adds to the uncertainty. This potential strategic"
    " shift could significantly alter the regional power dynamics, potentially affecting Russia’s relationships"
    " with other nations involved in the Syrian conflict. Military movements to bases in Tartus and Khmeimim are"
    " underway."
)


def parse_content(content: str):
    return parse_text(Document(source="test.txt", content=content, kind="text"))


@pytest.fixture(scope="module")
def seed():
    path = ROOT / "seeds" / "seed_article_putin_syria.txt"
    return parse(Document(source=str(path), content=path.read_text(encoding="utf-8"), kind="text"))


def test_seed_key_points(seed):
    assert [(item.kind, item.position, item.text) for item in seed.page.key_points] == [
        ("key_point", 1, "Russian convoys are reportedly leaving Syria following the ousting of Bashar al-Assad."),
        ("key_point", 2, "Putin expresses skepticism about Israel’s withdrawal plans from Syria."),
        ("key_point", 3, "Russian troops are relocating to naval and air bases in Tartus and Khmeimim."),
        ("key_point", 4, "The increased Iranian and Hezbollah presence could jeopardize Russia’s gains in Syria."),
    ]


def test_seed_posts(seed):
    embeds = seed.page.embeds
    assert [(e.position, e.form, e.post.platform, e.post.native_id) for e in embeds] == [
        (1, "text_signature", "x", None),
        (2, "text_signature", "x", None),
    ]
    assert [(e.post.author_name, e.post.author_handle) for e in embeds] == [
        ("The New Arab", "The_NewArab"),
        ("Anadolu English", "anadoluagency"),
    ]
    assert [(e.post.posted_at, e.post.posted_at_precision) for e in embeds] == [(DEC_19, "day"), (DEC_19, "day")]
    new_arab, anadolu = (e.post for e in embeds)
    assert new_arab.text.startswith("🧵 UPDATES\n👉 Gaza death toll reaches 45,129: health ministry\n")
    assert new_arab.text.endswith("Putin🔴 Live blog: https://t.co/w1oxigfedT")
    assert anadolu.text == (
        "#BREAKING Russian President Putin says Moscow hopes Israel will leave Syria, but instead it is now"
        " bringing in additional troops pic.twitter.com/ElKHjm2hOm"
    )


def test_seed_thread_items(seed):
    new_arab, anadolu = (e.post for e in seed.page.embeds)
    assert [(item.kind, item.position, item.text) for item in new_arab.thread] == [
        ("thread_item", 1, "Gaza death toll reaches 45,129: health ministry"),
        ("thread_item", 2, "Two killed in another Israeli raid in the West Bank"),
        ("thread_item", 3, "Putin calls for Israel to withdraw troops from Syria"),
        ("thread_item", 4, "Russia evacuated 4,000 Iranian fighters from Syria: Putin"),  # cut at the glued 🔴
    ]
    assert anadolu.thread == []


def test_seed_entities(seed):
    new_arab, anadolu = (e.post for e in seed.page.embeds)
    assert new_arab.entities == [Entity("url", "https://t.co/w1oxigfedT")]
    assert anadolu.entities == [Entity("hashtag", "BREAKING"), Entity("media", "https://pic.twitter.com/ElKHjm2hOm")]


def test_seed_quote(seed):
    [quote] = seed.page.quotes
    assert quote.speaker == "Putin" and quote.position == 1
    assert quote.text.startswith("We hope that Israel")
    assert quote.text.endswith("bringing in additional troops")  # the comma inside the quotes is dropped


def test_seed_body_headings_and_title(seed):
    page = seed.page
    assert page.title is None  # the first line is the lede, a sentence
    assert page.headings == [
        "At a Glance",
        "Putin’s Plea for De-escalation",
        "Meanwhile in Syria: Military Realignments",
        "Regional Implications: Power Shifts and Concerns",
    ]
    blocks = page.body_text.split("\n\n")
    assert blocks[0].startswith("In a direct statement, Russian President Vladimir Putin")
    assert blocks[1:3] == [
        "At a Glance",
        "- Russian convoys are reportedly leaving Syria following the ousting of Bashar al-Assad.\n"
        "- Putin expresses skepticism about Israel’s withdrawal plans from Syria.\n"
        "- Russian troops are relocating to naval and air bases in Tartus and Khmeimim.\n"
        "- The increased Iranian and Hezbollah presence could jeopardize Russia’s gains in Syria.",
    ]
    for heading in page.headings:
        assert heading in blocks
    assert blocks[blocks.index("Putin’s Plea for De-escalation") + 1].startswith("Russian President Vladimir Putin")
    assert blocks[blocks.index("Meanwhile in Syria: Military Realignments") + 1].startswith("The power shifts")
    assert blocks[blocks.index("Regional Implications: Power Shifts and Concerns") + 1].startswith("Russia’s military")
    assert blocks[-1].endswith("necessitate strategic recalibrations.")
    assert "“We hope that Israel" in page.body_text
    assert len(blocks) == 13


def test_seed_posts_stay_out_of_the_body(seed):
    body = seed.page.body_text
    for post_text in ("Gaza death toll", "UPDATES", "Live blog", "t.co", "pic.twitter.com", "#BREAKING",
                      "The_NewArab", "anadoluagency", "Anadolu English", "December 19, 2024"):
        assert post_text not in body
    for embed in seed.page.embeds:
        assert "Khmeimim" not in embed.post.text and "Speculation" not in embed.post.text
    assert seed.warnings == []


def test_dash_variants_and_day_month_year():
    content = "\n".join([
        LEDE,
        "Convoys seen near Tartus #Syria",
        "– Alice Example (@alice) 5 March 2024",
        CLOSING,
        "More trucks pic.x.com/AbC123",
        "- Bob (@bob_b) Mar 6, 2024",
        CLOSING,
    ])
    page = parse_content(content).page
    posts = [e.post for e in page.embeds]
    assert [(p.author_name, p.author_handle, p.posted_at, p.text) for p in posts] == [
        ("Alice Example", "alice", datetime(2024, 3, 5, tzinfo=timezone.utc), "Convoys seen near Tartus #Syria"),
        ("Bob", "bob_b", datetime(2024, 3, 6, tzinfo=timezone.utc), "More trucks pic.x.com/AbC123"),
    ]
    assert posts[1].entities == [Entity("media", "https://pic.twitter.com/AbC123")]
    assert page.body_text == "\n\n".join([LEDE, CLOSING, CLOSING])


def test_signature_without_a_date():
    content = "\n".join([LEDE, "Markets open lower $TSLA @carol", "-- Carol (@carol)", CLOSING])
    [embed] = parse_content(content).page.embeds
    assert (embed.post.author_handle, embed.post.posted_at, embed.post.posted_at_precision) == ("carol", None, None)
    assert embed.post.text == "Markets open lower $TSLA @carol"
    assert embed.post.entities == [Entity("cashtag", "TSLA"), Entity("mention", "carol")]


def test_html_entity_dash():
    content = "\n".join([LEDE, "Moscow confirms the talks", "&mdash; Dan (@dan) December 19, 2024", CLOSING])
    [embed] = parse_content(content).page.embeds
    assert (embed.post.author_name, embed.post.text) == ("Dan", "Moscow confirms the talks")


def test_short_post_right_after_a_heading():
    content = "\n".join([LEDE, "Reactions From Abroad", "Wow.", "— Dan (@dan) December 19, 2024", CLOSING])
    page = parse_content(content).page
    [embed] = page.embeds
    assert embed.post.text == "Wow."
    assert page.headings == ["Reactions From Abroad"]  # followed by prose once the post is taken out
    assert page.body_text == "\n\n".join([LEDE, "Reactions From Abroad", CLOSING])


def test_two_posts_back_to_back():
    content = "\n".join([
        LEDE,
        "First tweet",
        "— Eve (@eve) December 19, 2024",
        "Second tweet",
        "— Frank (@frank) December 20, 2024",
        CLOSING,
    ])
    page = parse_content(content).page
    assert [(e.position, e.post.author_handle, e.post.text) for e in page.embeds] == [
        (1, "eve", "First tweet"),
        (2, "frank", "Second tweet"),
    ]
    assert page.body_text == "\n\n".join([LEDE, CLOSING])


def test_post_longer_than_the_line_above_allows_stops_at_prose():
    # Each line alone fits in a tweet, but with the paragraph above the post would be longer than 280 characters.
    paragraph = "Officials said the convoy left at dawn and reached the coast by noon, according to local reports."
    post_lines = ["Convoy reached Tartus at noon.", "More to follow", "👉 live updates below"] * 4
    content = "\n".join([paragraph, *post_lines, "— Eve (@eve) December 19, 2024"])
    page = parse_content(content).page
    assert page.embeds[0].post.text == "\n".join(post_lines)
    assert page.body_text == paragraph


def test_a_lead_in_line_ending_in_a_colon_stays_in_the_article():
    content = "\n".join([LEDE, "The ministry posted on X:", "Convoys left at dawn", "— Eve (@eve) December 19, 2024"])
    page = parse_content(content).page
    assert page.embeds[0].post.text == "Convoys left at dawn"
    assert page.body_text == LEDE + "\n\n" + "The ministry posted on X:"


def test_real_flattening_with_lead_ins_above_its_two_tweets():
    """trafilatura's text of a Times of Israel article (fixtures/SOURCES.md): each tweet follows a lead-in line."""
    page = parse_content((FIXTURES / "flattening_timesofisrael_washington.txt").read_text(encoding="utf-8")).page
    assert [(e.post.author_handle, e.post.text) for e in page.embeds] == [
        ("Rabbi_360", "Honored to have offered the benediction today at this historic ceremony. The yarmulked head in "
                      "the front row is mine. https://t.co/dLVatVHxRr"),
        ("drewmikkelsenk5", "The state’s newest Supreme Court Justice, Raquel Montoya-Lewis, heading into courtroom to "
                            "be sworn in. She is the first state justice of Native American heritage. "
                            "pic.twitter.com/CIHDX5qmux"),
    ]
    assert "Goldstein tweeted he was “honored” to offer the benediction:" in page.body_text.splitlines()
    assert "Here’s a short clip of Montoya-Lewis walking in:" in page.body_text.splitlines()


def test_real_flattening_of_a_numbered_list_of_tweets():
    """trafilatura's text of The Poke's listicle (fixtures/SOURCES.md): each tweet under its list number's line."""
    page = parse_content((FIXTURES / "flattening_thepoke_waddingham.txt").read_text(encoding="utf-8")).page
    assert [(e.post.author_handle, e.post.text) for e in page.embeds] == [
        ("LivvyParrot", "This is hysterical – do you think all companies are just now finding out they’ve *all* cast "
                        "Hannah waddingham in their festive ads? https://t.co/PHvLHCOZgz"),
        ("davelomax", "Wondering who will be first to stitch all the Hannah Waddingham xmas adverts together into a "
                      "single coherent 90 minute Richard Curtis film."),
        ("scottygb", "what if we replaced all Christmas with Hannah Waddingham"),
    ]
    assert page.body_text.split("\n\n") == [
        "Here are our favourite things people have been saying about her today.", "1.", "2.", "3."]


def test_real_flattening_of_posts_from_the_140_character_era():
    """trafilatura's text of a Mashable article of 2014 (fixtures/SOURCES.md): a sentence of the article right above
    a post would fit in 280 characters with it, but not in the 140 a post of 2014 could have."""
    page = parse_content((FIXTURES / "flattening_mashable_stansted.txt").read_text(encoding="utf-8")).page
    posts = {(e.post.author_handle, e.post.text) for e in page.embeds}
    assert len(page.embeds) == 11
    assert ("kennbarr", "Power outage at London Stansted, great day for it :/") in posts
    assert ("JackieRue", "Can't get off the plane. Actually it's not Ryanair's fault. It's Stansted's. Apparently "
                         "there's a power cut....") in posts
    assert ("STN_Airport", "Power has now been restored. Flights continue to operate but are subject to delay. We "
                           "apologise to all passengers delayed this afternoon") in posts
    body = page.body_text.split("\n\n")
    assert "The airport reported that crews had restored power at about 5:30 p.m. local time (12:30 p.m. EST)." in body
    assert "Stansted is located about 40 miles north of London's center; the terminal most affected is Ryanair." in body


def test_a_post_after_late_2017_may_be_280_characters_long():
    line = "Convoys left the base at dawn and reached the coast by noon, according to the local officials there."
    content = "\n".join([LEDE, "", line, line, "— Eve (@eve) December 19, 2024"])
    assert parse_content(content).page.embeds[0].post.text == line + "\n" + line  # 201 characters: fits in 280
    content = "\n".join([LEDE, "", line, line, "— Eve (@eve) December 19, 2014"])
    assert parse_content(content).page.embeds[0].post.text == line  # not in 140


def test_a_short_label_ending_in_a_colon_stays_in_the_post():
    content = "\n".join([LEDE, "US Navy :", "Carrier group moved east", "— Eve (@eve) December 19, 2024"])
    assert parse_content(content).page.embeds[0].post.text == "US Navy :\nCarrier group moved east"


def test_real_flattening_of_a_mirror_live_blog():
    """trafilatura's text of a tweet in a Mirror live entry: five lines, the last with an attached photo."""
    flattenings = (FIXTURES / "trafilatura_flattenings.txt").read_text(encoding="utf-8")
    section = flattenings.split("## mirror.co.uk live blog")[1].split("\n", 1)[1].split("\n## ")[0]
    page = parse_content(section).page
    [embed] = page.embeds
    post = embed.post
    assert (post.author_name, post.author_handle) == ("Plymouth Citybus", "plymouthbus")
    assert post.posted_at == datetime(2024, 8, 5, tzinfo=timezone.utc)
    assert post.text.splitlines()[0] == "Precautionary changes to buses in Plymouth from 1530."
    assert post.text.splitlines()[-1] == (
        "Buses to Marsh Mills / Plymstock board at Exeter Street. pic.twitter.com/7IJYBkhgep"
    )
    assert post.entities == [Entity("media", "https://pic.twitter.com/7IJYBkhgep")]
    assert "In an update, Plymouth Citibus explained from 3.30pm" in page.body_text
    assert "Precautionary" not in page.body_text and "Plymouth Citybus" not in page.body_text


def test_key_point_list_variants():
    content = "\n".join([
        LEDE,
        "What we know so far:",
        "",
        "• Convoys left Hmeimim",
        "• Ships are loading in Tartus",
        CLOSING,
    ])
    page = parse_content(content).page
    assert [item.text for item in page.key_points] == ["Convoys left Hmeimim", "Ships are loading in Tartus"]
    assert page.body_text == "\n\n".join(
        [LEDE, "What we know so far:", "- Convoys left Hmeimim\n- Ships are loading in Tartus", CLOSING]
    )


def test_title_only_when_clearly_one():
    page = parse_content("\n".join(["Putin Urges Israel to Leave Syria", LEDE, CLOSING])).page
    assert page.title == "Putin Urges Israel to Leave Syria"
    assert page.body_text == "\n\n".join([LEDE, CLOSING])


def test_page_url_from_the_document():
    document = Document(source="a.txt", content=LEDE, kind="text", url="https://www.example.com/a?utm_source=x")
    page = parse_text(document).page
    assert (page.url, page.canonical_url, page.site) == (
        "https://www.example.com/a?utm_source=x",
        "https://www.example.com/a",
        "example.com",
    )


def test_a_broken_document_url_is_a_warning():
    result = parse_text(Document(source="a.txt", content=LEDE, kind="text", url="http://[broken/"))
    assert (result.page.canonical_url, result.page.body_text) == (None, LEDE)
    assert result.warnings[0].startswith("the document's URL is not a URL")


def test_empty_document_is_an_error():
    with pytest.raises(ParseError, match="empty.txt"):
        parse(Document(source="empty.txt", content=" \n ", kind="text"))


PIECES = ["a", "b", " ", "#", "@", "—", "-", "–", ":", ".", "\n", "👉", "🔴", "(@x)", "December 19, 2024", "At a Glance"]


@given(st.lists(st.sampled_from(PIECES)).map("".join))
def test_never_fails_on_odd_text(content):
    page = parse_text(Document(source="random.txt", content=content, kind="text")).page
    assert [embed.position for embed in page.embeds] == list(range(1, len(page.embeds) + 1))
    assert all(embed.post.author_handle for embed in page.embeds)
