"""Ticker providers' JSON read through the fetcher (pipeline/tickers.py, pipeline/parse/liveblog/providers/).

The embed code is Tickaroo's own, as its Arc XP plugin writes it (Tickaroo/arcxp-plugin
@e6fbb8846c64d45e822aad109eb8c88a74fa66b6 `components/chains/article-body/_children/TickarooLiveblog.jsx`:
`<tickaroo-liveblog liveblogId themeId clientId>`; the ids below are those a public repository names for a Stuff.co.nz
blog). The answers are built here with the fields public sources show, no more: `{"html", "schema"}` from the same
plugin's `content/sources/tickaroo-liveblog.js` and `TickarooLiveblog.jsx` (`schema` printed as the page's JSON-LD),
the `initialData="…"` attribute holding `schemaOrg` from a public consumer of the endpoint (a Stuff.co.nz dashboard's
`stuff-liveblog` function), and `LiveBlogPosting` / `liveBlogUpdate` with `headline`, `articleBody`, `datePublished`,
`dateModified`, `author.name` as schema.org defines them and that consumer reads them. A real answer is read from
`shared/corpus/` when it is there.
"""
from __future__ import annotations

import html
import json
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest

from pipeline.fetch import Fetcher, WarcArchive
from pipeline.fetch.archive import iter_responses
from pipeline.model import Document
from pipeline.parse import parse
from pipeline.parse.liveblog.providers import tickaroo
from pipeline.parse.liveblog.times import PageClock
from pipeline.tickers import read_tickers
from tests.fetch_support import Reply

LIVEBLOG_ID = "69d7f6b873c197e4f2ecfc0a"
CLIENT_ID = "63c9a9f25d2a2a96383bc60d"
THEME_ID = "lct_6231d8e36515ad465bf007e8"
PATH = "/api/embed/v4/prefetch/liveblog.json"
REAL_ANSWER = Path("/work/shared/corpus/ticker__tickaroo__prefetch_liveblog.json")


def embed(liveblog_id: str = LIVEBLOG_ID) -> str:
    return (f'<div id="tickaroo-liveblog-container"><tickaroo-liveblog liveblogId="{liveblog_id}" '
            f'themeId="{THEME_ID}" clientId="{CLIENT_ID}"></tickaroo-liveblog></div>')


def page(*embeds: str, extra_head: str = "") -> Document:
    body = "".join(embeds) or "<p>No ticker here.</p>"
    content = (f"<html><head><title>Cyclone live</title>{extra_head}</head><body><article><h1>Cyclone live</h1>"
               f"<p>Follow the storm as it happens.</p>{body}</article></body></html>")
    return Document(source="https://news.example/cyclone-live", content=content, kind="html",
                    url="https://news.example/cyclone-live")


UPDATES = [
    {"@type": "BlogPosting", "headline": "Roads closed north of the city",
     "articleBody": "Roads closed north of the city Police ask drivers to stay home.",
     "datePublished": "2026-04-10T08:15:00+12:00", "dateModified": "2026-04-10T08:20:00+12:00",
     "author": {"@type": "Person", "name": "Jo Bloggs"}},
    {"@type": "BlogPosting", "headline": "Power out for 20,000 homes",
     "articleBody": "Power out for 20,000 homes The lines company says repairs will take days.",
     "datePublished": "2026-04-10T07:40:00+12:00", "dateModified": "2026-04-10T07:40:00+12:00",
     "author": [{"@type": "Person", "name": "Sam Roe"}]},
]
SCHEMA = {"@context": "https://schema.org", "@type": "LiveBlogPosting", "headline": "Cyclone live",
          "liveBlogUpdate": UPDATES}


def answer(schema=SCHEMA, html_part: str = "<div></div>") -> bytes:
    return json.dumps({"html": html_part, "schema": schema}).encode()


def fetcher_for(settings, archive=None) -> Fetcher:
    return Fetcher(replace(settings, obey_robots=False), archive=archive)


def endpoints(server) -> dict[str, str]:
    return {"tickaroo": server.url(PATH)}


def test_embed_code_names_the_prefetch_address():
    doc = page(embed())
    import lxml.html

    urls = tickaroo.find(lxml.html.document_fromstring(doc.content))
    assert urls == [f"https://cdn.tickaroo.com{PATH}?liveblogId={LIVEBLOG_ID}&client_id={CLIENT_ID}"
                    f"&themeId={THEME_ID}"]


def test_embed_code_with_a_strange_id_is_not_requested():
    import lxml.html

    root = lxml.html.document_fromstring(page(embed("x&client_id=evil")).content)
    assert tickaroo.find(root) == []


