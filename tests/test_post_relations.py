"""Posts that quote, reply to or repost posts (issue 15): `post_relations`, from embed markup, through ingest.

The quote chain is `tests/fixtures/relations/x_nested_quote.html`: two verbatim X blockquotes of the deadline.com
corpus page, the quoted one pasted inside the quoting one (the shape Lullabot/amp-library #264 describes).
"""
from __future__ import annotations

import dataclasses
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from pipeline.enrich import EnrichSettings, relations
from pipeline.model import Document
from pipeline.parse import parse
from pipeline.runs import enrich, ingest
from tests.fetch_support import Reply
from tests.lakes import fresh_lake
from tests.warehouse_rows import rows

PAGES = Path(__file__).parent / "fixtures" / "embed_pages"
NESTED_QUOTE = Path(__file__).parent / "fixtures" / "relations" / "x_nested_quote.html"
KAREM, TRUMP = "1117767646961963009", "1117736685721223168"


def _page(path: Path):
    return parse(Document(source=str(path), content=path.read_text(encoding="utf-8"), kind="html")).page


def test_a_tweet_pasted_inside_a_tweet_is_its_quote_and_an_embed_of_its_own():
    page = _page(NESTED_QUOTE)
    posts = {embed.post.native_id: embed.post for embed in page.embeds}
    assert set(posts) == {KAREM, TRUMP}
    [relation] = posts[KAREM].relations
    assert (relation.kind, relation.post.native_id, relation.post.author_handle) == ("quote", TRUMP, "realDonaldTrump")
    assert posts[TRUMP].relations == []
    assert posts[TRUMP].text.startswith("What do I know about branding")  # the inner post is read in full
    assert "What do I know" not in posts[KAREM].text


def test_a_nested_tweet_posted_after_the_outer_one_is_not_its_quote():
    # Lullabot/amp-library's fixture nests a @lullabot tweet of 20 May 2019 inside one of 16 May 2019: both embeds are
    # read, but a post cannot quote a later post.
    page = _page(PAGES / "twitter_blockquote_variants.html")
    posts = {embed.post.native_id: embed.post for embed in page.embeds}
    assert {"1129040592930070530", "1130532897142841344"} <= set(posts)
    assert all(post.relations == [] for post in posts.values())


def test_a_quoted_post_chain_ends_as_two_posts_and_one_quote_relation_and_a_reload_adds_none(server, local_fetching,
                                                                                           tmp_path):
    first = NESTED_QUOTE.read_bytes()
    edited = first.replace(b"</article>", b"<p>Updated with the correspondent's follow-up.</p></article>")
    server.sequence("/story.html", [Reply(200, first, content_type="text/html; charset=utf-8"),
                                    Reply(200, edited, content_type="text/html; charset=utf-8")])
    db = tmp_path / "w.duckdb"

    assert ingest([server.url("/story.html")], str(db)).status == "ok"
    relation = [(f"x:{KAREM}", f"x:{TRUMP}", "quote")]
    assert rows(db, "SELECT post_id, related_post_id, kind FROM post_relations") == relation
    assert rows(db, "SELECT post_id, author_handle, text IS NOT NULL FROM social_posts ORDER BY post_id") == [
        (f"x:{TRUMP}", "realDonaldTrump", True), (f"x:{KAREM}", "BrianKarem", True)]
    assert rows(db, "SELECT count(*) FROM article_posts") == [(2,)]

    assert ingest([server.url("/story.html")], str(db)).status == "ok"  # changed bytes: parsed and loaded again
    assert rows(db, "SELECT count(*) FROM articles") == [(1,)]
    assert rows(db, "SELECT post_id, related_post_id, kind FROM post_relations") == relation
    assert rows(db, "SELECT count(*) FROM social_posts") == [(2,)]
    assert rows(db, "SELECT first_seen_at < last_seen_at FROM post_relations") == [(True,)]
    assert rows(db, "SELECT inserted, unchanged FROM run_table_counts WHERE table_name = 'post_relations' "
                    "ORDER BY run_id") == [(1, 0), (0, 1)]


# -- enrichment answers ---------------------------------------------------------------------------------------------
# Answers built from the documented shapes (bluesky-social/atproto lexicons app/bsky/feed/defs.json, feed/post.json,
# embed/record.json, embed/recordWithMedia.json; docs.joinmastodon.org entities/Status, Quote, Mention), around posts
# of the real embeds in tests/fixtures/embed_pages/other_platform_embeds.html; which post quotes or answers which is
# test data (no verbatim answer of these APIs is available offline).

