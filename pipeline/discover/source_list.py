"""The source list: `seeds/sources.csv`, one source a row.

Columns: `name`, `kind` (page | liveblog | feed | sitemap | file), `location` (an http(s) URL, or a path relative to
the CSV file), and optionally `notes`, `quiet_minutes` (a live blog is refetched until it has been quiet that
long), `timezone` (the IANA zone, e.g. `Europe/Berlin`, the site's times that state no zone are read in) and
any `FetchSettings` field (`min_delay`, `max_bytes`, `obey_robots`, …) to override for that source.
A blank cell keeps the default. Lines starting with `#` are comments. An unknown column or kind is an error that
names the file and line, so a typo cannot silently drop a setting.
"""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.fetch.fetch_settings import FetchSettings, setting_names
from pipeline.urls import is_http

SOURCE_KINDS = ("page", "liveblog", "feed", "sitemap", "file")
REQUIRED_COLUMNS = ("name", "kind", "location")
OPTIONAL_COLUMNS = ("notes", "quiet_minutes", "timezone")


class SourceListError(ValueError):
    """A source list that cannot be used; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    kind: str
    location: str  # an http(s) URL, or an absolute local path
    settings_overrides: dict[str, str] = field(default_factory=dict)
    quiet_minutes: float | None = None
    notes: str = ""
    timezone: str | None = None  # an IANA zone name, checked: `ZoneInfo(timezone)` builds it

    @property
    def is_remote(self) -> bool:
        return is_http(self.location)

    def settings(self, base: FetchSettings) -> FetchSettings:
        """The fetch settings for this source: `base` with this source's overrides."""
        return base.with_overrides(self.settings_overrides)


def load_sources(path: str | os.PathLike) -> list[Source]:
    """Read and check a source list; local locations become absolute paths."""
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(io.StringIO("\n".join(lines)))
    columns = [c.strip() for c in reader.fieldnames or []]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise SourceListError(f"{path}: missing column(s) {', '.join(missing)}; the header must name "
                              f"{', '.join(REQUIRED_COLUMNS)}")
    settings = setting_names()
    unknown = [c for c in columns if c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS and c not in settings]
    if unknown:
        raise SourceListError(f"{path}: unknown column(s) {', '.join(unknown)}; allowed besides "
                              f"{', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)} are fetch settings: "
                              f"{', '.join(sorted(settings))}")
    sources: list[Source] = []
    seen: set[str] = set()
    for number, row in enumerate(reader, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items()}
        where = f"{path}: source {row.get('name') or '?'} (data row {number - 1})"
        name, kind, location = row["name"], row["kind"].lower(), row["location"]
        if not name or not location:
            raise SourceListError(f"{where}: name and location are required")
        if name in seen:
            raise SourceListError(f"{where}: the name {name!r} is used twice")
        seen.add(name)
        if kind not in SOURCE_KINDS:
            raise SourceListError(f"{where}: kind {kind!r} is not one of {', '.join(SOURCE_KINDS)}")
        scheme = urlsplit(location).scheme.lower()
        if scheme not in ("http", "https"):
            if scheme and len(scheme) > 1:  # a one-letter scheme is a Windows drive
                raise SourceListError(f"{where}: location {location!r} must be an http(s) URL or a local path")
            location = str((path.parent / location).resolve())
        overrides = {k: v for k, v in row.items() if k in settings and v}
        try:
            FetchSettings().with_overrides(overrides)
        except ValueError as exc:
            raise SourceListError(f"{where}: {exc}") from None
        quiet = row.get("quiet_minutes") or None
        try:
            quiet_minutes = float(quiet) if quiet else None
        except ValueError:
            raise SourceListError(f"{where}: quiet_minutes {quiet!r} is not a number") from None
        zone = row.get("timezone") or None
        if zone is not None and not is_zone_name(zone):
            raise SourceListError(f"{where}: timezone {zone[:80]!r} is not a known IANA time zone (e.g. Europe/Berlin)")
        sources.append(Source(name, kind, location, overrides, quiet_minutes, row.get("notes", ""), zone))
    return sources


def is_zone_name(name: str) -> bool:
    """Whether `name` is a time zone of the system's IANA database (`Europe/Berlin`, `UTC`)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # ValueError: not a zone key at all ("../x", "a\0b")
        return False
    return True
