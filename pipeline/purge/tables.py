"""What an erasure request covers in the warehouse's tables, and removing it: the SQL of `sql/purge/` on a session
the store opened (the writer's, or a DuckDB export's). The same steps work on a DuckDB file, a DuckLake and an
exported DuckDB file, whose tables are the same."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import pyarrow as pa

from pipeline import keys
from pipeline.model import SocialPost
from pipeline.purge.targets import Target
from pipeline.store import sql
from pipeline.urls import canonical_url

# A post's text shorter than this is not searched for elsewhere (in page bodies, archived pages, exports): a short
# text ("Wow.") would match far more than the post. Its id and address still are.
MIN_TEXT_CHARS = 20
# Native ids shorter than this are not searched for inside addresses and archived pages.
MIN_ID_CHARS = 6
# Tables a purge writes (their locks are held on a lake).
TABLES = ["article_posts", "articles", "fetch_log", "ingest_runs", "item_events", "item_revisions", "load_attempts",
          "post_entities", "post_relations", "purge_requests", "quotes", "social_posts", "update_items"]


class NothingNamed(Exception):
    """A post URL that names no post the warehouse holds (and no X status): nothing could be purged or blocked."""


@dataclass
class Scope:
    """Everything one request removes, and what later reads must skip."""

    target: Target
    post_ids: set[str] = field(default_factory=set)  # removed from the tables
    blocked_post_ids: set[str] = field(default_factory=set)  # recorded: never loaded again
    article_ids: set[str] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)  # page addresses (canonical and as stored)
    native_ids: set[str] = field(default_factory=set)
    post_urls: set[str] = field(default_factory=set)
    texts: set[str] = field(default_factory=set)
    since: datetime | None = None  # the earliest time any of it was in the warehouse

    def patterns(self, *, pages: bool = False) -> list[str]:
        """Regular expressions (the syntax RE2 and Python share) for what marks a value as the purged post's or
        page's: its ids, not inside a longer id; its address, not the start of a longer one; its text. With `pages`,
        the purged pages' addresses too. Each has one group: what followed the match (kept by a replacement)."""
        ids = {n for n in self.native_ids if len(n) >= MIN_ID_CHARS} | self.post_ids
        found = {f"(?:^|[^0-9A-Za-z]){_escape(value)}($|[^0-9A-Za-z])" for value in ids}
        found |= {f"{_escape(url)}($|[\\s\"'<>),;&#])" for url in self.post_urls | (self.urls if pages else set())
                  if url}
        found |= {f"{_escape(text)}()" for text in self.texts}
        return sorted(found)

    def payload_pattern(self) -> "re.Pattern[bytes] | None":
        """One pattern for an archived response's bytes: the above, and the text as HTML escapes it."""
        texts = {form for text in self.texts for form in (html.escape(text, quote=False), html.escape(text))}
        patterns = self.patterns() + [f"{_escape(text)}()" for text in sorted(texts)]
        return re.compile("|".join(f"(?:{p})" for p in patterns).encode("utf-8")) if patterns else None


_REGEX_META = set("\\.^$|?*+()[]{}")


def _escape(text: str) -> str:
    """`text` matched literally by RE2 and Python alike (only their metacharacters escaped)."""
    return "".join("\\" + c if c in _REGEX_META else c for c in text)


_POST_COLUMNS = ("post_id", "platform", "native_id", "author_handle", "posted_at", "text", "url", "first_seen_at")


def _register(con: duckdb.DuckDBPyConnection, name: str, column: str, values) -> None:
    con.register(name, pa.table({column: pa.array(sorted(values), pa.string())}))