QUOTING_DID, QUOTING_RKEY = "did:plc:4kzexuq4xieuarc3q6lmkeou", "3mg7jqytars2l"  # 4 March 2026
QUOTED_DID, QUOTED_RKEY = "did:plc:gie4wy6vo4ixac455zwxapw6", "3lkmippmnak2b"  # 17 March 2025
QUOTED_URI = f"at://{QUOTED_DID}/app.bsky.feed.post/{QUOTED_RKEY}"


def _json(data, status: int = 200) -> Reply:
    return Reply(status, json.dumps(data).encode(), content_type="application/json; charset=utf-8")


def _post_view(did, rkey, handle, text, created_at, *, embed=None, embed_view=None, reply=None) -> dict:
    record = {"$type": "app.bsky.feed.post", "text": text, "createdAt": created_at, "langs": ["ja"]}
    if embed:
        record["embed"] = embed
    if reply:
        record["reply"] = reply
    view = {"uri": f"at://{did}/app.bsky.feed.post/{rkey}", "cid": "bafyrei", "author": {"did": did, "handle": handle},
            "record": record, "indexedAt": created_at}
    if embed_view:
        view["embed"] = embed_view
    return view


QUOTED_RECORD = {"$type": "app.bsky.embed.record#viewRecord", "uri": QUOTED_URI, "cid": "bafyreihug6",
                 "author": {"did": QUOTED_DID, "handle": "jearil.bsky.social", "displayName": "Colin ➡️ GDC"},
                 "value": {"$type": "app.bsky.feed.post", "text": "I sometimes hesitate to call myself a #gamedev",
                           "createdAt": "2025-03-17T18:17:45.123Z", "langs": ["en"]},
                 "indexedAt": "2025-03-17T18:17:46.000Z"}
QUOTING_VIEW = _post_view(
    QUOTING_DID, QUOTING_RKEY, "photos.baldanders.info", "こんにちは，Pckt - お散歩カメラ", "2026-03-04T05:17:00.000Z",
    embed={"$type": "app.bsky.embed.recordWithMedia",
           "record": {"$type": "app.bsky.embed.record", "record": {"uri": QUOTED_URI, "cid": "bafyreihug6"}},
           "media": {"$type": "app.bsky.embed.images", "images": []}},
    embed_view={"$type": "app.bsky.embed.recordWithMedia#view",
                "record": {"$type": "app.bsky.embed.record#view", "record": QUOTED_RECORD},
                "media": {"$type": "app.bsky.embed.images#view", "images": []}})


def test_bluesky_answers_give_the_quoted_and_the_replied_to_post():
    quote = relations.bluesky_relations(QUOTING_VIEW)
    [(kind, post)] = quote
    assert kind == "quote" and post["native_id"] == f"{QUOTED_DID}/{QUOTED_RKEY}"  # the parser's id for an embed of it
    assert post["url"] == f"https://bsky.app/profile/{QUOTED_DID}/post/{QUOTED_RKEY}"
    assert (post["author_handle"], post["text"], post["language"]) == \
        ("jearil.bsky.social", "I sometimes hesitate to call myself a #gamedev", "en")

    reply = _post_view(QUOTING_DID, QUOTING_RKEY, "photos.baldanders.info", "@jearil same here", "2026-03-04T05:17:00Z",
                       reply={"root": {"uri": QUOTED_URI, "cid": "a"}, "parent": {"uri": QUOTED_URI, "cid": "a"}})
    assert [(k, p["native_id"]) for k, p in relations.bluesky_relations(reply)] == \
        [("reply", f"{QUOTED_DID}/{QUOTED_RKEY}")]
    # a record embed of something that is not a post (a feed generator) is no quote
    feed = _post_view(QUOTING_DID, QUOTING_RKEY, "h", "t", "2026-03-04T05:17:00Z", embed={
        "$type": "app.bsky.embed.record",
        "record": {"uri": f"at://{QUOTED_DID}/app.bsky.feed.generator/whats-hot", "cid": "c"}})
    assert relations.bluesky_relations(feed) == []


