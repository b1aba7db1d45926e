"""Embedded posts of every platform, read from the team's verbatim embed snippets (tests/fixtures/SOURCES.md)."""
from __future__ import annotations

from pathlib import Path

from pipeline.keys import post_id
from pipeline.model import Document
from pipeline.parse import parse

FIXTURES = Path(__file__).parent / "fixtures"


def _embeds(markup: str):
    html = f"<html><body><article><p>Intro paragraph of the article.</p>{markup}</article></body></html>"
    return parse(Document(source="t", content=html, kind="html")).page.embeds


def _fixture(name: str):
    """A page the labelled set built around the team's verbatim snippets (tests/fixtures/SOURCES.md)."""
    html = (FIXTURES / "embed_pages" / name).read_text(encoding="utf-8")
    return parse(Document(source=name, content=html, kind="html")).page.embeds


def test_every_platform_of_the_documented_embed_codes():
    embeds = _fixture("other_platform_embeds.html")
    assert [post_id(e.post) for e in embeds] == [
        "bluesky:did:plc:gie4wy6vo4ixac455zwxapw6/3lkmippmnak2b",
        "bluesky:did:plc:4kzexuq4xieuarc3q6lmkeou/3mg7jqytars2l",
        "mastodon:mastodon.social/114638610368343397",
        "mastodon:hachyderm.io/109683757201594015",
        "threads:DXnWnLSEuMH",
        "telegram:what_anton_reads/4",
        "tiktok:7295627671319383328",
        "instagram:C5wSgl9swC9",
        "facebook:964388203581391",
        "x:1007758301788925953",
    ]
    bluesky = embeds[0].post
    assert (bluesky.author_name, bluesky.author_handle, bluesky.language) == ("Colin ➡️ GDC", "jearil.bsky.social", "en")
    assert bluesky.text.startswith("I sometimes hesitate to call myself a #gamedev")
    # From the record key (a TID): the written "March 17, 2025 at 6:17 PM" was US Pacific time.
    assert bluesky.posted_at.isoformat() == "2025-03-18T01:17:33.346000+00:00"
    assert bluesky.posted_at_precision == "millisecond"
    assert embeds[2].post.author_handle == "dragonhoards@mastodon.social" and embeds[2].post.text is None
    assert embeds[4].post.url == "https://www.threads.com/@alex_wang.ai/post/DXnWnLSEuMH"
    assert embeds[6].post.author_handle == "formip"
    assert (embeds[7].post.author_name, embeds[7].post.author_handle) == ("The Westgate Hotel", "westgatehotel")
    assert embeds[8].post.author_name == "WPDeveloper"
    assert (embeds[8].post.posted_at.date().isoformat(), embeds[8].post.posted_at_precision) == ("2015-07-04", "day")
    amp = embeds[9]
    assert amp.form == "amp" and amp.post.text.startswith("I hate to say but @Twitter")
    assert [e.form for e in embeds[:3]] == ["blockquote", "blockquote", "blockquote"]


def test_rendered_and_placeholder_tweets_keep_their_ids():
    embeds = _fixture("embeds_in_saved_publisher_pages.html")
    assert [(e.form, post_id(e.post)) for e in embeds] == [
        ("iframe", "x:1521523341391282176"),
        ("iframe", "x:1650785681021759488"),
        ("placeholder", "x:2007489108059533390"),  # Euronews div.widget__tweet
        ("amp", "x:2075543942469238989"),  # La Vanguardia: a URL in data-tweetid
    ]
    assert embeds[0].post.posted_at.isoformat() == "2022-05-03T16:13:27.781000+00:00"  # from the snowflake
    assert embeds[3].post.author_handle == "JuanMa_Moreno"


def test_tweet_frame_id_parameter_and_instagram_iframe():
    embeds = _fixture("twitter_rendered_iframe.html")
    assert [post_id(e.post) for e in embeds] == ["x:1581661660728950784", "instagram:CjxGJJLOpCq"]


def test_url_shapes_give_one_id_and_bare_links_count_only_alone():
    markup = """
    <iframe src="https://platform.twitter.com/embed/Tweet.html?dnt=false&amp;id=1581661660728950784&amp;lang=en"></iframe>
    <p><a href="https://mobile.twitter.com/SomeOne/status/1581661660728950784/photo/1?s=20">https://mobile.twitter.com/SomeOne/status/1581661660728950784/photo/1?s=20</a></p>
    <p>https://x.com/other/status/1581661660728950784?s=20</p>
    <p>As <a href="https://twitter.com/a/status/1214351117548576770">she tweeted</a>, it is not an embed.</p>
    <lite-youtube videoid="Q0CbN8sfihY"></lite-youtube>
    <iframe data-src="https://www.youtube-nocookie.com/embed/KKbjnLpxv70?rel=0"></iframe>
    <iframe src="https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2FPage%2Fposts%2F123456789&amp;width=500"></iframe>
    <blockquote class="tiktok-embed" data-embed-type="creator" data-unique-id="someone"></blockquote>
    """
    embeds = _embeds(markup)
    assert [post_id(e.post) for e in embeds] == [
        "x:1581661660728950784", "x:1581661660728950784", "x:1581661660728950784",
        "youtube:Q0CbN8sfihY", "youtube:KKbjnLpxv70", "facebook:123456789",
    ]
    assert [e.position for e in embeds] == [1, 2, 3, 4, 5, 6]  # the same post embedded three times: three places


