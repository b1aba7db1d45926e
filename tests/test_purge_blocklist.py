"""The blocklist a run checks the parser's output against (pipeline/purge/blocklist.py): a purged post, a post of a
purged account and a purged page never reach a batch, whatever form the page gave them in."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from pipeline.model import Document, Embed, FetchRecord, Page, ParseResult, SocialPost, UpdateItem
from pipeline.parse import parse
from pipeline.purge import targets
from pipeline.purge.blocklist import Blocklist
from pipeline.purge.tables import Scope, _add_posts
from pipeline.source_reader import Read
from pipeline.stage import build_batch

WHEN = datetime(2024, 12, 19, 13, 7, tzinfo=timezone.utc)
TEXT = "Residents were told to leave the coastal district before the storm surge arrived tonight"


def flattened_page() -> ParseResult:
    """A page as the text parser reads a flattening: the post's words sit in the entry and the body too."""
    text = f"Storm live\n\nThe storm comes ashore.\n\n{TEXT}\n— Coast Watcher (@coastwatch) December 19, 2024\n"
    return parse(Document(source="storm.txt", content=text, kind="text", url="https://news.example/storm"))


def test_a_purged_posts_copy_read_from_flattened_text_is_dropped_with_its_words():
    result = flattened_page()
    [embed] = result.page.embeds
    assert embed.post.native_id is None and embed.post.text == TEXT
    result.page.body_text += "\n" + TEXT  # as a flattening that kept the post's words in the body would read
    # the purge of the post as stored (native id, to the millisecond) records the id its flattened copies get (a
    # digest of handle, day and words: not the words)
    scope = Scope(targets.post("x:1869731234567890999"))
    _add_posts(scope, [{"post_id": "x:1869731234567890999", "platform": "x", "native_id": "1869731234567890999",
                        "author_handle": "coastwatch", "posted_at": datetime(2024, 12, 19, 13, 7, 18, 904000,
                                                                              tzinfo=timezone.utc),
                        "text": TEXT, "url": "https://x.com/i/status/1869731234567890999"}], blocked=True)
    blocked = Blocklist(post_ids=scope.blocked_post_ids)
    read = Read("storm.txt", records=[FetchRecord("storm.txt", "ok", WHEN)])
    screened = blocked.screen(result, read)
    batch = build_batch([screened], read.records)
    assert batch.tables["social_posts"].num_rows == 0 and batch.tables["article_posts"].num_rows == 0
    assert all(TEXT not in str(value) for table in batch.tables.values() for column in table.columns
               for value in column.to_pylist())
    assert batch.tables["articles"].num_rows == 1  # the page itself stays


def test_a_purged_accounts_posts_and_a_purged_page_never_reach_the_batch():
    post = SocialPost("x", "1", author_handle="CoastWatch", text="A post", posted_at=WHEN)
    other = SocialPost("x", "2", author_handle="other", text="Another", posted_at=WHEN)
    page = Page(source="p", url="https://news.example/live?utm_source=x", title="Live", body_text="Body",
                entries=[UpdateItem("liveblog_entry", 1, "Entry")],
                embeds=[Embed(post, 1, "blockquote", 1), Embed(other, 2, "blockquote", 1)], fetched_at=WHEN)
    screened = Blocklist(accounts={("x", "coastwatch")}).screen(ParseResult(page), Read("p"))
    assert [e.post.native_id for e in screened.page.embeds] == ["2"]

    read = Read("p", records=[FetchRecord("https://news.example/live", "ok", WHEN)])
    by_url = Blocklist(urls={"https://news.example/live"})
    assert by_url.screen(ParseResult(page), read) is None and read.records == []  # no fetch_log row either
    assert by_url.page_purged("https://NEWS.example/live?utm_campaign=y")
    fetched = []
    assert [r.unchanged for r in by_url.guard("https://news.example/live", lambda: fetched.append(1) or [])] \
        == ["purged (pipeline purge): not read"] and fetched == []


def test_what_marks_a_value_as_purged_is_the_whole_id_or_address_never_a_longer_one():
    import re

    scope = Scope(targets.page("https://news.example/storm-1"), native_ids={"18697312345"},
                  urls={"https://news.example/storm-1"})
    pattern = re.compile("|".join(f"(?:{p})" for p in scope.patterns(pages=True)))
    for value in ("https://news.example/storm-1", "failed: https://news.example/storm-1; retry",
                  "https://news.example/storm-1#live", "oembed?id=18697312345&lang=en", "status/18697312345"):
        assert pattern.search(value), value
    for value in ("https://news.example/storm-10", "https://news.example/storm-1/comments", "186973123456",
                  "status/918697312345"):
        assert not pattern.search(value), value


def test_a_purged_post_quoted_by_a_kept_post_does_not_come_back_as_a_post_of_its_own():
    """The nested-quote page (tests/fixtures/relations/x_nested_quote.html): the outer post stays, the quoted one
    was purged, so neither it nor the relation to it reaches the batch."""
    html = (Path(__file__).parent / "fixtures" / "relations" / "x_nested_quote.html").read_text()
    result = parse(Document(source="quote.html", content=html, kind="html", url="https://news.example/quote"))
    [outer] = [embed.post for embed in result.page.embeds if embed.post.relations]
    [quoted] = [relation.post for relation in outer.relations]
    assert build_batch([result], []).tables["post_relations"].num_rows == 1  # before the purge: one relation

    result = parse(Document(source="quote.html", content=html, kind="html", url="https://news.example/quote"))
    screened = Blocklist(post_ids={f"x:{quoted.native_id}"}).screen(result, Read("quote.html"))
    batch = build_batch([screened], [])
    assert batch.tables["post_relations"].num_rows == 0
    stored = set(batch.tables["social_posts"].column("post_id").to_pylist())
    assert f"x:{quoted.native_id}" not in stored and f"x:{outer.native_id}" in stored
