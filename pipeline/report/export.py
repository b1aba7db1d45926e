"""`pipeline export`: the warehouse for BI tools, as Parquet partitioned by day (default) or as one DuckDB file.

Parquet: one folder per table and reporting view, `<out>/<name>/date=YYYY-MM-DD/*.parquet` (Hive partitioning, which
DuckDB, Spark, Trino, pandas/pyarrow and most BI tools read as a `date` column). `date` is the UTC day of the column
named in `PARTITION_BY` below; rows where it is null go to `date=__HIVE_DEFAULT_PARTITION__`. A relation without a
time column is one unpartitioned file. DuckDB: a standalone copy of the published warehouse (tables, reporting views,
comments) at `<out>/threadline.duckdb`; from a DuckLake, its latest snapshot written as a warehouse file
(`pipeline.store.export_duckdb`) with the reporting views created in it.

An export deletes only what an export made. Each `<out>/<name>/` folder it writes carries a manifest,
`.threadline-export.json` (hidden from Parquet readers by its leading dot), and only a folder with one is replaced;
for the DuckDB file the manifest sits beside it in `<out>/` and names it. Any other file or folder in the way stops
the export before anything is written (`ExportRefused`).
"""
from __future__ import annotations

import json
import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from pipeline.report.views import VIEWS_FOLDER, apply_views
from pipeline.settings import WarehouseSettings
from pipeline.store import copy_published, export_duckdb, open_reader, sql_files
from pipeline.store.backend import connect_file

FORMATS = ("parquet", "duckdb")
DUCKDB_NAME = "threadline.duckdb"
PARTITION_COLUMN = "date"
BATCH_ROWS = 100_000
MANIFEST = ".threadline-export.json"  # in every folder an export made; only such folders are ever replaced

# Each exported relation and the column whose UTC day partitions it (None: not partitioned). Tables go by the day
# the warehouse first saw the row (never null); reporting views by the day an analyst would filter on.
PARTITION_BY: dict[str, str | None] = {
    "articles": "first_seen_at",
    "update_items": "first_seen_at",
    "item_revisions": "first_seen_at",
    "item_events": "at",
    "social_posts": "first_seen_at",
    "article_posts": "first_seen_at",
    "post_entities": "first_seen_at",
    "post_relations": "first_seen_at",
    "quotes": "first_seen_at",
    "fetch_log": "fetched_at",
    "ingest_runs": "started_at",
    "run_table_counts": None,
    "run_source_counts": None,
    "report_pages": "page_date",
    "report_daily_volume": "page_date",
    "report_top_accounts": "period_start",
    "report_post_embeds": "embedded_at",
    "report_post_reach": "first_embedded_at",
    "report_liveblog_entries": "entry_at",
    "report_liveblog_cadence": "entry_hour",
    "report_item_edits": "published_at",
    "report_liveblog_changes": "at",
    "report_unavailable_posts": "posted_at",
    "report_hashtags_daily": "post_date",
    "report_duplicates_prevented": "started_at",
    "report_source_health": None,
}


def export(db: WarehouseSettings, out: str | os.PathLike, fmt: str = "parquet", *,
           refresh_views: bool = True) -> dict[str, int]:
    """Export the warehouse at `db` under `out`; returns rows per relation (for duckdb: the file's relations)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    out = Path(out)
    targets = [out / DUCKDB_NAME] if fmt == "duckdb" else [out / name for name in PARTITION_BY]
    for target in targets:  # before anything is written, the views included
        _refuse_unless_ours(target)
    if refresh_views:
        apply_views(db)
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "duckdb":
        target = out / DUCKDB_NAME
        _write_manifest(out, {"format": "duckdb", "file": DUCKDB_NAME})
        if WarehouseSettings.of(db).is_lake:
            export_duckdb(db, target)
            _create_views(target)
        else:
            copy_published(WarehouseSettings.of(db).db, target)
        con = open_reader(target)
        try:
            return {name: con.table(name).count("*").fetchone()[0] for name in PARTITION_BY}
        finally:
            con.close()
    return _export_parquet(db, out)


def _create_views(path: Path) -> None:
    """The reporting views in a DuckDB file exported from a lake (which copies tables only), in one transaction."""
    con = connect_file(path)
    try:
        con.begin()
        for _, text in sql_files(VIEWS_FOLDER):
            con.execute(text)
        con.commit()
        con.execute("CHECKPOINT")
    finally:
        con.close()


def _export_parquet(db, out: Path) -> dict[str, int]:
    """Stream each relation in record batches (memory stays bounded by a batch and the open files)."""
    counts = {}
    con = open_reader(db)
    try:
        for name, column in PARTITION_BY.items():
            reader = con.table(name).to_arrow_reader(BATCH_ROWS)
            folder = out / name
            _new_folder(folder, name)
            counted = _Counted(reader)
            if column is None:
                with pq.ParquetWriter(folder / "part-0.parquet", reader.schema) as writer:
                    for batch in counted:
                        writer.write_batch(batch)
            else:
                schema = reader.schema.append(pa.field(PARTITION_COLUMN, pa.date32()))
                batches = (batch.append_column(PARTITION_COLUMN, pc.cast(batch.column(column), pa.date32()))
                           for batch in counted)
                ds.write_dataset(batches, folder, schema=schema, format="parquet",
                                 basename_template="part-{i}.parquet",
                                 partitioning=ds.partitioning(pa.schema([(PARTITION_COLUMN, pa.date32())]),
                                                              flavor="hive"),
                                 existing_data_behavior="overwrite_or_ignore")
            counts[name] = counted.rows
    finally:
        con.close()
    return counts


class ExportRefused(Exception):
    """The export would replace a file or folder that an export did not make."""


def _refuse_unless_ours(path: Path) -> None:
    """`path` is absent, or an export made it: a folder holding the manifest, or a file the manifest beside it names."""
    if not (path.exists() or path.is_symlink()):
        return
    if not path.is_symlink():
        if path.is_dir() and (path / MANIFEST).is_file():
            return
        if path.is_file() and _manifest(path.parent).get("file") == path.name:
            return
    raise ExportRefused(f"{path} is in the way: it was not made by `pipeline export` (no {MANIFEST} "
                        f"{'in' if path.is_dir() else 'beside'} it); move it away or choose another --out. "
                        "Nothing was deleted.")


def _manifest(folder: Path) -> dict:
    try:
        found = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _write_manifest(folder: Path, what: dict) -> None:
    (folder / MANIFEST).write_text(json.dumps({
        "made_by": "pipeline export", **what, "written_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "note": "pipeline export replaces what this file names (and nothing without such a file) on the next export",
    }) + "\n", encoding="utf-8")


def _new_folder(folder: Path, name: str) -> None:
    """An empty `folder` for relation `name`, with its manifest, replacing the one an earlier export made."""
    _refuse_unless_ours(folder)
    if folder.exists():
        shutil.rmtree(folder)  # stale days from an earlier export must not linger
    folder.mkdir(parents=True)
    _write_manifest(folder, {"format": "parquet", "relation": name})


class _Counted:
    """Record batches passed through, counting their rows."""

    def __init__(self, reader: pa.RecordBatchReader):
        self.reader, self.rows = reader, 0

    def __iter__(self):
        for batch in self.reader:
            self.rows += batch.num_rows
            yield batch
