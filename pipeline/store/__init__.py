"""The only code that opens DuckDB: migrations, set-based loading, run bookkeeping, publishing for readers.

The warehouse is a DuckDB file or a DuckLake (`ducklake:postgres:…`); callers never need to know which
(`pipeline/store/backend/` holds every difference).
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from pipeline.model import SocialPost
from pipeline.settings import WarehouseSettings
from pipeline.store.backend import LakeUnavailable, LoadFailed, PublishFailed, ViewsFailed, WarehouseUnusable
from pipeline.store.load import TableCounts
from pipeline.store.sqlfiles import sql, sql_files
from pipeline.store.upkeep import export_duckdb, maintain
from pipeline.store.warehouse import (WarehouseBusy, WarehouseMissing, WarehousePaths, Writer, copy_published,
                                      open_reader, published_views_current)

log = logging.getLogger(__name__)

# What a command turns into one line on stderr and exit 1: the warehouse is busy, missing, unusable or unreachable,
# or a batch, the run's bookkeeping or the publish failed.
STORE_ERRORS = (LakeUnavailable, LoadFailed, PublishFailed, ViewsFailed, WarehouseBusy, WarehouseMissing,
                WarehouseUnusable)

__all__ = ["LakeUnavailable", "LoadFailed", "PublishFailed", "STORE_ERRORS", "ViewsFailed", "WarehouseUnusable", "WarehouseSettings",
           "Stats", "TableCounts", "WarehouseBusy", "WarehouseMissing", "WarehousePaths", "Writer", "ArchivedBody",
           "FetchHistory", "LatestFetch", "copy_published", "export_duckdb", "live_blogs",
           "liveblog_facts", "maintain", "open_reader", "posts_to_enrich", "pruned_pages", "read_stats",
           "site_offsets", "sql", "sql_files", "published_views_current"]


@dataclass
class Stats:
    """Row counts per table and the latest run, as `pipeline stats` prints them."""

    table_counts: dict[str, int]
    last_run: dict | None


def read_stats(db: WarehouseSettings | str | os.PathLike, *, snapshot: int | None = None,
               at: datetime | None = None) -> Stats:
    """Row counts and the latest run of the published warehouse (on a lake: of its latest or a given snapshot)."""
    con = open_reader(db, snapshot=snapshot, at=at)
    try:
        counts = dict(con.execute(sql("stats/table_counts")).fetchall())
        cursor = con.execute(sql("stats/last_run"))
        row = cursor.fetchone()
        last_run = dict(zip([d[0] for d in cursor.description], row)) if row else None
    finally:
        con.close()
    return Stats(counts, last_run)


def _published_reader(db: WarehouseSettings | str | os.PathLike):
    """A read-only session on the warehouse, or None when there is none yet (no file, or no lake in the catalog)."""
    db = WarehouseSettings.of(db)
    if not db.is_lake and not Path(db.db).exists():
        return None
    try:
        return open_reader(db)
    except WarehouseMissing:
        return None


@dataclass(frozen=True)
class ArchivedBody:
    """Where the raw archive holds one good response's body: the file, the response record's offset, and the URL the
    response came from (its final URL, which the record's target must be)."""

    path: str
    offset: int
    url: str


@dataclass(frozen=True)
class LatestFetch:
    """What the latest fetches of a URL that had validators left: those validators, the archived body they stand for
    (None when that very fetch was not `ok` or not archived: never an older body), and whether the page is stored as
    a live blog (by the URL asked or its final URL)."""

    validators: tuple[str | None, str | None, str | None]  # etag, last_modified, content_hash
    body: ArchivedBody | None
    is_liveblog: bool


@dataclass(frozen=True)
class FetchHistory:
    """What earlier reads left in `fetch_log`, asked while a run reads (read-only, published copy; empty answers when
    there is no warehouse yet, so parse tasks may ask while the writer loads): each URL's validators and the archived
    body they stand for, in one query (`latest`), or the answers a given page read came with (`bodies_read_with`)."""

    db: WarehouseSettings | str | os.PathLike

    def latest(self, urls: list[str]) -> dict[str, LatestFetch]:
        """URL → its `LatestFetch` (sql/fetch/latest_fetches.sql), for the URLs fetched with validators before."""
        return {url: LatestFetch((etag, modified, digest),
                                 ArchivedBody(path, offset, body_url) if path is not None else None, bool(live))
                for url, etag, modified, digest, path, offset, body_url, live
                in self._rows(urls, "fetch/latest_fetches", [])}

    def validators(self, urls: list[str]) -> dict[str, tuple[str | None, str | None, str | None]]:
        """(etag, last_modified, content_hash) of each URL's latest fetch that had any."""
        return {url: latest.validators for url, latest in self.latest(urls).items()}

    def bodies_read_with(self, archive_file: str, offset: int, urls: list[str]) -> dict[str, ArchivedBody]:
        """URL → where the archive holds the first good read of it that the run which archived the page response at
        (`archive_file` by name, `offset`) made with or after that page."""
        return {url: ArchivedBody(path, at, final) for url, path, at, final
                in self._rows(urls, "fetch/run_responses", [archive_file, offset])}

    def _rows(self, urls: list[str], query: str, params: list) -> list[tuple]:
        con = _published_reader(self.db) if urls else None
        if con is None:
            return []
        try:
            con.register("wanted_urls", pa.table({"url": pa.array(urls, pa.string())}))
            return con.execute(sql(query), params).fetchall()
        finally:
            con.close()


def posts_to_enrich(db: WarehouseSettings | str | os.PathLike, *, recheck_before: datetime,
                    limit: int) -> list[SocialPost]:
    """Posts with a native id that no platform was asked about yet, then those found gone before `recheck_before`."""
    con = _published_reader(db)
    if con is None:
        return []
    try:
        cursor = con.execute(sql("enrich/due_posts"), [recheck_before, limit])
        names = [d[0] for d in cursor.description]
        return [SocialPost(**dict(zip(names, row))) for row in cursor.fetchall()]
    finally:
        con.close()


def liveblog_facts(db: WarehouseSettings | str | os.PathLike, urls: list[str]) -> dict[str, dict]:
    """For pages named by URL: is_liveblog, coverage_end_at, last_change, first_seen_at (read-only, published copy)."""
    con = _published_reader(db) if urls else None
    if con is None:
        return {}
    try:
        con.register("wanted_urls", pa.table({"url": pa.array(urls, pa.string())}))
        cursor = con.execute(sql("fetch/liveblog_facts"))
        names = [d[0] for d in cursor.description]
        return {row[0]: dict(zip(names[1:], row[1:])) for row in cursor.fetchall()}
    finally:
        con.close()


def live_blogs(db: WarehouseSettings | str | os.PathLike) -> list[dict]:
    """Every live blog read over http(s): url, coverage_end_at, last_change, first_seen_at, source_name (read-only,
    published copy; [] when there is no warehouse yet)."""
    con = _published_reader(db)
    if con is None:
        return []
    try:
        cursor = con.execute(sql("fetch/live_blogs"))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]
    finally:
        con.close()