def test_ticker_entries_come_from_the_json_through_the_fetcher_and_archive(server, settings, tmp_path):
    server.route(PATH, Reply(body=answer(), content_type="application/json"))
    doc = page(embed())
    result = parse(doc)
    assert result.page.entries == []  # the HTML holds the embed code only
    with fetcher_for(settings, WarcArchive(tmp_path)) as fetcher:
        read = read_tickers(fetcher, doc, result, endpoints=endpoints(server))
    assert (read.requested, read.entries_added, read.complete, read.problems) == (1, 2, False, [])
    assert not result.page.entries_complete  # a Tickaroo answer is never taken as the whole list
    entries = result.page.entries
    assert result.page.is_liveblog
    assert [e.headline for e in entries] == ["Roads closed north of the city", "Power out for 20,000 homes"]
    assert entries[0].published_at == datetime(2026, 4, 9, 20, 15, tzinfo=timezone.utc)
    assert entries[0].updated_at == datetime(2026, 4, 9, 20, 20, tzinfo=timezone.utc)
    assert entries[0].author == "Jo Bloggs" and entries[1].author == "Sam Roe"
    assert [e.position for e in entries] == [1, 2]
    request = server.hits(PATH)[0]
    assert f"liveblogId={LIVEBLOG_ID}" in request.path and f"client_id={CLIENT_ID}" in request.path
    assert [r.outcome for r in read.records] == ["ok"]
    archived = [r for f in sorted(tmp_path.rglob("*.warc.gz")) for r in iter_responses(f)]
    assert any(PATH in r.url and json.loads(r.body)["schema"]["headline"] == "Cyclone live" for r in archived)


def test_the_rendered_blogs_initial_data_is_read_when_schema_is_absent(server, settings):
    initial = json.dumps({"schemaOrg": json.dumps(SCHEMA)})
    server.route(PATH, Reply(body=json.dumps({"html": f'<div initialData="{html.escape(initial)}"></div>'}).encode(),
                             content_type="application/json"))
    doc = page(embed())
    result = parse(doc)
    with fetcher_for(settings) as fetcher:
        read = read_tickers(fetcher, doc, result, endpoints=endpoints(server))
    assert read.entries_added == 2 and not read.complete  # a prefetch may hold the latest entries only
    assert result.page.entries[1].published_at == datetime(2026, 4, 9, 19, 40, tzinfo=timezone.utc)


def test_a_failed_sub_fetch_is_one_line_and_makes_the_read_incomplete(server, settings):
    server.route(PATH, Reply(404, b"no such blog", content_type="text/plain"))
    doc = page(embed())
    result = parse(doc)
    with fetcher_for(settings) as fetcher:
        read = read_tickers(fetcher, doc, result, endpoints=endpoints(server))
    assert (read.entries_added, read.complete) == (0, False)
    [problem] = read.problems
    assert "\n" not in problem
    assert problem.startswith("https://news.example/cyclone-live: ticker: tickaroo feed ")
    assert "404" in problem
    assert problem in result.warnings
    assert result.page.entries == []


def test_an_answer_that_is_not_tickaroos_is_refused_in_one_line(server, settings):
    server.route(PATH, Reply(body=b'{"posts": []}', content_type="application/json"))
    doc = page(embed())
    result = parse(doc)
    with fetcher_for(settings) as fetcher:
        read = read_tickers(fetcher, doc, result, endpoints=endpoints(server))
    assert not read.complete
    assert read.problems[0].endswith("not a Tickaroo prefetch answer (no `schema` or `html`)")


def test_an_answer_past_the_size_bound_is_not_read(server, settings):
    big = answer(html_part="<p>" + "x" * 5000 + "</p>")
    server.route(PATH, Reply(body=big, content_type="application/json"))
    doc = page(embed())
    result = parse(doc)
    with fetcher_for(settings) as fetcher:
        read = read_tickers(fetcher, doc, result, endpoints=endpoints(server), max_bytes=1000)
    assert (read.entries_added, read.complete) == (0, False)
    assert [r.outcome for r in read.records] == ["too_large"]
    assert "ticker: tickaroo feed" in read.problems[0]


def test_the_number_of_sub_fetches_is_bounded(server, settings):
    server.route(PATH, Reply(body=answer(), content_type="application/json"))
    ids = [f"{n:024x}" for n in range(1, 5)]
    doc = page(*(embed(i) for i in ids))
    result = parse(doc)
    with fetcher_for(settings) as fetcher:
        read = read_tickers(fetcher, doc, result, endpoints=endpoints(server), max_requests=3)
    assert len(server.hits(PATH)) == 3
    assert read.requested == 4 and not read.complete
    assert read.problems == ["https://news.example/cyclone-live: ticker: the page names 4 ticker feeds; "
                             "only the first 3 are read"]
    assert read.entries_added == 2  # the same answer thrice: each entry once


def test_the_address_guard_holds_for_sub_fetches(server, settings):
    doc = page(embed())
    result = parse(doc)
    with fetcher_for(settings) as fetcher:
        read = read_tickers(fetcher, doc, result, endpoints={"tickaroo": "http://10.1.2.3" + PATH})
    assert [r.outcome for r in read.records] == ["refused"]
    assert not read.complete and "ticker: tickaroo feed http://10.1.2.3" in read.problems[0]


def test_entries_the_page_already_prints_are_not_added_twice(server, settings):
    server.route(PATH, Reply(body=answer(), content_type="application/json"))
    json_ld = f'<script type="application/ld+json">{json.dumps(SCHEMA)}</script>'
    doc = page(embed(), extra_head=json_ld)
    result = parse(doc)
    assert len(result.page.entries) == 2  # the plugin prints the answer's schema as the page's JSON-LD
    with fetcher_for(settings) as fetcher:
        read = read_tickers(fetcher, doc, result, endpoints=endpoints(server))
    assert read.entries_added == 0
    assert len(result.page.entries) == 2


def test_a_page_without_a_ticker_asks_for_nothing(server, settings):
    doc = page()
    result = parse(doc)
    with fetcher_for(settings) as fetcher:
        read = read_tickers(fetcher, doc, result, endpoints=endpoints(server))
    assert (read.requested, read.records, read.complete) == (0, [], True)
    assert server.hits(PATH) == []