def _mastodon_status(**extra) -> dict:
    status = {"id": "113000000000000002", "created_at": "2024-08-05T20:05:00.000Z", "language": "en",
              "url": "https://mastodon.social/@newsdesk/113000000000000002", "content": "<p>Read this.</p>",
              "account": {"id": "1", "username": "newsdesk", "acct": "newsdesk", "display_name": "News Desk"},
              "mentions": [], "tags": [], "media_attachments": [], "reblog": None, "quote": None,
              "in_reply_to_id": None, "in_reply_to_account_id": None}
    status.update(extra)
    return status


DRAGON = {"id": "114638610368343397", "url": "https://mastodon.social/@dragonhoards/114638610368343397",
          "created_at": "2025-06-07T10:00:00.000Z", "content": "<p>A hoard.</p>", "language": "en",
          "account": {"id": "7", "username": "dragonhoards", "acct": "dragonhoards", "display_name": "Dragon Hoards"}}
MARTIN = {"id": "109683757201594015", "url": "https://hachyderm.io/@Martindotnet/109683757201594015",
          "created_at": "2023-01-13T12:00:00.000Z", "content": "<p>Hello.</p>", "language": "en",
          "account": {"id": "9", "username": "Martindotnet", "acct": "Martindotnet@hachyderm.io"}}


def _text(html):
    return html and html.replace("<p>", "").replace("</p>", "")


def test_mastodon_answers_give_reblogs_accepted_quotes_and_replies_on_the_same_instance():
    got = relations.mastodon_relations(_mastodon_status(reblog=DRAGON), "mastodon.social", _text)
    assert [(k, p["native_id"], p["author_handle"], p["text"]) for k, p in got] == \
        [("repost", "mastodon.social/114638610368343397", "dragonhoards@mastodon.social", "A hoard.")]

    quoted = relations.mastodon_relations(_mastodon_status(quote={"state": "accepted", "quoted_status": MARTIN}),
                                          "mastodon.social", _text)
    assert [(k, p["native_id"], p["url"]) for k, p in quoted] == \
        [("quote", "hachyderm.io/109683757201594015", "https://hachyderm.io/@Martindotnet/109683757201594015")]
    pending = _mastodon_status(quote={"state": "pending", "quoted_status": MARTIN})
    assert relations.mastodon_relations(pending, "mastodon.social", _text) == []

    local_reply = _mastodon_status(in_reply_to_id="114638610368343397", in_reply_to_account_id="7",
                                   mentions=[{"id": "7", "username": "dragonhoards", "acct": "dragonhoards"}])
    assert [(k, p["native_id"], p["url"]) for k, p in relations.mastodon_relations(local_reply, "mastodon.social",
                                                                                    _text)] == \
        [("reply", "mastodon.social/114638610368343397", "https://mastodon.social/@dragonhoards/114638610368343397")]
    # a reply to a remote account: the id is this instance's copy, not the post's own id, so no relation
    remote = {"id": "9", "username": "Martindotnet", "acct": "Martindotnet@hachyderm.io"}
    remote_reply = _mastodon_status(in_reply_to_id="113000000000000001", in_reply_to_account_id="9", mentions=[remote])
    assert relations.mastodon_relations(remote_reply, "mastodon.social", _text) == []


def test_x_syndication_answers():
    real = json.loads((Path(__file__).parent / "fixtures" / "enrich" /
                       "twitter_syndication_tweet_result_wyden.json").read_text(encoding="utf-8"))
    assert relations.x_syndication_relations(real) == []  # the real answer neither quotes nor replies
    answer = dict(real["data"], in_reply_to_status_id_str=TRUMP, in_reply_to_screen_name="realDonaldTrump",
                  quoted_tweet={"id_str": KAREM, "text": "Trump Airlines. Now there's a brand.", "lang": "en",
                                "user": {"screen_name": "BrianKarem", "name": "Brian J. Karem"}})
    got = relations.x_syndication_relations(answer)
    assert [(k, p["native_id"], p["author_handle"]) for k, p in got] == \
        [("quote", KAREM, "BrianKarem"), ("reply", TRUMP, "realDonaldTrump")]


