"""Posts that quote, reply to or repost posts (issue 15): `post_relations`, from embed markup, through ingest.

The quote chain is `tests/fixtures/embed_pages/x_nested_quote.html`: two verbatim X blockquotes of the deadline.com
corpus page, the quoted one pasted inside the quoting one (the shape Lullabot/amp-library #264 describes).
"""
from __future__ import annotations

from pathlib import Path

from pipeline.ingest import ingest
from pipeline.model import Document
from pipeline.parse import parse
from tests.fetch_support import Reply
from tests.warehouse_rows import rows

PAGES = Path(__file__).parent / "fixtures" / "embed_pages"
NESTED_QUOTE = PAGES / "x_nested_quote.html"
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