@pytest.mark.skipif(not REAL_ANSWER.exists(), reason="awaiting page in shared/corpus")
def test_a_real_tickaroo_answer_gives_its_entries():
    found = tickaroo.read(REAL_ANSWER.read_bytes(), PageClock()).entries
    assert found
    assert all(entry.published_at is not None for entry in found)
    assert all(entry.text or entry.headline for entry in found)


# Liveblog (Sourcefabric, hosted as Liveblog Pro): the client API address as ZEIT ONLINE's and dpa's themes name it
# (`https://<tenant>-api.liveblog.pro/api/client_blogs/<blog id>/posts`); the answers below keep the field names and
# nesting of a real answer, dpa-newslab/livebridge-liveblog @8cbd99bed657f53eac5a87b4984a196ce10feb52
# `tests/posts.json`, with fewer fields and our own values.
LB_BLOG = "56c5b34120dc360081f8e518"
LB_PATH = f"/api/client_blogs/{LB_BLOG}/posts"
LB_REAL_ANSWER = Path("/work/shared/corpus/ticker__livebridge-liveblog__posts.json")


def lb_page() -> Document:
    script = f'<script>var LB = {{api: "https://dpa-api.liveblog.pro/api/client_blogs/{LB_BLOG}/posts"}};</script>'
    return page(extra_head=script)


def lb_post(ident: str, text: str, *, deleted: bool = False, embed: str | None = None) -> dict:
    refs = [{"item": {"item_type": "text", "text": text}}]
    if embed:
        refs.append({"item": {"item_type": "embed", "text": f'<div class="liveblog--card">{embed}</div>'}})
    return {"_id": ident, "published_date": "2016-03-29T13:40:01+00:00", "_updated": "2016-03-29T13:40:44+00:00",
            "deleted": deleted, "post_status": "open", "sticky": False, "highlight": True,
            "groups": [{"id": "root", "refs": [{"idRef": "main"}]}, {"id": "main", "refs": refs}]}


def lb_answer(posts: list[dict], total: int) -> bytes:
    return json.dumps({"_items": posts, "_meta": {"max_results": 20, "page": 1, "total": total},
                       "_links": {}}).encode()


def lb_endpoints(server) -> dict[str, str]:
    return {"liveblog pro": server.url("/api/client_blogs")}


TWEET = ('<blockquote class="twitter-tweet" data-lang="de"><p lang="de" dir="ltr">Text</p>&mdash; extra 3 (@extra3) '
         '<a href="https://twitter.com/extra3/status/714764384812269568">29. März 2016</a></blockquote>')


def test_liveblog_posts_give_ids_times_and_embeds(server, settings):
    posts = [lb_post("urn:newsml:localhost:2016:a", "<b>Tweet</b> mit Text drüber.", embed=TWEET),
             lb_post("urn:newsml:localhost:2016:b", "Gelöscht", deleted=True)]
    server.route(LB_PATH, Reply(body=lb_answer(posts, total=2), content_type="application/json"))
    doc = lb_page()
    result = parse(doc)
    with fetcher_for(settings) as fetcher:
        read = read_tickers(fetcher, doc, result, endpoints=lb_endpoints(server))
    assert (read.requested, read.entries_added, read.complete, read.problems) == (1, 1, True, [])
    assert result.page.entries_complete  # the answer holds all `_meta.total` posts: the page's whole entry list
    [entry] = result.page.entries
    assert (entry.native_id, entry.text, entry.is_key_event) == ("urn:newsml:localhost:2016:a",
                                                                 "Tweet mit Text drüber.", True)
    assert entry.published_at == datetime(2016, 3, 29, 13, 40, 1, tzinfo=timezone.utc)
    assert entry.updated_at == datetime(2016, 3, 29, 13, 40, 44, tzinfo=timezone.utc)
    [embed] = result.page.embeds
    assert (embed.post.platform, embed.post.native_id, embed.entry_position) == ("x", "714764384812269568", 1)


def test_one_page_of_several_liveblog_posts_is_not_a_complete_read(server, settings):
    server.route(LB_PATH, Reply(body=lb_answer([lb_post("urn:a", "Eins")], total=40),
                                content_type="application/json"))
    doc = lb_page()
    result = parse(doc)
    with fetcher_for(settings) as fetcher:
        read = read_tickers(fetcher, doc, result, endpoints=lb_endpoints(server))
    assert read.entries_added == 1 and not read.complete and read.problems == []
    assert not result.page.entries_complete


@pytest.mark.skipif(not LB_REAL_ANSWER.exists(), reason="awaiting page in shared/corpus")
def test_a_real_liveblog_answer_read_through_the_fetcher(server, settings):
    server.route(LB_PATH, Reply(body=LB_REAL_ANSWER.read_bytes(), content_type="application/json"))
    doc = lb_page()
    result = parse(doc)
    with fetcher_for(settings) as fetcher:
        read = read_tickers(fetcher, doc, result, endpoints=lb_endpoints(server))
    assert (read.entries_added, read.complete) == (15, True)
    entries = {e.native_id: e for e in result.page.entries}
    tweet = entries["urn:newsml:localhost:2016-03-29T13:40:01.940674:6834342a-2133-484a-93cc-c52a23e96d0c"]
    assert tweet.text.startswith("Einfacher Tweet mit Text drüber.")
    assert tweet.published_at == datetime(2016, 3, 29, 13, 40, 1, tzinfo=timezone.utc)
    posts = {(e.post.platform, e.post.native_id) for e in result.page.embeds}
    assert {("x", "714764384812269568"), ("x", "713909626085965824"), ("youtube", "VZZqGT7Ug84"),
            ("instagram", "BDeU9xTAw9V"), ("facebook", "10154078322109869")} <= posts


