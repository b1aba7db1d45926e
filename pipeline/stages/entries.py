"""What discovery hands staging, one entry per thing a batch reads: a `SourceEntry` (a location to read for a source
of the list) or an `ArchiveEntry` (the raw archive's responses of a range, mode reparse).

Between Airflow tasks an entry travels as a plain JSON object (`to_dict`, `entry_from_dict`) whose `kind` says which
of the two it is; an object that is neither is an `EntryError` with a one-line message, never a `KeyError`.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

from pipeline.oneline import one_line
from pipeline.redact import redact


class EntryError(ValueError):
    """An entry handed between tasks that is not one staging can read; the message says which field and why."""


@dataclass
class SourceEntry:
    """A location to read (a URL, or a file when its origin allows it: pipeline/provenance.py) for a source."""

    location: str
    source: str | None = None  # the source list's name it is read for (fetch_log.source_name)
    settings: dict[str, str] = field(default_factory=dict)  # that source's fetch settings (its columns)
    timezone: str | None = None  # that source's zone for its pages' times that state none
    origin: str | None = None  # where the location came from: operator, local or web (None: web)
    root: str | None = None  # for a local origin, the folder the location must stay inside

    KIND = "source"

    def to_dict(self) -> dict:
        return {"kind": self.KIND, "location": self.location, "source": self.source, "settings": dict(self.settings),
                "timezone": self.timezone, "origin": self.origin, "root": self.root}


@dataclass
class ArchiveEntry:
    """The raw archive's responses fetched in [since, until) (None: unbounded), of `sources` (empty: all of them)."""

    archive: str  # the archive folder
    since: datetime | None = None
    until: datetime | None = None
    sources: list[str] = field(default_factory=list)
    timezones: dict[str, str] = field(default_factory=dict)  # source name → its zone, from the source list

    KIND = "archive"

    def to_dict(self) -> dict:
        return {"kind": self.KIND, "archive": self.archive,
                "since": self.since.isoformat() if self.since else None,
                "until": self.until.isoformat() if self.until else None,
                "sources": list(self.sources), "timezones": dict(self.timezones)}


StageEntry = SourceEntry | ArchiveEntry
_CLASSES = {cls.KIND: cls for cls in (SourceEntry, ArchiveEntry)}


def entry_from_dict(data: object) -> StageEntry:
    """The entry a task was handed as JSON (what `to_dict` gives); raises `EntryError` for anything else."""
    if not isinstance(data, dict):
        raise _error(data, "not an object")
    cls = _CLASSES.get(data.get("kind"))
    if cls is None:
        raise _error(data, f"kind must be one of {', '.join(_CLASSES)}, got {data.get('kind')!r}")
    names = [f.name for f in fields(cls)]
    unknown = [str(key) for key in data if key != "kind" and key not in names]
    if unknown:
        raise _error(data, f"unknown field(s) {', '.join(unknown)} for kind {cls.KIND}")
    required = names[0]  # location, archive
    if not isinstance(data.get(required), str) or not data[required]:
        raise _error(data, f"{required} must be a non-empty text, got {data.get(required)!r}")
    return cls(**{name: _checked(data, name, data[name]) for name in names if name in data})


def _checked(data: dict, name: str, value: object) -> object:
    """`value` of field `name` as the entry holds it, or an `EntryError` saying what it should be."""
    if name in ("since", "until"):
        if value is None:
            return None
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value)
            except ValueError:
                pass
        raise _error(data, f"{name} must be an ISO date and time or null, got {value!r}")
    if name in ("settings", "timezones"):
        if value is None:
            return {}
        if isinstance(value, dict) and all(isinstance(key, str) for key in value):
            return dict(value)
        raise _error(data, f"{name} must be an object, got {value!r}")
    if name == "sources":
        if value is None:
            return []
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            return list(value)
        raise _error(data, f"sources must be a list of source names, got {value!r}")
    if value is None or isinstance(value, str):
        return value
    raise _error(data, f"{name} must be text or null, got {value!r}")


def _error(data: object, cause: str) -> EntryError:
    """One line naming the entry (cut, secrets masked), the stage and the cause."""
    return EntryError(f"{one_line(redact(repr(data)), 200)}: staging: {one_line(redact(cause), 200)}")