def _bluesky_quote(server, settings, tmp_path):
    """A page embedding a Bluesky post that quotes another, and an AppView of ours answering for both."""
    variants = (PAGES / "other_platform_embeds.html").read_text(encoding="utf-8")
    snippet = re.search(r'<blockquote class="bluesky-embed" data-bluesky-uri="[^"]*3mg7jqytars2l".*?</blockquote>',
                        variants, re.S).group()
    page = f"<html><head><title>Photos</title></head><body><article><h1>Photos</h1><p>Seen today.</p>{snippet}" \
           "</article></body></html>"
    server.route("/photos.html", Reply(200, page.encode(), content_type="text/html; charset=utf-8"))
    answers = {f"at://{QUOTING_DID}/app.bsky.feed.post/{QUOTING_RKEY}": QUOTING_VIEW,
               QUOTED_URI: _post_view(QUOTED_DID, QUOTED_RKEY, "jearil.bsky.social", "I sometimes hesitate",
                                      "2025-03-17T18:17:45.123Z")}
    server.route("/xrpc/app.bsky.feed.getPostThread", lambda req: _json(
        {"thread": {"$type": "app.bsky.feed.defs#threadViewPost", "replies": [],
                    "post": answers[parse_qs(urlsplit(req.path).query)["uri"][0]]}}))
    endpoints = EnrichSettings(bluesky_appview=server.url(""), fetch=dataclasses.replace(settings, obey_robots=False))
    db = tmp_path / "w.duckdb"
    now = datetime.now(timezone.utc)
    return db, endpoints, now


def test_a_post_an_embedded_post_quotes_becomes_a_post_with_one_quote_relation_through_enrichment(
        server, settings, local_fetching, tmp_path):
    db, endpoints, now = _bluesky_quote(server, settings, tmp_path)
    assert ingest([server.url("/photos.html")], str(db)).status == "ok"
    assert rows(db, "SELECT count(*) FROM social_posts") == [(1,)]
    assert enrich(str(db), settings=endpoints, now=now).status == "ok"
    quoting, quoted = f"bluesky:{QUOTING_DID}/{QUOTING_RKEY}", f"bluesky:{QUOTED_DID}/{QUOTED_RKEY}"
    assert rows(db, "SELECT post_id, related_post_id, kind FROM post_relations") == [(quoting, quoted, "quote")]
    assert rows(db, "SELECT post_id, author_handle, status FROM social_posts ORDER BY post_id") == [
        (quoting, "photos.baldanders.info", "ok"), (quoted, "jearil.bsky.social", "unchecked")]
    assert rows(db, "SELECT count(*) FROM article_posts") == [(1,)]  # the quoted post is in no page of its own
    # the post quoted by an embedded post counts in report_post_reach
    assert rows(db, "SELECT post_id, embeds, quoted_by_posts, quoted_pages, quoted_outlets FROM report_post_reach "
                    "ORDER BY post_id") == [(quoting, 1, 0, 0, 0), (quoted, 0, 1, 1, 1)]

    assert enrich(str(db), settings=endpoints, now=now + timedelta(minutes=1)).status == "ok"  # the quoted post's turn
    assert ingest([server.url("/photos.html")], str(db)).status == "ok"
    assert rows(db, "SELECT post_id, related_post_id, kind FROM post_relations") == [(quoting, quoted, "quote")]
    assert rows(db, "SELECT count(*), count(*) FILTER (WHERE status = 'ok') FROM social_posts") == [(2, 2)]


def test_an_answer_naming_a_purged_account_as_quoted_does_not_bring_its_post_back(server, settings, local_fetching,
                                                                                  tmp_path):
    from pipeline.purge import run, targets

    db, endpoints, now = _bluesky_quote(server, settings, tmp_path)
    assert ingest([server.url("/photos.html")], str(db)).status == "ok"
    run.purge(str(db), targets.account("bluesky:jearil.bsky.social"), "the account asked to be forgotten")
    assert enrich(str(db), settings=endpoints, now=now).status == "ok"
    assert rows(db, "SELECT count(*) FROM post_relations") == [(0,)]
    assert rows(db, "SELECT author_handle, status FROM social_posts") == [("photos.baldanders.info", "ok")]


@pytest.mark.slow
def test_on_a_lake_a_reload_adds_no_relation_either(tmp_path):
    # DuckLake has no keys: the relation stays one row because the batch is deduplicated and merged under its lock.
    with fresh_lake(tmp_path, migrated=True) as lake:
        for _ in range(2):
            assert ingest([str(NESTED_QUOTE)], lake.warehouse).status == "ok"
        assert rows(lake.db, "SELECT post_id, related_post_id, kind FROM post_relations") == \
            [(f"x:{KAREM}", f"x:{TRUMP}", "quote")]
        assert rows(lake.db, "SELECT count(*) FROM social_posts") == [(2,)]