@pytest.mark.parametrize("body", [
    b'{"_items": "posts"}',
    b'{"_items": [1, "x", {"_id": 5, "groups": "main"}, {"_id": "urn:a", "groups": [{"id": "main", "refs": "x"}]}]}',
    b'{"_items": [{"_id": "urn:a", "groups": [{"id": "main", "refs": [{"item": {"item_type": "text", "text": 7}}]}]}],'
    b' "_meta": {"total": true}}',
    b"[" * 100_000 + b"]" * 100_000,
])
def test_liveblog_answers_of_the_wrong_shape_give_no_entries_or_one_line(server, settings, body):
    server.route(LB_PATH, Reply(body=body, content_type="application/json"))
    doc = lb_page()
    result = parse(doc)
    with fetcher_for(settings) as fetcher:
        read = read_tickers(fetcher, doc, result, endpoints=lb_endpoints(server))
    assert read.entries_added == 0 and not read.complete
    assert all("\n" not in line and line.startswith("https://news.example/cyclone-live: ticker: ")
               for line in read.problems)


@pytest.mark.parametrize("body", [
    b"not json",
    b'{"schema": "{broken"}',
    b'{"schema": [1, {"@type": "LiveBlogPosting", "liveBlogUpdate": "x"}]}',
    b'{"html": "<div initialData=\\"{oops\\"></div>"}',
    b'{"html": "<div initialData=\\"[1]\\"></div>", "schema": null}',
])
def test_tickaroo_answers_of_the_wrong_shape_give_no_entries_or_one_line(server, settings, body):
    server.route(PATH, Reply(body=body, content_type="application/json"))
    doc = page(embed())
    result = parse(doc)
    with fetcher_for(settings) as fetcher:
        read = read_tickers(fetcher, doc, result, endpoints=endpoints(server))
    assert read.entries_added == 0 and not read.complete
    assert all("\n" not in line and line.startswith("https://news.example/cyclone-live: ticker: ")
               for line in read.problems)


def test_a_run_reads_the_ticker_json_of_a_fetched_page_and_stores_its_entries(server, settings, tmp_path):
    """The run's hook (SourceReader.read_tickers handed to parse_batches, as `ingest`, the DAG's staging and the live
    poll do): the page fetched, its provider JSON fetched with the same fetcher, the entries loaded, and both
    attempts in fetch_log."""
    import duckdb

    from pipeline.batches import load_batches, parse_batches
    from pipeline.source_reader import SourceReader

    server.route("/cyclone-live", Reply(body=page(embed()).content.encode(), content_type="text/html"))
    server.route(PATH, Reply(body=answer(), content_type="application/json"))
    db = str(tmp_path / "warehouse.duckdb")
    reports = []
    with SourceReader(archive_dir=tmp_path / "archive", settings=replace(settings, obey_robots=False),
                      ticker_endpoints=endpoints(server)) as reader:
        reads = reader.read(server.url("/cyclone-live"))
        run_id, status, _ = load_batches(db, parse_batches(reads, reports=reports, tickers=reader.read_tickers),
                                         command="test")
    assert status == "ok" and reports[0].counts["entries"] == 2
    with duckdb.connect(db, read_only=True) as con:
        assert con.sql("SELECT headline FROM update_items ORDER BY position").fetchall() == [
            ("Roads closed north of the city",), ("Power out for 20,000 homes",)]
        logged = con.sql("SELECT url, outcome FROM fetch_log ORDER BY url").fetchall()
    assert [outcome for _, outcome in logged] == ["ok", "ok"] and any(PATH in url for url, _ in logged)


def test_a_failed_ticker_fetch_in_a_run_is_one_warning_and_the_page_still_loads(server, settings, tmp_path):
    from pipeline.batches import parse_batches
    from pipeline.source_reader import SourceReader

    server.route("/cyclone-live", Reply(body=page(embed()).content.encode(), content_type="text/html"))
    server.route(PATH, Reply(status=404))
    reports = []
    with SourceReader(archive_dir=tmp_path / "archive", settings=replace(settings, obey_robots=False, max_retries=0),
                      ticker_endpoints=endpoints(server)) as reader:
        [batch] = list(parse_batches(reader.read(server.url("/cyclone-live")), reports=reports,
                                     tickers=reader.read_tickers))
    [report] = reports
    assert report.ok and batch.tables["articles"].num_rows == 1
    assert [w for w in report.warnings if "ticker" in w and PATH in w]
    assert batch.tables["articles"].column("entries_complete").to_pylist() == [False]


# --- Ticker pages in runs: the live mode's 304 path, reparse, the source's own settings and zone. The providers'
# endpoints point at our own server (their `ENDPOINT`), so the runs' own readers (ingest, poll, reparse) are used.

def _ago(minutes: float) -> str:
    from datetime import timedelta

    return (datetime.now(timezone.utc) - timedelta(minutes=minutes)).isoformat(timespec="seconds")


