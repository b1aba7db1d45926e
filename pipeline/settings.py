"""Where things live, from the environment with defaults inside the project folder.

Every environment variable of Threadline is named `THREADLINE_*`. The warehouse's used to be `PIPELINE_*` (`RENAMED`):
an old name still works, with a warning, until an issue removes it; when both names are set the new one wins, with a
warning. `env(name)` is the one place that reads those renamed settings.
"""
from __future__ import annotations

import csv
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from pipeline.redact import redact

log = logging.getLogger(__name__)

# Settings renamed to the THREADLINE_ prefix: new name → the old name that still works (with a warning).
RENAMED = {
    "THREADLINE_DB": "PIPELINE_DB",
    "THREADLINE_LAKE_DATA": "PIPELINE_LAKE_DATA",
    "THREADLINE_MAX_LOADERS": "PIPELINE_MAX_LOADERS",
    "THREADLINE_LAKE_RETENTION_DAYS": "PIPELINE_LAKE_RETENTION_DAYS",
    "THREADLINE_LAKE_COMMIT_ATTEMPTS": "PIPELINE_LAKE_COMMIT_ATTEMPTS",
}
_warned: set[str] = set()  # old names already warned about in this process


def env(name: str) -> str | None:
    """The environment's value of the setting `name` (a THREADLINE_* name); None when unset or empty.

    Its old PIPELINE_* name (`RENAMED`) is read when the new one is unset, and ignored when both are set; either way
    once per process a one-line warning names the variables (never their values: a warehouse address may hold a
    password)."""
    value = os.environ.get(name) or None
    old = RENAMED.get(name)
    old_value = (os.environ.get(old) or None) if old else None
    if old is None or old_value is None:
        return value
    if old not in _warned:
        _warned.add(old)
        if value is None:
            log.warning("%s is an old name: rename it %s (the old name still works for now)", old, name)
        else:
            log.warning("both %s and %s are set: %s is used; unset %s", name, old, name, old)
    return value if value is not None else old_value

# The project folder: where seeds/ and data/ sit in a clone (and in the Docker image).
HOME = Path(os.environ.get("THREADLINE_HOME", Path(__file__).resolve().parents[1]))


def data_dir() -> Path:
    """Staging batches, the raw archive and (by default) the warehouse."""
    return Path(os.environ.get("THREADLINE_DATA", HOME / "data"))


# The warehouse the `pipeline` command uses when neither --db nor $THREADLINE_DB names one (relative to the folder it
# runs in); scheduled runs use data/warehouse.duckdb in the data folder instead (`WarehouseSettings.scheduled`).
DEFAULT_DB = "data/warehouse.duckdb"
LAKE_SCHEME = "ducklake:"  # a warehouse address starting so is a DuckLake (`ducklake:postgres:<libpq string>`)


@dataclass(frozen=True, repr=False)
class WarehouseSettings:
    """Which warehouse to use, resolved once and passed down: `db` a DuckDB file path or
    `ducklake:postgres:<libpq string>`, `lake_data` the data folder (or s3:// prefix) of a DuckLake (needed to create
    one; ignored for a file). The store's backend factory (`pipeline.store.backend_for`) opens what it names.

    `resolve` is the one place the settings are read: a flag, else the environment, else the default. Its repr and
    `describe()` never show a password (the address of a lake may hold one)."""

    db: str
    lake_data: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "db", os.fspath(self.db))
        object.__setattr__(self, "lake_data", os.fspath(self.lake_data) if self.lake_data else None)

    @classmethod
    def resolve(cls, db: str | os.PathLike | None = None, lake_data: str | os.PathLike | None = None, *,
                default: str | os.PathLike = DEFAULT_DB) -> "WarehouseSettings":
        """`--db`, else $THREADLINE_DB, else `default`; `--lake-data`, else $THREADLINE_LAKE_DATA."""
        return cls(db or env("THREADLINE_DB") or default, lake_data or env("THREADLINE_LAKE_DATA"))

    @classmethod
    def scheduled(cls) -> "WarehouseSettings":
        """The warehouse of scheduled runs (the DAGs): from the environment, else data/warehouse.duckdb in the data
        folder."""
        return cls.resolve(default=data_dir() / "warehouse.duckdb")

    @classmethod
    def of(cls, value: "WarehouseSettings | str | os.PathLike") -> "WarehouseSettings":
        """`value` itself, or for a bare address (a path or `ducklake:…` string, as scripts and tests pass) that
        address with the lake data folder from the environment."""
        return value if isinstance(value, WarehouseSettings) else cls.resolve(value)

    @property
    def is_lake(self) -> bool:
        return self.db.startswith(LAKE_SCHEME)

    def describe(self) -> str:
        """The warehouse in one line for messages, logs and pages: its path, or a lake's address with any password
        hidden."""
        return redact(self.db) if self.is_lake else str(Path(self.db))

    def __repr__(self) -> str:
        lake_data = None if self.lake_data is None else redact(self.lake_data)
        return f"WarehouseSettings({self.describe()!r}, lake_data={lake_data!r})"


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


def max_loaders() -> int:
    """Load tasks that may run at once: $THREADLINE_MAX_LOADERS, else 1 for a DuckDB file (one writer; more would only
    wait for its lock) and 4 for a DuckLake (many writers; merges into one table still take turns)."""
    value = env("THREADLINE_MAX_LOADERS")
    if value:
        return max(1, int(value))
    return 4 if WarehouseSettings.scheduled().is_lake else 1


def lake_retention_days() -> float:
    """How long a DuckLake keeps old snapshots (time travel reaches that far): $THREADLINE_LAKE_RETENTION_DAYS, else 30."""
    return float(env("THREADLINE_LAKE_RETENTION_DAYS") or 30)


def lake_commit_attempts(default: int) -> int:
    """How often a lake commit that conflicts is tried: $THREADLINE_LAKE_COMMIT_ATTEMPTS, else `default`."""
    return int(env("THREADLINE_LAKE_COMMIT_ATTEMPTS") or default)


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
