"""The `pipeline` command (docs/contract.md, "Commands")."""
from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from datetime import datetime, timezone

from pipeline import settings
from pipeline.settings import DEFAULT_DB, WarehouseSettings

DEFAULT_REPORT_DIR = "data/report"
DEFAULT_EXPORT_DIR = "data/export"
DEFAULT_DICTIONARY = "docs/data-dictionary.md"

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2  # docs/contract.md, "Exit codes"


class UsageError(Exception):
    """A flag value the command cannot work with (exit 2, one line)."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (`pipeline enrich: error: argument --limit: …`), exit 2."""

    def error(self, message: str):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def warehouse(args) -> WarehouseSettings:
    """The warehouse a command works on, resolved once: --db, else $THREADLINE_DB, else the default path; --lake-data,
    else $THREADLINE_LAKE_DATA (the data folder or s3:// prefix of a DuckLake named by --db, needed to create one)."""
    return WarehouseSettings.resolve(args.db, getattr(args, "lake_data", None))


DB_HELP = (f"warehouse: a DuckDB file path, or 'ducklake:postgres:<libpq connection string>' for a DuckLake "
           f"(default: $THREADLINE_DB or {DEFAULT_DB})")
LAKE_DATA_HELP = "data folder (or s3:// prefix) of a DuckLake named by --db (default: $THREADLINE_LAKE_DATA)"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="pipeline", description=__doc__)
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", help="parse sources and load them into the warehouse")
    ingest.add_argument("sources", nargs="+", metavar="SOURCE",
                        help="an http(s):// URL, a local .html/.htm/.txt file, a .warc/.warc.gz file, or a folder")
    ingest.add_argument("--db", help=DB_HELP)
    ingest.add_argument("--lake-data", metavar="PATH", help=LAKE_DATA_HELP)

    reparse = commands.add_parser("reparse", help="parse archived responses again with today's parser and reload "
                                                  "them; no network")
    reparse.add_argument("--since", type=_day, required=True, metavar="DATE",
                         help="first fetch day (YYYY-MM-DD or an ISO time, UTC)")
    reparse.add_argument("--until", type=_day, metavar="DATE", help="end of the range, exclusive (default: now)")
    reparse.add_argument("--source", action="append", dest="source_names", metavar="NAME",
                         help="only responses fetched for this source of the source list (repeatable)")
    reparse.add_argument("--db", help=DB_HELP)
    reparse.add_argument("--lake-data", metavar="PATH", help=LAKE_DATA_HELP)

    enrich = commands.add_parser("enrich", help="ask the platforms about posts the pages left incomplete "
                                                "(text, author, time, whether the post is still there)")
    enrich.add_argument("--limit", type=_positive_int, default=500, help="posts to ask about in this run (default 500)")
    enrich.add_argument("--db", help=DB_HELP)
    enrich.add_argument("--lake-data", metavar="PATH", help=LAKE_DATA_HELP)

    stats = commands.add_parser("stats", help="row counts per table, and the last run with its outcome")
    stats.add_argument("--db", help=DB_HELP)
    stats.add_argument("--lake-data", metavar="PATH", help=LAKE_DATA_HELP)

    report = commands.add_parser("report", help="write a static HTML page with charts of the reporting views")
    report.add_argument("--db", help=DB_HELP)
    report.add_argument("--lake-data", metavar="PATH", help=LAKE_DATA_HELP)
    report.add_argument("--out", default=DEFAULT_REPORT_DIR,
                        help=f"folder for index.html (default: {DEFAULT_REPORT_DIR})")

    export = commands.add_parser("export", help="export tables and reporting views for BI tools")
    export.add_argument("--db", help=DB_HELP)
    export.add_argument("--lake-data", metavar="PATH", help=LAKE_DATA_HELP)
    export.add_argument("--out", default=DEFAULT_EXPORT_DIR, help=f"target folder (default: {DEFAULT_EXPORT_DIR})")
    export.add_argument("--format", choices=["parquet", "duckdb"], default="parquet",
                        help="parquet: one folder per table/view, partitioned by date (default); "
                             "duckdb: one DuckDB file")

    archive = commands.add_parser("archive", help="the raw archive of fetched responses (WARC files)")
    archive_commands = archive.add_subparsers(dest="archive_command", required=True)
    prune = archive_commands.add_parser(
        "prune", help="remove the archive's oldest WARC files past the retention limits and record them in "
                      "archive_pruned (only files the fetcher wrote; never one being written)")
    prune.add_argument("--keep-days", type=_positive_number, metavar="DAYS",
                       help="keep files holding a response fetched in the last DAYS days "
                            "(default: $THREADLINE_ARCHIVE_KEEP_DAYS; none: no age limit)")
    prune.add_argument("--max-bytes", type=_positive_int, metavar="BYTES",
                       help="keep at most this many bytes of WARC files, removing the oldest first "
                            "(default: $THREADLINE_ARCHIVE_MAX_BYTES; none: no size limit)")
    prune.add_argument("--dry-run", action="store_true", help="print what would be removed; remove nothing")
    prune.add_argument("--db", help=DB_HELP + "; the archive is archive/ beside it (for a DuckLake: in $THREADLINE_DATA)")
    prune.add_argument("--lake-data", metavar="PATH", help=LAKE_DATA_HELP)

    purge = commands.add_parser(
        "purge", help="remove a post, an account or a page from every table, the raw archive and the latest export, "
                      "record the request in purge_requests, and keep it out of later reads")
    what = purge.add_mutually_exclusive_group(required=True)
    what.add_argument("--post", type=_target("post"), metavar="PLATFORM:ID", dest="target",
                      help="a post by platform and native id, e.g. x:1869731234567890123")
    what.add_argument("--post-url", type=_target("post_url"), metavar="URL", dest="target",
                      help="a post by its address (an X status URL, or the URL of a post the warehouse holds)")
    what.add_argument("--account", type=_target("account"), metavar="PLATFORM:HANDLE", dest="target",
                      help="every post of an account, e.g. x:someone")
    what.add_argument("--page", type=_target("page"), metavar="URL", dest="target",
                      help="an article or live blog by its URL or canonical URL")
    purge.add_argument("--reason", type=_reason, required=True, metavar="TEXT",
                       help="why (recorded with the request: a legal request, a takedown, a deleted account)")
    purge.add_argument("--dry-run", action="store_true", help="print what would be removed; change nothing")
    purge.add_argument("--export", default=DEFAULT_EXPORT_DIR, metavar="DIR",
                       help=f"the latest export to purge too (default: {DEFAULT_EXPORT_DIR}; only what an export made "
                            f"is touched)")
    purge.add_argument("--db", help=DB_HELP + "; the archive is archive/ beside it (for a DuckLake: in $THREADLINE_DATA)")
    purge.add_argument("--lake-data", metavar="PATH", help=LAKE_DATA_HELP)

    dictionary = commands.add_parser("dictionary", help="write the data dictionary from the schema's comments")
    dictionary.add_argument("--db", help="describe this warehouse (default: the schema the project's SQL builds)")
    dictionary.add_argument("--out", default=DEFAULT_DICTIONARY,
                            help=f"Markdown file to write (default: {DEFAULT_DICTIONARY})")
    return parser