class _Served:
    """A body our server answers with an ETag (a 304 to a request carrying the current one); `statuses` in order."""

    def __init__(self, server, path: str, body, content_type: str):
        import hashlib

        self.body, self.statuses, self.requests = body, [], []

        def handler(req):
            self.requests.append(req)
            body = self.body()
            etag = '"%s"' % hashlib.sha256(body).hexdigest()[:16]
            if req.headers.get("If-None-Match") == etag:
                self.statuses.append(304)
                return Reply(304, b"", headers={"ETag": etag}, content_type=None)
            self.statuses.append(200)
            return Reply(200, body, headers={"ETag": etag}, content_type=content_type)
        server.route(path, handler)
        self.url = server.url(path)


def _lb_feed(server, monkeypatch, posts: list[dict]) -> _Served:
    from pipeline.parse.liveblog.providers import liveblog_pro

    monkeypatch.setattr(liveblog_pro, "ENDPOINT", server.url("/api/client_blogs"))
    return _Served(server, LB_PATH, lambda: lb_answer(posts, total=len(posts)), "application/json")


def _lb_post_at(ident: str, text: str, minutes_ago: float) -> dict:
    return {**lb_post(ident, text), "published_date": _ago(minutes_ago), "_updated": _ago(minutes_ago)}


def _warehouse_content(db) -> dict[str, list]:
    from tests.live_support import CONTENT_TABLES
    from tests.warehouse_rows import rows

    return {table: sorted(rows(db, f"SELECT * FROM {table}"), key=repr) for table in CONTENT_TABLES}


def test_a_live_poll_of_a_ticker_page_answering_304_still_loads_new_feed_entries_and_removals(
        server, local_fetching, tmp_path, monkeypatch):
    from pipeline.live import plan_poll, poll
    from tests.warehouse_rows import rows

    posts = [_lb_post_at("urn:a", "Wind rising on the coast.", 30), _lb_post_at("urn:b", "Ferries cancelled.", 20)]
    feed = _lb_feed(server, monkeypatch, posts)
    shell = _Served(server, "/live/storm", lambda: lb_page().content.encode(), "text/html; charset=utf-8")
    csv_path = tmp_path / "sources.csv"
    csv_path.write_text(f"name,kind,location\nstorm,liveblog,{shell.url}\n")
    db = str(tmp_path / "warehouse.duckdb")

    def live() -> None:
        report = poll(db, plan_poll(csv_path, db))
        assert report is not None and report.status == "ok", [s.line() for s in report.sources]

    def entries() -> list[tuple]:
        return rows(db, "SELECT native_id, text, removed_at IS NOT NULL FROM update_items ORDER BY native_id")

    live()
    assert rows(db, "SELECT is_liveblog FROM articles") == [(True,)]
    assert [e[0] for e in entries()] == ["urn:a", "urn:b"]

    posts.append(_lb_post_at("urn:c", "Schools closed in the north.", 5))  # only the feed changes
    live()
    assert (shell.statuses, feed.statuses) == ([200, 304], [200, 200])
    assert [e[0] for e in entries()] == ["urn:a", "urn:b", "urn:c"]

    before = _warehouse_content(db)
    live()  # nothing changed: the feed is asked conditionally too, and nothing new is stored
    assert (shell.statuses, feed.statuses) == ([200, 304, 304], [200, 200, 304])
    assert feed.requests[-1].headers.get("If-None-Match")
    assert _warehouse_content(db) == before

    del posts[1]  # urn:b taken down: the feed's answer is the whole list (total 2 of 2), so the read is complete
    live()
    assert entries() == [("urn:a", "Wind rising on the coast.", False), ("urn:b", "Ferries cancelled.", True),
                         ("urn:c", "Schools closed in the north.", False)]
    assert rows(db, "SELECT i.native_id, e.kind FROM item_events e JOIN update_items i USING (item_id)") == [
        ("urn:b", "removed")]
    assert rows(db, "SELECT count(*) FROM fetch_log WHERE url = ? AND outcome = 'not_modified'".replace(
        "?", f"'{shell.url}'")) == [(3,)]


def test_a_ticker_page_whose_archived_body_was_pruned_is_fetched_again_whole_once(server, local_fetching, tmp_path,
                                                                                 monkeypatch):
    from pipeline.runs import ingest
    from tests.warehouse_rows import rows

    posts = [_lb_post_at("urn:a", "One.", 30)]
    _lb_feed(server, monkeypatch, posts)
    shell = _Served(server, "/live/storm", lambda: lb_page().content.encode(), "text/html; charset=utf-8")
    db = str(tmp_path / "warehouse.duckdb")
    assert ingest([shell.url], db).status == "ok"
    for archived in (tmp_path / "archive").glob("*.warc.gz"):
        archived.unlink()  # as retention would
    posts.append(_lb_post_at("urn:b", "Two.", 10))
    assert ingest([shell.url], db).status == "ok"
    assert ingest([shell.url], db).status == "ok"
    assert shell.statuses == [200, 304, 200, 304]  # fetched again whole once, then a 304 again
    assert rows(db, "SELECT native_id FROM update_items ORDER BY native_id") == [("urn:a",), ("urn:b",)]


