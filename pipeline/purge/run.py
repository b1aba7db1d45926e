"""`pipeline purge`: one erasure request carried out through the warehouse's writer (its lock, its transaction, its
publish), then in the raw archive and the latest export, and recorded in `purge_requests`.

Order: the writer opens the warehouse (on a lake, every table's lock is held to the end); what the request covers is
read (`tables.resolve`); the affected WARC files and export files are written anew beside the old ones; one
transaction deletes the rows, moves fetch_log's archive offsets and records the request; only then are the new files
renamed over the old ones (a failure before leaves every file as it was, and the new ones are removed). Last, what
still holds the deleted bytes goes: on a lake the files are rewritten and the snapshots that reach them expired; a
DuckDB file is written anew with its live rows, then published as after a load.
"""
from __future__ import annotations

import json
import logging
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa

from pipeline.fetch.warc_rewrite import RewritePlan, WarcRecordInfo, plan_rewrites
from pipeline.oneline import one_line
from pipeline.purge import lake
from pipeline.purge.exports import ExportPlan, plan_export
from pipeline.purge.tables import TABLES, Scope, remove, resolve
from pipeline.purge.targets import Target
from pipeline.redact import redact
from pipeline.settings import WarehouseSettings
from pipeline.store import Writer, open_reader, sql
from pipeline.store.backend import compact_working_copy
from pipeline.urls import canonical_url

log = logging.getLogger(__name__)

_REQUEST_SCHEMA = pa.schema([
    ("request_id", pa.string()), ("kind", pa.string()), ("target", pa.string()), ("platform", pa.string()),
    ("handle", pa.string()), ("post_ids", pa.list_(pa.string())), ("article_ids", pa.list_(pa.string())),
    ("urls", pa.list_(pa.string())), ("reason", pa.string()), ("requested_at", pa.timestamp("us", tz="UTC")),
    ("rows_removed", pa.int64()), ("archive_records", pa.int64()), ("export_rows", pa.int64()),
    ("snapshots_expired", pa.int64()),
])
_OFFSETS_SCHEMA = pa.schema([("file", pa.string()), ("old_offset", pa.int64()), ("new_offset", pa.int64())])


@dataclass
class PurgeReport:
    """What a purge did (or, in a dry run, would do)."""

    target: Target
    dry_run: bool
    request_id: str | None = None
    scope: Scope | None = None
    rows: dict[str, int] = field(default_factory=dict)
    archive: RewritePlan = field(default_factory=RewritePlan)
    export: ExportPlan | None = None
    snapshots_expired: int = 0
    cached: int = 0  # answers of the enrichment cache removed
    problems: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.problems)

    def lines(self) -> list[str]:
        scope = self.scope
        verb = "would purge" if self.dry_run else "purged"
        what = f"{self.target.kind} {self.target.recorded}"
        found = f"{len(scope.post_ids)} posts, {len(scope.article_ids)} pages" if scope else "nothing"
        rows = ", ".join(f"{table} {n}" for table, n in sorted(self.rows.items()) if n and table != "scrubbed")
        scrubbed = self.rows.get("scrubbed", 0)
        parts = [found]
        if not self.dry_run:
            parts.append(f"rows removed: {rows or 'none'}" + (f" (and {scrubbed} rows cleaned of it)" if scrubbed else ""))
        parts.append(f"{self.archive.dropped} archive records in {len(self.archive.rewrites)} WARC files")
        if self.export is not None:
            parts.append(f"{self.export.rows} export rows under {self.export.folder}")
        if self.cached:
            parts.append(f"{self.cached} enrichment cache entries")
        if self.snapshots_expired:
            parts.append(f"{self.snapshots_expired} lake snapshots expired")
        request = f" (request {self.request_id})" if self.request_id else ""
        lines = [redact(one_line(f"{verb} {what}{request}: " + "; ".join(parts)))]
        if self.archive.unchecked:
            lines.append(f"{self.archive.unchecked} archive records too large or damaged to search were kept")
        lines += [redact(one_line(f"NOT DONE {problem}")) for problem in self.problems]
        return lines


def new_request_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(3)