def resolve(con: duckdb.DuckDBPyConnection, target: Target) -> Scope:
    """The posts, pages and strings a request covers, as the warehouse of `con` holds them."""
    scope = Scope(target)
    if target.kind == "post":
        if target.native_id:
            wanted = {f"{target.platform}:{target.native_id}"}
            scope.blocked_post_ids |= wanted
            scope.native_ids.add(target.native_id)
            rows = _rows(con, "purge/posts_by_id", wanted)
        else:
            rows = _rows(con, "purge/posts_by_url", {target.given.strip(), target.url})
            if not rows:
                raise NothingNamed(f"--post-url {target.given}: the warehouse holds no post with that address; name it "
                                   f"as --post PLATFORM:ID")
        if target.url:
            scope.post_urls.add(target.url)
        _add_posts(scope, rows, blocked=True)
    elif target.kind == "account":
        _add_posts(scope, [dict(zip(_POST_COLUMNS, row)) for row in con.execute(
            sql("purge/posts_by_account"), [target.platform, target.handle]).fetchall()], blocked=True)
    else:
        scope.urls |= {target.given.strip(), target.url}
        pages = _rows(con, "purge/pages", scope.urls)
        for page in pages:
            scope.article_ids.add(page["article_id"])
            scope.urls |= {u for u in (page["url"], page["canonical_url"]) if u}
        scope.urls |= {canonical_url(u) for u in scope.urls}
        _register(con, "purge_articles", "article_id", scope.article_ids)
        cursor = con.execute(sql("purge/only_embedded_by"))
        _add_posts(scope, [dict(zip(_POST_COLUMNS, row)) for row in cursor.fetchall()], blocked=False)
    _register_scope(con, scope)
    scope.since = con.execute(sql("purge/since")).fetchone()[0]
    return scope


def _rows(con: duckdb.DuckDBPyConnection, query: str, wanted: set[str]) -> list[dict]:
    _register(con, "purge_wanted", "value", wanted)
    try:
        return [dict(zip(_POST_COLUMNS if "posts" in query else ("article_id", "url", "canonical_url",
                                                                  "first_seen_at"), row))
                for row in con.execute(sql(query)).fetchall()]
    finally:
        con.unregister("purge_wanted")


def _add_posts(scope: Scope, rows: list[dict], *, blocked: bool) -> None:
    for row in rows:
        ids = {row["post_id"]}
        if row["text"]:  # the id a flattened copy of the same post would get (a digest, not the text)
            ids.add(keys.post_id(SocialPost(row["platform"], None, author_handle=row["author_handle"],
                                            posted_at=row["posted_at"], text=row["text"])))
        scope.post_ids |= ids
        if blocked:
            scope.blocked_post_ids |= ids
        if row["native_id"]:
            scope.native_ids.add(row["native_id"])
        if row["url"]:
            scope.post_urls.add(row["url"])
        if row["text"] and len(keys.clean_text(row["text"])) >= MIN_TEXT_CHARS:
            scope.texts.add(row["text"])


def _register_scope(con: duckdb.DuckDBPyConnection, scope: Scope) -> None:
    _register(con, "purge_posts", "post_id", scope.post_ids)
    _register(con, "purge_articles", "article_id", scope.article_ids)
    _register(con, "purge_urls", "url", scope.urls)
    _register(con, "purge_patterns", "pattern", scope.patterns())


def remove(con: duckdb.DuckDBPyConnection, scope: Scope, *, scrub_bookkeeping: bool = True) -> dict[str, int]:
    """Delete the request's rows and take its text and addresses out of other rows, in the caller's transaction;
    returns rows deleted per table (`scrubbed` counts rows changed). Tables the session lacks are skipped."""
    _register_scope(con, scope)
    present = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables() "
                                             "WHERE database_name = current_database()").fetchall()}
    removed: dict[str, int] = {}
    for table, statement in sql_steps("purge/delete"):
        if table in present:
            removed[table] = _count(con.execute(statement))
    scrubbed = 0
    for pattern in [f"{_escape(text)}()" for text in sorted(scope.texts)] + scope.patterns(pages=True):
        con.execute("SET VARIABLE purge_pattern = ?", [pattern])
        for table, statement in sql_steps("purge/scrub"):
            if table in present and (scrub_bookkeeping or table in ("articles", "update_items", "item_revisions")):
                scrubbed += _count(con.execute(statement))
    removed["scrubbed"] = scrubbed
    return removed


def sql_steps(name: str) -> list[tuple[str, str]]:
    """(name, statement) of each `-- step: name` of `sql/<name>.sql`, in order."""
    return [(step.split("\n", 1)[0].strip(), step.split("\n", 1)[1]) for step in sql(name).split("-- step: ")[1:]]


def _count(cursor) -> int:
    row = cursor.fetchone()
    return int(row[0]) if row and row[0] is not None else 0