def test_a_feed_that_is_one_page_of_several_or_fails_removes_nothing(server, local_fetching, tmp_path,
                                                                    monkeypatch):
    from pipeline.runs import ingest
    from tests.warehouse_rows import rows

    posts = [_lb_post_at("urn:a", "One.", 30), _lb_post_at("urn:b", "Two.", 20)]
    feed = _lb_feed(server, monkeypatch, posts)
    shell = _Served(server, "/live/storm", lambda: lb_page().content.encode(), "text/html; charset=utf-8")
    db = str(tmp_path / "warehouse.duckdb")
    assert ingest([shell.url], db).status == "ok"
    del posts[0]
    feed.body = lambda: lb_answer(posts, total=40)  # one page of several
    assert ingest([shell.url], db).status == "ok"
    server.route(LB_PATH, Reply(500, b"down", content_type="text/plain"))
    del posts[0]
    ingest([shell.url], db)
    assert rows(db, "SELECT native_id, removed_at FROM update_items ORDER BY native_id") == [
        ("urn:a", None), ("urn:b", None)]
    assert rows(db, "SELECT count(*) FROM item_events") == [(0,)]
    assert rows(db, "SELECT is_liveblog FROM articles") == [(True,)]


def test_a_reparse_replays_the_archived_feed_answer_and_never_turns_the_live_blog_off(server, local_fetching,
                                                                                     tmp_path, monkeypatch):
    from pipeline.runs import ingest, reparse
    from tests.warehouse_rows import rows

    posts = [_lb_post_at("urn:a", "Wind rising on the coast.", 30), _lb_post_at("urn:b", "Ferries cancelled.", 20)]
    feed = _lb_feed(server, monkeypatch, posts)
    shell = _Served(server, "/live/storm", lambda: lb_page().content.encode(), "text/html; charset=utf-8")
    db = str(tmp_path / "warehouse.duckdb")
    assert ingest([shell.url], db).status == "ok"
    stored = rows(db, "SELECT native_id, text, revision FROM update_items ORDER BY native_id")
    asked = len(feed.requests)

    report = reparse(db)
    assert not report.failed and len(feed.requests) == asked  # no network
    [page] = report.sources
    assert page.counts["entries"] == 2  # the answer replayed from the archive
    assert not [warning for warning in page.warnings if "ticker" in warning]
    assert rows(db, "SELECT is_liveblog FROM articles") == [(True,)]
    assert rows(db, "SELECT native_id, text, revision FROM update_items ORDER BY native_id") == stored
    assert rows(db, "SELECT count(*) FROM item_events") == [(0,)]

    # A warehouse whose fetch_log never saw the answer (same archive folder): the page stays a live blog, one line.
    other = str(tmp_path / "other.duckdb")
    report = reparse(other)
    [page] = report.sources
    assert page.ok and any("ticker: liveblog pro feed" in w and "the archive holds no answer" in w
                           for w in page.warnings)
    assert rows(other, "SELECT is_liveblog FROM articles") == [(True,)]


def test_a_ticker_sub_fetch_uses_its_sources_settings_and_time_zone(server, local_fetching, tmp_path, monkeypatch):
    from pipeline.live import plan_poll, poll
    from pipeline.parse.liveblog.providers import tickaroo
    from tests.warehouse_rows import rows

    monkeypatch.setattr(tickaroo, "ENDPOINT", server.url(PATH))
    local = {**SCHEMA, "liveBlogUpdate": [{**UPDATES[0], "datePublished": "2026-04-10T08:15:00",
                                           "dateModified": "2026-04-10T08:20:00"}]}  # times stating no zone
    server.route(PATH, Reply(body=answer(local, html_part="<p>" + "x" * 6000 + "</p>"),
                             content_type="application/json"))
    shell = page(embed()).content.encode()
    server.route("/nz/live", Reply(body=shell))
    server.route("/small/live", Reply(body=shell))
    csv_path = tmp_path / "sources.csv"
    csv_path.write_text("name,kind,location,timezone,contact_url,max_bytes\n"
                        f"nz,liveblog,{server.url('/nz/live')},Pacific/Auckland,https://nz.example/contact,\n"
                        f"small,liveblog,{server.url('/small/live')},,,{len(shell) + 1000}\n")
    db = str(tmp_path / "warehouse.duckdb")
    poll(db, plan_poll(csv_path, db))

    assert rows(db, "SELECT a.url, i.published_at FROM update_items i JOIN articles a USING (article_id)") == [
        (server.url("/nz/live"), datetime(2026, 4, 9, 20, 15, tzinfo=timezone.utc))]  # 08:15 in Auckland (+12)
    feeds = rows(db, f"SELECT source_name, outcome FROM fetch_log WHERE url LIKE '%{PATH}%' ORDER BY source_name")
    assert feeds == [("nz", "ok"), ("small", "too_large")]  # the small source's max_bytes holds for its feed
    [nz_request] = [r for r in server.hits(PATH) if r.headers.get("User-Agent", "").find("nz.example") >= 0]
    assert "https://nz.example/contact" in nz_request.headers["User-Agent"]


LB_OTHER = "56c5b34120dc360081f8e519"


def _two_feed_page() -> bytes:
    """A live blog whose entries two Liveblog Pro blogs hold (LB_BLOG and LB_OTHER)."""
    scripts = "".join(f'<script>var LB{n} = {{api: "https://dpa-api.liveblog.pro/api/client_blogs/{blog}/posts"}};'
                      f'</script>' for n, blog in enumerate((LB_BLOG, LB_OTHER)))
    return page(extra_head=scripts).content.encode()