def main(argv: list[str] | None = None) -> int:
    """The `pipeline` command; returns its exit code. Everything it prints goes out redacted: no password, key or
    token (of a lake, a URL, the environment) in any line (pipeline/redact.py)."""
    from pipeline.redact import redacted_output

    with redacted_output():
        try:
            code = _run(argv)
            sys.stdout.flush()  # a closed pipe shows here rather than at interpreter exit
            return code
        except BrokenPipeError:
            # Whoever read our output stopped (`pipeline stats | head -3`): end quietly, as other command-line tools
            # do. The work was done before anything was printed; only the rest of the printing is dropped.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_FAILED
        except Exception:  # a bug: its traceback, redacted like everything else we print
            traceback.print_exc()
            return EXIT_FAILED


def _run(argv: list[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on a usage error and 0 on --help
        return int(exc.code or 0)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    from pipeline.settings import SettingError

    try:
        return _command(args)
    except SettingError as exc:  # a THREADLINE_* value the operator set is not of its type
        print(f"pipeline {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE


def _command(args) -> int:
    if args.command == "ingest":
        return _ingest(args)
    if args.command == "reparse":
        return _reparse(args)
    if args.command == "enrich":
        return _enrich(args)
    if args.command == "archive":
        return _prune(args)
    if args.command == "purge":
        return _purge(args)
    if args.command in ("report", "export", "dictionary"):
        return _reporting(args)
    return _stats(args)


def _positive_int(text: str) -> int:
    """A count of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return value


def _positive_number(text: str) -> float:
    """A number greater than 0."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number greater than 0, not {text!r}")
    return value


def _target(kind: str):
    """The argparse type of one purge flag (pipeline/purge/targets.py): a bad value is a usage error."""
    def parse(text: str):
        from pipeline.purge import targets

        try:
            return getattr(targets, kind)(text)
        except targets.TargetError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    parse.__name__ = kind.replace("_", "-")
    return parse


def _reason(text: str) -> str:
    if not text.strip():
        raise argparse.ArgumentTypeError("give a reason (it is recorded with the request)")
    return text.strip()


def _day(text: str) -> datetime:
    """A day or an ISO time; naive values are UTC."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _ingest(args) -> int:
    from pipeline.runs import ingest

    return _load_and_report("ingest", lambda: ingest(args.sources, warehouse(args), progress=True))


def _reparse(args) -> int:
    from pipeline.batches import archive_dir
    from pipeline.runs import reparse

    from pipeline.discover import SourceListError
    from pipeline.store import STORE_ERRORS

    db = warehouse(args)
    try:
        report = reparse(db, since=args.since, until=args.until, source_names=args.source_names)
    except (*STORE_ERRORS, SourceListError) as exc:  # SourceListError: the list's zones (pipeline/site_zones.py)
        print(f"pipeline reparse: {exc}", file=sys.stderr)
        return EXIT_FAILED
    if not report.sources and not report.unreadable:
        print(f"no archived responses fetched in that range under {archive_dir(db)}")
    code = _print_report(report)
    for line in report.unreadable_lines():
        print(line)
    if report.unreadable:
        print(f"{len(report.unreadable)} pages fetched in that range could not be re-read: retention removed their "
              f"archived responses (see archive_pruned)")
        if not report.sources:
            return EXIT_FAILED  # nothing could be re-read
    return code


def _prune(args) -> int:
    """`archive prune`: limits from the flags, else the environment (pipeline/settings.py)."""
    from pipeline.runs import prune_archive
    from pipeline.store import STORE_ERRORS

    keep_days = args.keep_days or settings.archive_keep_days()
    max_bytes = args.max_bytes or settings.archive_max_bytes()
    try:
        report = prune_archive(warehouse(args), keep_days=keep_days, max_bytes=max_bytes, dry_run=args.dry_run)
    except STORE_ERRORS as exc:
        print(f"pipeline archive prune: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:  # the archive folder cannot be listed: not a folder, no permission
        print(f"pipeline archive prune: {exc.filename}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    for line in report.lines():
        print(line)
    return EXIT_FAILED if report.failed else EXIT_OK


def _purge(args) -> int:
    """`purge`: one erasure request (pipeline/purge/run.py)."""
    import duckdb

    from pipeline.purge.run import purge
    from pipeline.purge.tables import NothingNamed
    from pipeline.store import STORE_ERRORS

    db = warehouse(args)
    try:
        _existing(db)  # never an empty warehouse made to purge from
        report = purge(db, args.target, args.reason, dry_run=args.dry_run, export_dir=args.export)
    except (*STORE_ERRORS, NothingNamed) as exc:
        print(f"pipeline purge: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:  # the archive or the export could not be read or written
        print(f"pipeline purge: {exc.filename or db.describe()}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    except duckdb.Error as exc:  # the warehouse could not be read or written (a lake's data store out of reach)
        print(f"pipeline purge: {db.describe()}: {str(exc).strip().splitlines()[0]}", file=sys.stderr)
        return EXIT_FAILED
    for line in report.lines():
        print(line)
    return EXIT_FAILED if report.failed else EXIT_OK


def _enrich(args) -> int:
    from pipeline.runs import enrich

    return _load_and_report("enrich", lambda: enrich(warehouse(args), limit=args.limit))


def _load_and_report(command: str, run) -> int:
    """Run a loading command and print its report; a busy, unusable or unreachable warehouse, a batch it could not
    take, or a publish that failed (a full disk) is one line on stderr, exit 1."""
    from pipeline.store import STORE_ERRORS

    try:
        report = run()
    except STORE_ERRORS as exc:
        print(f"pipeline {command}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    return _print_report(report)


def _print_report(report) -> int:
    for source in report.sources:
        print(source.line())
    loaded = len(report.sources) - len(report.failed)
    print(f"{len(report.sources)} sources: {loaded} loaded, {len(report.failed)} failed "
          f"(run {report.run_id}, {report.status})")
    for table, counts in sorted(report.counts.items()):
        print(f"  {table:<16} {counts.inserted:>7} new {counts.updated:>7} updated {counts.unchanged:>7} unchanged")
    return EXIT_FAILED if report.failed else EXIT_OK


def _stats(args) -> int:
    from pipeline.store import STORE_ERRORS, read_stats

    try:
        stats = read_stats(warehouse(args))
    except STORE_ERRORS as exc:
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


def _reporting(args) -> int:
    """`report`, `export` and `dictionary` (pipeline/report/)."""
    import duckdb

    from pipeline.report.export import ExportRefused
    from pipeline.store import STORE_ERRORS

    db = warehouse(args)
    try:
        if args.command == "report":
            from pipeline.report.page import write_report

            print(f"report written to {write_report(_existing(db), _output_folder(args.out, 'index.html'))}")
        elif args.command == "export":
            from pipeline.report.export import export

            counts = export(_existing(db), _output_folder(args.out, 'the export'), args.format)
            print(f"exported {len(counts)} tables and views to {args.out} ({args.format})")
            for name, rows in counts.items():
                print(f"  {name:<28} {rows:>9} rows")
        else:
            from pipeline.report.dictionary import MissingComments, write_dictionary

            try:
                if os.path.isdir(args.out):
                    raise UsageError(f"--out {args.out} is a folder; name the Markdown file to write")
                print(f"data dictionary written to {write_dictionary(args.out, args.db and _existing(db))}")
            except MissingComments as exc:
                print(f"pipeline dictionary: {exc}", file=sys.stderr)
                return EXIT_FAILED
    except (UsageError, ExportRefused) as exc:
        print(f"pipeline {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except STORE_ERRORS as exc:
        print(f"pipeline {args.command}: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:  # a file the command reads or writes was refused: permissions, read-only, disk full
        print(f"pipeline {args.command}: {exc.filename or args.out}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    except duckdb.Error as exc:  # the warehouse could not be read (say, a lake's data store out of reach)
        print(f"pipeline {args.command}: {db.describe()}: {str(exc).strip().splitlines()[0]}", file=sys.stderr)
        return EXIT_FAILED
    return EXIT_OK


def _output_folder(path: str, what: str) -> str:
    """--out of `report` and `export`: a folder, made with its missing parents when it does not exist yet; an
    existing file there is a usage error."""
    if os.path.exists(path) and not os.path.isdir(path):
        raise UsageError(f"--out {path} is a file; name a folder for {what}")
    return path


def _existing(db: WarehouseSettings) -> WarehouseSettings:
    """`db`, which must exist (the writer would otherwise create an empty warehouse there): a file, or a lake whose
    catalog holds one."""
    from pipeline.store import WarehouseMissing, open_reader

    if db.is_lake:
        open_reader(db).close()  # WarehouseMissing when the catalog holds no lake yet
    elif not os.path.exists(db.db):
        raise WarehouseMissing(f"no warehouse at {db.db}: run `pipeline ingest` first")
    return db
