"""The `pipeline` command (docs/contract.md, "Commands")."""
from __future__ import annotations

import argparse
import logging
import os
import sys

DEFAULT_DB = "data/warehouse.duckdb"

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def db_path(arg: str | None) -> str:
    """--db, else $PIPELINE_DB, else the default path."""
    return arg or os.environ.get("PIPELINE_DB") or DEFAULT_DB


def lake_data(arg: str | None) -> str | None:
    """--lake-data, else $PIPELINE_LAKE_DATA: the data folder of a DuckLake named by --db (needed to create one)."""
    return arg or os.environ.get("PIPELINE_LAKE_DATA") or None


DB_HELP = (f"warehouse: a DuckDB file path, or 'ducklake:postgres:<libpq connection string>' for a DuckLake "
           f"(default: $PIPELINE_DB or {DEFAULT_DB})")
LAKE_DATA_HELP = "data folder (or s3:// prefix) of a DuckLake named by --db (default: $PIPELINE_LAKE_DATA)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pipeline", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="parse sources and load them into the warehouse")
    ingest.add_argument("sources", nargs="+", metavar="SOURCE",
                        help="an http(s):// URL, a local .html/.htm/.txt file, or a folder of them")
    ingest.add_argument("--db", help=DB_HELP)
    ingest.add_argument("--lake-data", metavar="PATH", help=LAKE_DATA_HELP)

    stats = commands.add_parser("stats", help="row counts per table, and the last run with its outcome")
    stats.add_argument("--db", help=DB_HELP)
    stats.add_argument("--lake-data", metavar="PATH", help=LAKE_DATA_HELP)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on a usage error and 0 on --help
        return int(exc.code or 0)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command == "ingest":
        return _ingest(args)
    return _stats(args)


def _ingest(args) -> int:
    from pipeline.ingest import ingest
    from pipeline.store import LakeUnavailable, WarehouseBusy

    try:
        report = ingest(args.sources, db_path(args.db), progress=True, lake_data=lake_data(args.lake_data))
    except (WarehouseBusy, LakeUnavailable) as exc:
        print(f"pipeline ingest: {exc}", file=sys.stderr)
        return EXIT_FAILED
    for source in report.sources:
        print(source.line())
    loaded = len(report.sources) - len(report.failed)
    print(f"{len(report.sources)} sources: {loaded} loaded, {len(report.failed)} failed "
          f"(run {report.run_id}, {report.status})")
    for table, counts in sorted(report.counts.items()):
        print(f"  {table:<16} {counts.inserted:>7} new {counts.updated:>7} updated {counts.unchanged:>7} unchanged")
    return EXIT_FAILED if report.failed else EXIT_OK


def _stats(args) -> int:
    from pipeline.store import LakeUnavailable, WarehouseMissing, read_stats

    try:
        stats = read_stats(db_path(args.db), lake_data=lake_data(args.lake_data))
    except (WarehouseMissing, LakeUnavailable) as exc:
        print(f"pipeline stats: {exc}", file=sys.stderr)
        return EXIT_FAILED
    for table, count in stats.table_counts.items():
        print(f"{table:<18} {count:>9}")
    run = stats.last_run
    if run is None:
        print("last run: none")
    else:
        airflow = f", airflow run {run['airflow_run_id']} try {run['airflow_try']}" if run["airflow_run_id"] else ""
        finished = run["finished_at"].isoformat() if run["finished_at"] else "not finished"
        print(f"last run: {run['run_id']} ({run['command']}{airflow}) started {run['started_at'].isoformat()}, "
              f"{finished}: {run['status']}, {run['sources_ok']} sources ok, {run['sources_failed']} failed")
    return EXIT_OK