def _failing_archive_writes(monkeypatch, url: str) -> list[str]:
    """Archive writes of responses from `url` fail as on a full disk (the fetch stays `ok`, with no archive_path),
    while the returned list holds an item; the others are written."""
    from pipeline.fetch.archive import WarcArchive

    failing = ["on"]
    write = WarcArchive.write_exchange

    def write_exchange(self, *, url: str, **kwargs):
        if failing and url == failed_url:
            raise OSError(28, "No space left on device")
        return write(self, url=url, **kwargs)
    failed_url = url
    monkeypatch.setattr(WarcArchive, "write_exchange", write_exchange)
    return failing


def test_a_feed_304_to_validators_whose_answer_the_archive_lacks_reads_no_older_answer(server, local_fetching,
                                                                                      tmp_path, monkeypatch):
    """The answer a 304 confirms is the one whose validators were sent; when the archive did not keep that one (its
    write failed), an older archived answer is never read back as the feed's list now: nothing is removed or
    reverted, and the read says why."""
    from pipeline.parse.liveblog.providers import liveblog_pro
    from pipeline.runs import ingest
    from tests.warehouse_rows import rows

    monkeypatch.setattr(liveblog_pro, "ENDPOINT", server.url("/api/client_blogs"))
    first = [_lb_post_at("urn:a1", "Wind rising on the coast.", 30)]
    second = [_lb_post_at("urn:b1", "Ferries cancelled.", 25), _lb_post_at("urn:b2", "Trains slowed.", 20)]
    feed_a = _Served(server, LB_PATH, lambda: lb_answer(first, total=len(first)), "application/json")
    feed_b = _Served(server, f"/api/client_blogs/{LB_OTHER}/posts", lambda: lb_answer(second, total=len(second)),
                     "application/json")
    shell = _Served(server, "/live/storm", _two_feed_page, "text/html; charset=utf-8")
    db = str(tmp_path / "warehouse.duckdb")
    assert ingest([shell.url], db).status == "ok"  # T1: both answers archived

    first.append(_lb_post_at("urn:a2", "Bridge shut.", 15))
    second[0] = {**second[0], **_lb_post_at("urn:b1", "Ferries cancelled until noon.", 25)}  # edited
    second.append(_lb_post_at("urn:b3", "Schools closed.", 10))
    failing = _failing_archive_writes(monkeypatch, feed_b.url)
    assert ingest([shell.url], db).status == "ok"  # T2: feed B's new answer loaded, not archived
    failing.clear()
    after_t2 = rows(db, "SELECT native_id, text, removed_at IS NOT NULL FROM update_items ORDER BY native_id")
    assert [row[0] for row in after_t2] == ["urn:a1", "urn:a2", "urn:b1", "urn:b2", "urn:b3"]
    assert rows(db, f"SELECT archive_path IS NULL FROM fetch_log WHERE url = '{feed_b.url}' AND outcome = 'ok' "
                    "ORDER BY fetched_at") == [(False,), (True,)]

    first.append(_lb_post_at("urn:a3", "Power back in the south.", 5))
    report = ingest([shell.url], db)  # T3: feed A new, feed B a 304 to T2's validators
    assert (shell.statuses, feed_a.statuses, feed_b.statuses) == ([200, 304, 304], [200, 200, 200], [200, 200, 304])
    assert rows(db, "SELECT native_id, text, removed_at IS NOT NULL FROM update_items ORDER BY native_id") == [
        *after_t2[:2], ("urn:a3", "Power back in the south.", False), *after_t2[2:]]
    assert rows(db, "SELECT count(*) FROM item_events") == [(0,)]
    [source] = report.sources
    assert any(feed_b.url in warning and "the archive keeps no earlier answer" in warning
               for warning in source.warnings)


def test_a_ticker_page_304_to_validators_whose_body_the_archive_lacks_is_fetched_again_without_them(
        server, local_fetching, tmp_path, monkeypatch):
    from pipeline.runs import ingest
    from tests.warehouse_rows import rows

    posts = [_lb_post_at("urn:a", "One.", 30)]
    feed = _lb_feed(server, monkeypatch, posts)
    version = ["<!-- v1 -->"]
    shell = _Served(server, "/live/storm", lambda: lb_page().content.encode() + version[0].encode(),
                    "text/html; charset=utf-8")
    db = str(tmp_path / "warehouse.duckdb")
    assert ingest([shell.url], db).status == "ok"  # T1: archived
    version[0] = "<!-- v2 -->"
    failing = _failing_archive_writes(monkeypatch, shell.url)
    assert ingest([shell.url], db).status == "ok"  # T2: a new body, not archived
    failing.clear()
    posts.append(_lb_post_at("urn:b", "Two.", 10))
    assert ingest([shell.url], db).status == "ok"  # T3: a 304 to T2's validators: T1's body is not T2's
    assert shell.statuses == [200, 200, 304, 200]
    assert [r.headers.get("If-None-Match") is not None for r in shell.requests] == [False, True, True, False]
    assert rows(db, "SELECT native_id FROM update_items ORDER BY native_id") == [("urn:a",), ("urn:b",)]
    assert feed.statuses[-1] == 200


