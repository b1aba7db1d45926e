"""Where things live, from the environment with defaults inside the project folder."""
from __future__ import annotations

import csv
import os
from pathlib import Path

# The project folder: where seeds/ and data/ sit in a clone (and in the Docker image).
HOME = Path(os.environ.get("THREADLINE_HOME", Path(__file__).resolve().parents[1]))


def data_dir() -> Path:
    """Staging batches, the raw archive and (by default) the warehouse."""
    return Path(os.environ.get("THREADLINE_DATA", HOME / "data"))


def warehouse_path() -> str:
    """The published warehouse for scheduled runs: $PIPELINE_DB, else data/warehouse.duckdb in the data folder."""
    return os.environ.get("PIPELINE_DB") or str(data_dir() / "warehouse.duckdb")


def sources_csv() -> Path:
    """The list of sources the DAG reads: $THREADLINE_SOURCES, else seeds/sources.csv (offline, bundled)."""
    return Path(os.environ.get("THREADLINE_SOURCES", HOME / "seeds" / "sources.csv"))


def source_names(csv_path: Path | None = None) -> list[str]:
    """The `name` column of a sources CSV (default: `sources_csv()`), in file order; [] when the file is missing.
    Light on purpose: the DAG file calls it when Airflow parses it, to offer the names in the Trigger form."""
    try:
        lines = Path(csv_path or sources_csv()).read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        return []
    rows = csv.DictReader(line for line in lines if line.strip() and not line.lstrip().startswith("#"))
    return [row["name"].strip() for row in rows if row.get("name")]


def lake_data() -> str | None:
    """The data folder of a DuckLake warehouse ($PIPELINE_LAKE_DATA); only read when PIPELINE_DB names a lake."""
    return os.environ.get("PIPELINE_LAKE_DATA") or None


def max_loaders() -> int:
    """Load tasks that may run at once: $PIPELINE_MAX_LOADERS, else 1 for a DuckDB file (one writer; more would only
    wait for its lock) and 4 for a DuckLake (many writers; merges into one table still take turns)."""
    if os.environ.get("PIPELINE_MAX_LOADERS"):
        return max(1, int(os.environ["PIPELINE_MAX_LOADERS"]))
    return 4 if warehouse_path().startswith("ducklake:") else 1


def lake_retention_days() -> float:
    """How long a DuckLake keeps old snapshots (time travel reaches that far): $PIPELINE_LAKE_RETENTION_DAYS, else 30."""
    return float(os.environ.get("PIPELINE_LAKE_RETENTION_DAYS", 30))


class SettingError(ValueError):
    """A setting the operator gave (an environment variable, a sources-list column) that does not exist or holds a
    value that cannot be used: a usage error, said in one line naming the setting."""


def archive_keep_days() -> float | None:
    """How many days of raw responses the archive keeps: $THREADLINE_ARCHIVE_KEEP_DAYS (a number > 0), else None:
    no age limit. A WARC file whose newest response is older than that is pruned (`pipeline archive prune`)."""
    return _positive("THREADLINE_ARCHIVE_KEEP_DAYS", float, "a number of days greater than 0")


def archive_max_bytes() -> int | None:
    """How many bytes of WARC files the archive keeps: $THREADLINE_ARCHIVE_MAX_BYTES (a whole number > 0), else None:
    no size limit. Past it the oldest files are pruned until the archive fits."""
    return _positive("THREADLINE_ARCHIVE_MAX_BYTES", int, "a whole number of bytes greater than 0")


def _positive(name: str, kind: type, what: str):
    text = os.environ.get(name, "").strip()
    if not text:
        return None
    try:
        value = kind(text.replace("_", ""))
    except ValueError:
        value = None
    if value is None or not value > 0 or value != value or value == float("inf"):
        raise SettingError(f"{name}={text!r} is not {what}; unset it to keep everything")
    return value


# Runs a source may go without finding anything new before the nightly check warns about it.
DEFAULT_SILENT_AFTER_RUNS = 7


def silent_after_runs() -> int:
    """Runs without anything new after which a source counts as silent: $THREADLINE_SILENT_AFTER_RUNS, else 7."""
    text = os.environ.get("THREADLINE_SILENT_AFTER_RUNS", "").strip()
    if not text:
        return DEFAULT_SILENT_AFTER_RUNS
    try:
        value = int(text)
    except ValueError:
        raise SettingError(f"THREADLINE_SILENT_AFTER_RUNS must be a whole number of at least 1, got {text!r}") from None
    if value < 1:
        raise SettingError(f"THREADLINE_SILENT_AFTER_RUNS must be a whole number of at least 1, got {text!r}")
    return value


# How often the live mode (threadline_live) re-reads the live blogs still live, unless the environment says otherwise.
DEFAULT_LIVE_EVERY_MINUTES = 10


def live_enabled() -> bool:
    """Whether the live mode runs: $THREADLINE_LIVE (`1`, `true`, `yes`, `on`; default off). When it does,
    threadline_live polls every live blog still live and the nightly run leaves those to it."""
    text = os.environ.get("THREADLINE_LIVE", "").strip().lower()
    if text in ("", "0", "false", "no", "off"):
        return False
    if text in ("1", "true", "yes", "on"):
        return True
    raise SettingError(f"THREADLINE_LIVE must be on or off (1/0, true/false, yes/no), got {text!r}")


def live_every_minutes() -> int:
    """Minutes between two polls of the live mode: $THREADLINE_LIVE_EVERY_MINUTES (1 to 60), else 10."""
    text = os.environ.get("THREADLINE_LIVE_EVERY_MINUTES", "").strip()
    if not text:
        return DEFAULT_LIVE_EVERY_MINUTES
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 60:
        raise SettingError(f"THREADLINE_LIVE_EVERY_MINUTES must be a whole number of minutes from 1 to 60, "
                           f"got {text!r}")
    return value