def purge(db: WarehouseSettings, target: Target, reason: str, *, dry_run: bool = False,
          export_dir: str | os.PathLike | None = None) -> PurgeReport:
    """Carry out one erasure request (see the module's docstring); a dry run reads the published warehouse only and
    changes nothing."""
    from pipeline.batches import archive_dir, enrichment_cache

    report = PurgeReport(target, dry_run)
    archive = archive_dir(db)
    if dry_run:
        con = open_reader(db)
        try:
            report.scope = resolve(con, target)
        finally:
            con.close()
        report.archive = plan_rewrites(archive, _matcher(report.scope), dry_run=True)
        report.export = plan_export(export_dir, report.scope, dry_run=True) if export_dir else None
        report.problems += report.archive.problems
        return report

    with Writer(db) as writer:
        on_lake = writer.backend.keeps_snapshots  # a lake: its old snapshots hold the data too
        with writer.backend.locks(TABLES):  # on a lake: no load between the deletes and the expiry
            if on_lake:
                lake.flush_inlined(writer.con)
            report.scope = scope = resolve(writer.con, target)
            report.archive = plan_rewrites(archive, _matcher(scope))
            report.problems += report.archive.problems
            try:
                report.export = plan_export(export_dir, scope) if export_dir else None
                report.request_id = new_request_id()

                def work() -> None:
                    report.rows = remove(writer.con, scope)
                    _move_offsets(writer.con, report.archive)
                    _record(writer.con, report, reason)

                writer.transaction(TABLES, work)
            except BaseException:
                for rewrite in report.archive.rewrites:
                    rewrite.discard()
                for change in report.export.changes if report.export else []:
                    change.discard()
                raise
            for rewrite in report.archive.rewrites:
                why = rewrite.apply()
                if why:
                    report.problems.append(f"{rewrite.path}: {why}; run the purge again")
            for change in report.export.changes if report.export else []:
                try:
                    change.apply()
                except OSError as exc:
                    report.problems.append(f"{change.path}: {exc.strerror or exc}; run the purge again")
            cache = enrichment_cache(db)
            try:
                report.cached = _purge_enrichment_cache(cache, scope)
            except (OSError, ValueError) as exc:
                report.problems.append(f"{cache}: {getattr(exc, 'strerror', None) or exc}; run the purge again")
            if on_lake:
                report.snapshots_expired = lake.expire(writer.con, scope.since)
                if report.snapshots_expired:
                    writer.transaction(["purge_requests"], lambda: writer.con.execute(
                        sql("purge/expired"), [report.snapshots_expired, report.request_id]))
            else:
                writer.con = compact_working_copy(writer.con, writer.backend.working_copy)
    log.info("purge %s: %s", report.request_id, report.lines()[0])
    return report


def _matcher(scope: Scope):
    """Which WARC records hold what `scope` removes: any record of a purged page's address; any record whose address
    names a purged post (an enrichment call); a response whose body holds a purged post's id, address or text."""
    urls = {canonical_url(u) for u in scope.urls if u}
    in_address = re.compile("|".join(f"(?:{p})" for p in scope.patterns())) if scope.patterns() else None
    in_payload = scope.payload_pattern()

    def matches(info: WarcRecordInfo, payload: bytes | None) -> bool:
        if info.target_uri and (canonical_url(info.target_uri) in urls
                                or (in_address is not None and in_address.search(info.target_uri))):
            return True
        return payload is not None and in_payload is not None and in_payload.search(payload) is not None

    return matches


def _purge_enrichment_cache(path: Path, scope: Scope) -> int:
    """The enrichment cache (what the platforms answered, by `platform:native_id`) without the purged posts' answers:
    written beside, flushed and renamed over; returns how many went."""
    if not path.is_file():
        return 0
    cache = json.loads(path.read_text(encoding="utf-8"))
    pattern = re.compile("|".join(f"(?:{p})" for p in scope.patterns())) if scope.patterns() else None
    gone = [key for key, answer in cache.items() if key in scope.post_ids or pattern is not None
            and (pattern.search(key) or pattern.search(json.dumps(answer, ensure_ascii=False)))]
    if not gone:
        return 0
    for key in gone:
        del cache[key]
    temporary = path.with_name(f"{path.name}.purging-{os.getpid()}")
    with open(temporary, "w", encoding="utf-8") as out:
        json.dump(cache, out, ensure_ascii=False, sort_keys=True)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)
    return len(gone)


def _move_offsets(con, archive: RewritePlan) -> None:
    rows = [{"file": rewrite.path.name, "old_offset": old, "new_offset": new}
            for rewrite in archive.rewrites for old, new in rewrite.offsets.items() if old != new]
    if not rows:
        return
    con.register("purge_offsets", pa.Table.from_pylist(rows, schema=_OFFSETS_SCHEMA))
    try:
        con.execute(sql("purge/archive_offsets"))
    finally:
        con.unregister("purge_offsets")


def _record(con, report: PurgeReport, reason: str) -> None:
    scope, target = report.scope, report.target
    row = {"request_id": report.request_id, "kind": target.kind, "target": target.recorded,
           "platform": target.platform, "handle": target.handle,
           "post_ids": sorted(scope.blocked_post_ids), "article_ids": sorted(scope.article_ids),
           "urls": sorted(redact(u) for u in scope.urls if u) if target.kind == "page" else [],
           "reason": redact(reason), "requested_at": datetime.now(timezone.utc),
           "rows_removed": sum(n for table, n in report.rows.items() if table != "scrubbed"),
           "archive_records": report.archive.dropped,
           "export_rows": report.export.rows if report.export else 0, "snapshots_expired": 0}
    con.register("purge_request", pa.Table.from_pylist([row], schema=_REQUEST_SCHEMA))
    try:
        con.execute(sql("purge/record"))
    finally:
        con.unregister("purge_request")