def site_offsets(db: WarehouseSettings | str | os.PathLike) -> dict[str, int]:
    """The UTC offset (minutes) each site's stored pages state most often with their published time, by host of the
    page URL; {} when there is no warehouse yet (read-only, published copy; one query for all sites)."""
    con = _published_reader(db)
    if con is None:
        return {}
    try:
        try:
            return dict(con.execute(sql("fetch/site_offsets")).fetchall())
        except (duckdb.CatalogException, duckdb.BinderException):  # published before migration 010: no offsets
            return {}
        except duckdb.Error as exc:  # a hint only (a lake's data store out of reach): the run goes on without it
            log.warning("%s: the sites' time zones were not read (%s); zone-less times are read as UTC",
                        WarehouseSettings.of(db).describe(), str(exc).strip().splitlines()[0])
            return {}
    finally:
        con.close()


def pruned_pages(db: WarehouseSettings | str | os.PathLike, *, since: datetime | None,
                 until: datetime | None) -> list[dict]:
    """Pages fetched in [since, until) whose archived responses are in WARC files retention removed: url, responses,
    first_fetched_at, last_fetched_at, pruned_at; [] when there is no warehouse yet (read-only, published copy)."""
    con = _published_reader(db)
    if con is None:
        return []
    try:
        try:
            cursor = con.execute(sql("archive/pruned_pages"), [since, until])
        except duckdb.CatalogException:  # a warehouse published before migration 008: nothing pruned yet
            return []
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]
    finally:
        con.close()
