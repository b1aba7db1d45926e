"""The zone a page's times that state none are read in, decided by the run before parsing (parsing reads no file):
the source list's `timezone` for the page's source, else the UTC offset the site's stored pages state most often
with their published time (by host of the page's URL, asked of the warehouse once per run), else none (the parser
reads them as UTC)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta, timezone, tzinfo
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from pipeline.discover import load_sources
from pipeline.settings import WarehouseSettings
from pipeline.source_reader import Read, is_url
from pipeline.store import site_offsets


@dataclass(frozen=True)
class SiteZones:
    by_source: dict[str, str] = field(default_factory=dict)  # source list name → IANA zone name (checked)
    by_host: dict[str, int] = field(default_factory=dict)  # host → the UTC offset its pages state most, in minutes

    def for_read(self, read: Read) -> tzinfo | None:
        """The zone for the page `read` holds, None when neither its source nor its site gives one."""
        name = self.by_source.get(read.source_name or "")
        if name:
            return ZoneInfo(name)
        minutes = self.by_host.get(_host(read.document.url if read.document else None) or "")
        if minutes is None or not -24 * 60 < minutes < 24 * 60:
            return None
        return timezone(timedelta(minutes=minutes))


def site_zones(db: WarehouseSettings, by_source: dict[str, str] | None = None) -> SiteZones:
    """The zones for a run into `db`: `by_source` (source name → zone name) and each site's commonest offset."""
    return SiteZones(dict(by_source or {}), site_offsets(db))


def listed_zones(csv_path: Path) -> dict[str, str]:
    """Source name → `timezone` of the source list at `csv_path` ({} when there is none); a list that cannot be
    used raises `SourceListError`, naming the file and source."""
    if not csv_path.is_file():
        return {}
    return {source.name: source.timezone for source in load_sources(csv_path) if source.timezone}


def _host(url: str | None) -> str | None:
    if not url or not is_url(url):
        return None
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None
