"""An erasure request in the latest export (`pipeline export --out DIR`): only what an export made is touched (a
relation's folder holding `.threadline-export.json`, or the DuckDB file the manifest beside it names).

Parquet: each file of each relation is rewritten without the rows that hold a purged id, address or text (any text
column equal to a purged id or address, or holding a purged id, address or text: `Scope.patterns`); for an account, a
`*handle*` column equal to its handle), written beside and renamed over; a file left empty is removed. DuckDB: the
same table steps as the warehouse's (pipeline/purge/tables.py) in a copy of the file, compacted and renamed over it.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.purge.tables import Scope
from pipeline.report.export import DUCKDB_NAME, MANIFEST, _manifest


@dataclass
class ExportChange:
    """One export file rewritten (or, with no row left, removed): the new file waits beside it until `apply`."""

    path: Path
    temporary: Path | None  # None: the file is removed
    rows: int  # rows removed

    def apply(self) -> None:
        if self.temporary is None:
            self.path.unlink(missing_ok=True)
        else:
            os.replace(self.temporary, self.path)

    def discard(self) -> None:
        if self.temporary is not None:
            self.temporary.unlink(missing_ok=True)


@dataclass
class ExportPlan:
    folder: Path
    changes: list[ExportChange] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(c.rows for c in self.changes)


def plan_export(folder: str | os.PathLike, scope: Scope, *, dry_run: bool = False) -> ExportPlan:
    """The export's files that hold what `scope` removes, rewritten beside them (unless `dry_run`)."""
    plan = ExportPlan(Path(folder))
    if not plan.folder.is_dir():
        return plan
    exact = pa.array(sorted(scope.post_ids | scope.blocked_post_ids | scope.article_ids | scope.urls), pa.string())
    contained = scope.patterns(pages=True)
    handle = scope.target.handle if scope.target.kind == "account" else None
    for relation in sorted(plan.folder.iterdir()):
        if relation.is_symlink() or not relation.is_dir() or _manifest(relation).get("format") != "parquet":
            continue
        for path in sorted(relation.rglob("*.parquet")):
            change = _rewrite_parquet(path, exact, contained, handle, dry_run)
            if change is not None:
                plan.changes.append(change)
    duckdb_file = plan.folder / DUCKDB_NAME
    if _manifest(plan.folder).get("file") == DUCKDB_NAME and duckdb_file.is_file() and not duckdb_file.is_symlink():
        from pipeline.purge.file import purge_copy

        change = purge_copy(duckdb_file, scope, dry_run=dry_run)
        if change is not None:
            plan.changes.append(ExportChange(duckdb_file, change[0], change[1]))
    return plan


def _rewrite_parquet(path: Path, exact: pa.Array, contained: list[str], handle: str | None,
                     dry_run: bool) -> ExportChange | None:
    table = pq.read_table(path, partitioning=None)
    hit = pa.array([False] * table.num_rows, pa.bool_())
    for name, column in zip(table.column_names, table.columns):
        if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
            continue
        hit = pc.or_(hit, pc.fill_null(pc.is_in(column, value_set=exact), False))
        for needle in contained:
            hit = pc.or_(hit, pc.fill_null(pc.match_substring_regex(column, needle), False))
        if handle and "handle" in name:
            hit = pc.or_(hit, pc.fill_null(pc.equal(pc.utf8_lower(column), handle), False))
    removed = pc.sum(hit).as_py() or 0
    if not removed:
        return None
    kept = table.filter(pc.invert(hit))
    if kept.num_rows == 0:
        return ExportChange(path, None, removed)
    temporary = path.with_name(f".{path.name}.purging-{os.getpid()}")
    if not dry_run:
        with open(temporary, "wb") as out:
            pq.write_table(kept, out)
            out.flush()
            os.fsync(out.fileno())
    return ExportChange(path, temporary, removed)
