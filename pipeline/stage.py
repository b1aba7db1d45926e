"""Parsed pages → a staged batch: one Arrow table per warehouse table, every row keyed (pipeline/keys.py).

A batch is what travels between parsing and loading: in memory for the CLI, as Parquet files between Airflow
tasks. Rows carry `seen_at` (when their page was read); the store turns that into first/last seen times.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline import keys
from pipeline.model import FetchRecord, Page, ParseResult, SocialPost, UpdateItem
from pipeline.redact import redact_optional

_TS = pa.timestamp("us", tz="UTC")

SCHEMAS: dict[str, pa.Schema] = {
    "articles": pa.schema([
        ("article_id", pa.string()), ("url", pa.string()), ("canonical_url", pa.string()), ("site", pa.string()),
        ("title", pa.string()), ("authors", pa.list_(pa.string())), ("published_at", _TS), ("modified_at", _TS),
        ("language", pa.string()), ("is_liveblog", pa.bool_()), ("coverage_end_at", _TS),
        ("headings", pa.list_(pa.string())),
        ("body_text", pa.string()), ("content_hash", pa.string()), ("source", pa.string()), ("seen_at", _TS),
        ("charset_guessed", pa.string()), ("source_name", pa.string()), ("published_offset_minutes", pa.int32()),
        ("entries_complete", pa.bool_()),  # the read showed the whole entry list: sql/load/08_item_events.sql
    ]),
    "social_posts": pa.schema([
        ("post_id", pa.string()), ("platform", pa.string()), ("native_id", pa.string()),
        ("author_name", pa.string()), ("author_handle", pa.string()), ("posted_at", _TS),
        ("posted_at_precision", pa.string()), ("text", pa.string()), ("text_key", pa.string()), ("url", pa.string()),
        ("language", pa.string()), ("status", pa.string()), ("checked_at", _TS), ("seen_at", _TS),
    ]),
    "update_items": pa.schema([
        ("item_id", pa.string()), ("article_id", pa.string()), ("post_id", pa.string()), ("kind", pa.string()),
        ("native_id", pa.string()), ("position", pa.int32()), ("published_at", _TS), ("updated_at", _TS),
        ("headline", pa.string()), ("text", pa.string()), ("url", pa.string()), ("author", pa.string()),
        ("is_pinned", pa.bool_()), ("is_key_event", pa.bool_()), ("content_hash", pa.string()), ("seen_at", _TS),
    ]),
    "article_posts": pa.schema([
        ("article_id", pa.string()), ("post_id", pa.string()), ("occurrence", pa.int32()), ("position", pa.int32()),
        ("item_id", pa.string()), ("form", pa.string()), ("seen_at", _TS),
    ]),
    "post_entities": pa.schema([
        ("post_id", pa.string()), ("kind", pa.string()), ("value", pa.string()), ("seen_at", _TS),
    ]),
    "post_relations": pa.schema([
        ("post_id", pa.string()), ("related_post_id", pa.string()), ("kind", pa.string()), ("seen_at", _TS),
    ]),
    "quotes": pa.schema([
        ("quote_id", pa.string()), ("article_id", pa.string()), ("speaker", pa.string()), ("text", pa.string()),
        ("position", pa.int32()), ("seen_at", _TS),
    ]),
    "fetch_log": pa.schema([
        ("url", pa.string()), ("attempt", pa.int32()), ("fetched_at", _TS), ("http_status", pa.int32()),
        ("outcome", pa.string()), ("bytes", pa.int64()), ("elapsed_ms", pa.int64()), ("stage", pa.string()),
        ("cause", pa.string()), ("final_url", pa.string()), ("content_type", pa.string()), ("etag", pa.string()),
        ("last_modified", pa.string()), ("content_hash", pa.string()), ("archive_path", pa.string()),
        ("archive_offset", pa.int64()), ("parse_notes", pa.string()),
        ("source_name", pa.string()),
    ]),
}


@dataclass
class Batch:
    """Rows for each warehouse table, ready to load; `sources_ok`/`sources_failed` count the sources behind them."""

    tables: dict[str, pa.Table]
    sources_ok: int = 0
    sources_failed: int = 0

    def row_count(self) -> int:
        return sum(t.num_rows for t in self.tables.values())


# Columns that carry addresses and messages as a user or a server gave them: a password in a URL's user info, a
# `?token=` or a secret in an error message is replaced by `***` before the row reaches the warehouse
# (pipeline/redact.py). Keys are computed before, from the address as given, so identities do not change.
REDACTED_COLUMNS: dict[str, tuple[str, ...]] = {
    "articles": ("url", "canonical_url", "source"),
    "fetch_log": ("url", "final_url", "cause", "parse_notes"),
}


class _Columns:
    """The batch's rows as they are built: one list per column of each table (Arrow takes columns whole), and the
    keys of the posts already staged, so that a post embedded many times is keyed once."""

    def __init__(self) -> None:
        self.by_table: dict[str, dict[str, list]] = {name: {column: [] for column in schema.names}
                                                     for name, schema in SCHEMAS.items()}
        self.post_keys: dict[tuple, tuple[str, str | None]] = {}

    def add(self, table: str, **row) -> None:
        for column in REDACTED_COLUMNS.get(table, ()):
            row[column] = redact_optional(row[column])
        for column, values in self.by_table[table].items():
            values.append(row[column])

    def table(self, name: str) -> pa.Table:
        schema = SCHEMAS[name]
        columns = self.by_table[name]
        return pa.Table.from_arrays([pa.array(columns[column.name], type=column.type) for column in schema],
                                    schema=schema)


def build_batch(results: list[ParseResult], fetches: list[FetchRecord] = (), *, sources_failed: int = 0,
                posts: list[SocialPost] = ()) -> Batch:
    """Key and flatten parsed pages (plus the fetch attempts behind them, and posts on their own, as enrichment
    gives them) into one batch."""
    rows = _Columns()
    for result in results:
        _add_page(rows, result.page)
    for post in posts:
        _add_post(rows, post, post.checked_at or datetime.now(timezone.utc))
    for record in fetches:
        rows.add("fetch_log", **{name: getattr(record, name) for name in SCHEMAS["fetch_log"].names})
    return Batch({name: rows.table(name) for name in SCHEMAS}, sources_ok=len(results), sources_failed=sources_failed)


def _add_page(rows: _Columns, page: Page) -> None:
    seen_at = page.fetched_at or datetime.now(timezone.utc)
    article = keys.article_id(page.canonical_url, page.url, page.body_text)
    rows.add("articles", article_id=article, url=page.url, canonical_url=page.canonical_url, site=page.site,
             title=page.title, authors=list(page.authors), published_at=page.published_at,
             modified_at=page.modified_at, language=page.language, is_liveblog=page.is_liveblog,
             coverage_end_at=page.coverage_end_at,
             headings=list(page.headings), body_text=page.body_text,
             content_hash=keys.content_hash(page.title, page.body_text), source=page.source, seen_at=seen_at,
             charset_guessed=page.charset_guessed, source_name=page.source_name,
             published_offset_minutes=page.published_offset_minutes, entries_complete=page.entries_complete)
    for item in page.key_points:
        _add_item(rows, item, article_id=article, post_id=None, seen_at=seen_at)
    entry_ids = {
        entry.position: _add_item(rows, entry, article_id=article, post_id=None, seen_at=seen_at)
        for entry in page.entries
    }
    occurrences: dict[str, int] = {}
    for embed in sorted(page.embeds, key=lambda e: e.position):
        post = _add_post(rows, embed.post, seen_at)
        occurrences[post] = occurrences.get(post, 0) + 1
        rows.add("article_posts", article_id=article, post_id=post, occurrence=occurrences[post],
                 position=embed.position, item_id=entry_ids.get(embed.entry_position), form=embed.form,
                 seen_at=seen_at)
    for quote in page.quotes:
        rows.add("quotes", quote_id=keys.quote_id(article, quote.speaker, quote.text), article_id=article,
                 speaker=quote.speaker, text=quote.text, position=quote.position, seen_at=seen_at)


def _add_item(rows: _Columns, item: UpdateItem, *, article_id: str | None, post_id: str | None, seen_at) -> str:
    scope = post_id or article_id
    item_key = keys.item_id(scope, item.kind, item.native_id, item.text)
    rows.add("update_items", item_id=item_key, article_id=article_id, post_id=post_id, kind=item.kind,
             native_id=item.native_id, position=item.position, published_at=item.published_at,
             updated_at=item.updated_at, headline=item.headline, text=item.text, url=item.url, author=item.author,
             is_pinned=item.is_pinned, is_key_event=item.is_key_event,
             content_hash=keys.content_hash(item.headline, item.text), seen_at=seen_at)
    return item_key


def _add_post(rows: _Columns, post: SocialPost, seen_at) -> str:
    # The same post read on many pages is keyed once: its key and text key depend on these fields only.
    identity = (post.platform, post.native_id, post.author_handle, post.posted_at, post.text)
    known = rows.post_keys.get(identity)
    if known is None:
        known = rows.post_keys[identity] = (keys.post_id(post), keys.text_key(post.text) if post.text else None)
    post_key, text_key = known
    rows.add("social_posts", post_id=post_key, platform=post.platform, native_id=post.native_id,
             author_name=post.author_name, author_handle=post.author_handle, posted_at=post.posted_at,
             posted_at_precision=post.posted_at_precision, text=post.text,
             text_key=text_key, url=post.url, language=post.language,
             status=post.status, checked_at=post.checked_at, seen_at=seen_at)
    for entity in post.entities:
        rows.add("post_entities", post_id=post_key, kind=entity.kind, value=entity.value, seen_at=seen_at)
    for item in post.thread:
        _add_item(rows, item, article_id=None, post_id=post_key, seen_at=seen_at)
    for relation in post.relations if post.native_id else ():  # a post keyed by its text may move (02_post_matches)
        related_key = _add_post(rows, relation.post, seen_at) if relation.post.native_id else post_key
        if related_key != post_key:
            rows.add("post_relations", post_id=post_key, related_post_id=related_key, kind=relation.kind,
                     seen_at=seen_at)
    return post_key


def write_batch(batch: Batch, folder: Path) -> Path:
    """Write a batch as one Parquet file per table (plus its source counts) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in batch.tables.items():
        meta = {b"sources_ok": str(batch.sources_ok).encode(), b"sources_failed": str(batch.sources_failed).encode()}
        pq.write_table(table.replace_schema_metadata(meta), folder / f"{name}.parquet")
    return folder


def read_batch(folder: Path) -> Batch:
    """Read a batch written by `write_batch`."""
    # A batch staged before a table existed has no file for it: that table's rows are none.
    tables = {name: pq.read_table(folder / f"{name}.parquet", schema=schema) if (folder / f"{name}.parquet").exists()
              else schema.empty_table() for name, schema in SCHEMAS.items()}
    meta = pq.read_schema(folder / "articles.parquet").metadata or {}
    return Batch(tables, sources_ok=int(meta.get(b"sources_ok", 0)), sources_failed=int(meta.get(b"sources_failed", 0)))