def test_a_ticker_source_allowed_a_large_page_is_read_back_within_its_own_max_bytes(server, local_fetching, tmp_path,
                                                                                   monkeypatch):
    from pipeline.live import plan_poll, poll
    from tests.warehouse_rows import rows

    monkeypatch.setenv("THREADLINE_FETCH_MAX_BYTES", "4000")  # the run's cap; the page is larger
    posts = [_lb_post_at("urn:a", "One.", 30)]
    feed = _lb_feed(server, monkeypatch, posts)
    body = lb_page().content.encode() + b"<!--" + b"x" * 8000 + b"-->"
    shell = _Served(server, "/live/storm", lambda: body, "text/html; charset=utf-8")
    csv_path = tmp_path / "sources.csv"
    csv_path.write_text(f"name,kind,location,max_bytes\nstorm,liveblog,{shell.url},100000\n")
    db = str(tmp_path / "warehouse.duckdb")
    for n in range(3):
        if n == 2:
            posts.append(_lb_post_at("urn:b", "Two.", 10))
        report = poll(db, plan_poll(csv_path, db))
        assert report.status == "ok", [s.line() for s in report.sources]
    assert shell.statuses == [200, 304, 304]  # read back from the archive, never fetched whole again
    assert feed.statuses == [200, 304, 200]
    assert rows(db, "SELECT native_id FROM update_items ORDER BY native_id") == [("urn:a",), ("urn:b",)]


def test_a_ticker_page_reached_through_a_redirect_has_its_feeds_asked_on_a_304(server, local_fetching, tmp_path,
                                                                              monkeypatch):
    from pipeline.runs import ingest
    from tests.warehouse_rows import rows

    posts = [_lb_post_at("urn:a", "One.", 30)]
    feed = _lb_feed(server, monkeypatch, posts)
    shell = _Served(server, "/live/storm", lambda: lb_page().content.encode(), "text/html; charset=utf-8")
    server.route("/live/old", Reply(301, b"", headers={"Location": shell.url}, content_type=None))
    old = server.url("/live/old")
    db = str(tmp_path / "warehouse.duckdb")
    assert ingest([old], db).status == "ok"
    assert rows(db, "SELECT url, is_liveblog FROM articles") == [(shell.url, True)]
    posts.append(_lb_post_at("urn:b", "Two.", 10))
    assert ingest([old], db).status == "ok"
    assert (shell.statuses, feed.statuses) == ([200, 304], [200, 200])
    assert rows(db, "SELECT native_id FROM update_items ORDER BY native_id") == [("urn:a",), ("urn:b",)]


def test_the_feed_attempts_of_a_304_poll_reach_fetch_log_when_the_page_is_then_not_loaded(server, local_fetching,
                                                                                         tmp_path, monkeypatch):
    """Every attempt is logged: a feed asked because its page answered 304 is in fetch_log even when the page read
    back is then purged (pipeline purge's blocklist) and not loaded."""
    from pipeline.batches import load_batches, open_reader_for, parse_batches
    from pipeline.purge.blocklist import Blocklist
    from pipeline.runs import ingest
    from tests.warehouse_rows import rows

    posts = [_lb_post_at("urn:a", "One.", 30)]
    feed = _lb_feed(server, monkeypatch, posts)
    shell = _Served(server, "/live/storm", lambda: lb_page().content.encode(), "text/html; charset=utf-8")
    db = str(tmp_path / "warehouse.duckdb")
    assert ingest([shell.url], db).status == "ok"
    posts.append(_lb_post_at("urn:b", "Two.", 10))
    purged = Blocklist.from_rows([("page", None, None, None, None, [shell.url])])
    with open_reader_for(db, [shell.url]) as reader:
        batches = parse_batches(reader.read(shell.url), blocklist=purged, tickers=reader.read_tickers)
        load_batches(db, batches, command="ingest")
    assert (shell.statuses, feed.statuses) == ([200, 304], [200, 200])
    assert rows(db, f"SELECT outcome FROM fetch_log WHERE url = '{feed.url}' ORDER BY fetched_at") == [
        ("ok",), ("ok",)]
    assert rows(db, "SELECT native_id FROM update_items") == [("urn:a",)]


def test_an_archive_offset_holding_another_urls_response_is_not_read_back_as_the_page(server, local_fetching,
                                                                                      tmp_path, monkeypatch):
    import duckdb

    from pipeline.runs import ingest
    from tests.warehouse_rows import rows

    posts = [_lb_post_at("urn:a", "One.", 30)]
    feed = _lb_feed(server, monkeypatch, posts)
    shell = _Served(server, "/live/storm", lambda: lb_page().content.encode(), "text/html; charset=utf-8")
    db = str(tmp_path / "warehouse.duckdb")
    assert ingest([shell.url], db).status == "ok"
    # fetch_log points the page at the feed's response (as a rewritten archive file could): not the page's body.
    with duckdb.connect(db) as con:
        con.execute("UPDATE fetch_log SET archive_offset = (SELECT archive_offset FROM fetch_log WHERE url = ?) "
                    "WHERE url = ?", [feed.url, shell.url])
    posts.append(_lb_post_at("urn:b", "Two.", 10))
    assert ingest([shell.url], db).status == "ok"
    assert shell.statuses == [200, 304, 200]  # fetched again whole instead
    assert rows(db, "SELECT native_id FROM update_items ORDER BY native_id") == [("urn:a",), ("urn:b",)]
