"""`pipeline export`: the warehouse for BI tools, as Parquet partitioned by day (default) or as one DuckDB file.

Parquet: one folder per table and reporting view, `<out>/<name>/date=YYYY-MM-DD/*.parquet` (Hive partitioning, which
DuckDB, Spark, Trino, pandas/pyarrow and most BI tools read as a `date` column). `date` is the UTC day of the column
named in `PARTITION_BY` below; rows where it is null go to `date=__HIVE_DEFAULT_PARTITION__`. A relation without a
time column is one unpartitioned file. DuckDB: a standalone copy of the published warehouse (tables, reporting views,
comments) at `<out>/threadline.duckdb`; from a DuckLake, its latest snapshot written as a warehouse file
(`pipeline.store.export_duckdb`) with the reporting views created in it.

An export deletes only what an export made: each `<out>/<name>/` folder it writes carries a manifest,
`.threadline-export.json` (hidden from Parquet readers by its leading dot), and only a folder with one is replaced.
Any other file or folder in the way stops the export before anything is written (`ExportRefused`).
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
from pipeline.store import copy_published, export_duckdb, is_lake, open_reader, sql_files
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
    "social_posts": "first_seen_at",
    "article_posts": "first_seen_at",
    "post_entities": "first_seen_at",
    "quotes": "first_seen_at",
    "fetch_log": "fetched_at",
    "ingest_runs": "started_at",
    "run_table_counts": None,
    "report_pages": "page_date",
    "report_daily_volume": "page_date",
    "report_top_accounts": "period_start",
    "report_post_embeds": "embedded_at",
    "report_post_reach": "first_embedded_at",
    "report_liveblog_entries": "entry_at",
    "report_liveblog_cadence": "entry_hour",
    "report_item_edits": "published_at",
    "report_unavailable_posts": "posted_at",
    "report_hashtags_daily": "post_date",
    "report_duplicates_prevented": "started_at",
}


def export(db: str | os.PathLike, out: str | os.PathLike, fmt: str = "parquet", *,
           refresh_views: bool = True, lake_data: str | os.PathLike | None = None) -> dict[str, int]:
    """Export the warehouse at `db` under `out`; returns rows per relation (for duckdb: the file's relations)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "parquet":
        _check_replaceable(Path(out))  # before anything is written, the views included
    if refresh_views:
        apply_views(db, lake_data=lake_data)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "duckdb":
        if is_lake(db):
            target = out / DUCKDB_NAME
            export_duckdb(db, target, lake_data=lake_data)
            _create_views(target)
        else:
            target = copy_published(db, out / DUCKDB_NAME)
        con = open_reader(target)
        try:
            return {name: con.table(name).count("*").fetchone()[0] for name in PARTITION_BY}
        finally:
            con.close()
    return _export_parquet(db, out, lake_data)


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


def _export_parquet(db, out: Path, lake_data=None) -> dict[str, int]:
    """Stream each relation in record batches (memory stays bounded by a batch and the open files)."""
    counts = {}
    con = open_reader(db, lake_data=lake_data)
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


def _check_replaceable(out: Path) -> None:
    """Every `<out>/<name>` the export writes is absent or a folder an earlier export made (it has the manifest)."""
    for name in PARTITION_BY:
        _refuse_unless_ours(out / name)


def _refuse_unless_ours(folder: Path) -> None:
    if (folder.exists() or folder.is_symlink()) and not (folder.is_dir() and not folder.is_symlink()
                                                          and (folder / MANIFEST).is_file()):
        raise ExportRefused(f"{folder} is in the way: it was not made by `pipeline export` (it has no {MANIFEST}); "
                            "move it away or choose another --out. Nothing was deleted.")


def _new_folder(folder: Path, name: str) -> None:
    """An empty `folder` for relation `name`, with its manifest, replacing the one an earlier export made."""
    _refuse_unless_ours(folder)
    if folder.exists():
        shutil.rmtree(folder)  # stale days from an earlier export must not linger
    folder.mkdir(parents=True)
    (folder / MANIFEST).write_text(json.dumps({
        "made_by": "pipeline export", "relation": name, "format": "parquet",
        "written_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "note": "pipeline export replaces this folder (and only folders with this file) on the next export"}) + "\n")


class _Counted:
    """Record batches passed through, counting their rows."""

    def __init__(self, reader: pa.RecordBatchReader):
        self.reader, self.rows = reader, 0

    def __iter__(self):
        for batch in self.reader:
            self.rows += batch.num_rows
            yield batch