def test_publisher_placeholders_found_by_what_their_data_attributes_hold():
    markup = """
    <div class="embed-box" data-embed-url="https://www.instagram.com/reel/C5wSgl9swC9/?igsh=abc"></div>
    <figure class="media" data-source="https://youtu.be/Q0CbN8sfihY?t=42"></figure>
    <div class="social" data-url="https://twitter.com/SomeOne/status/1581661660728950784?s=20"></div>
    <div class="share" data-url="https://news.example/story"></div>
    <div data-url="https://twitter.com/a/status/1129040592930070530"><blockquote class="twitter-tweet">
      <p>Inside a wrapper</p><a href="https://twitter.com/a/status/1129040592930070530">May 16, 2019</a></blockquote></div>
    """
    embeds = _embeds(markup)
    assert [(e.form, post_id(e.post)) for e in embeds] == [
        ("placeholder", "instagram:C5wSgl9swC9"),
        ("placeholder", "youtube:Q0CbN8sfihY"),
        ("placeholder", "x:1581661660728950784"),
        ("blockquote", "x:1129040592930070530"),  # the wrapper is not a second embed
    ]


def test_an_x_embed_without_status_link_takes_its_day_from_a_localised_date():
    markup = """
    <blockquote class="twitter-tweet" data-lang="de"><p lang="de">Guten Morgen aus Berlin</p>&mdash; Ein Konto (@ein_konto)
      <a href="https://twitter.com/ein_konto">19. Dezember 2024</a></blockquote>
    <blockquote class="twitter-tweet" data-lang="ja"><p lang="ja">おはよう</p>&mdash; アカウント (@acct_jp)
      <a href="https://twitter.com/acct_jp">2016年11月25日</a></blockquote>
    """
    posts = [embed.post for embed in _embeds(markup)]
    assert [(p.author_handle, p.posted_at.date().isoformat(), p.posted_at_precision) for p in posts] == [
        ("ein_konto", "2024-12-19", "day"),
        ("acct_jp", "2016-11-25", "day"),
    ]


def test_an_x_post_split_into_paragraphs_keeps_every_paragraph_and_stops_at_the_signature():
    """basicthinking.de (corpus page in tests/fixtures/corpus): WordPress split @C_Holler's post into two `<p>`s and
    wrapped its signature in a third; the text is both paragraphs, checked by hand against the page."""
    import gzip

    page = FIXTURES / "corpus" / "tweet-embed__trafilatura__basicthinking.de.tweets.html.gz"
    html = gzip.decompress(page.read_bytes()).decode("utf-8")
    embeds = parse(Document(source="https://www.basicthinking.de/blog/2018/12/05/erfolgreiche-tweets-zutaten/",
                            content=html, kind="html")).page.embeds
    post = next(embed.post for embed in embeds if embed.post.native_id == "1067112604739534850")
    assert (post.author_handle, post.author_name) == ("C_Holler", "Feine Helene Fischerfilet")
    assert post.text.splitlines() == [
        "Wie lustig #Palmer meets Deutschlandhut wäre.",
        "„Höahn Sie auf mich zu filmen! Sie begehn einö Strofdohd!“",
        "„Ich darf das, ich bin Leiter der Ortspolizeibehörde! Ich habe das Recht zur Personenkontrolle!“",
        "„HÖAHN SIE AUF!“", "„ICH DARF DAS!“", "„STROFDOHD!“", "„ORTSPOLIZEIBEHÖRDENLEITER!“",
    ]

    wrapped = _embeds('<blockquote class="twitter-tweet"><p lang="en">First paragraph.</p>\n<p>Second.</p>\n'
                      '<p>&mdash; Eve (@eve) <a href="https://twitter.com/eve/status/1869738118480617672">'
                      'December 19, 2024</a></p>\n<p>A caption the publisher put inside.</p></blockquote>')
    assert [(e.post.text, e.post.author_handle) for e in wrapped] == [("First paragraph.\nSecond.", "eve")]
