"""What a live-blog source hands on: an entry as one source (JSON-LD, microdata, site markup) saw it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass(slots=True)
class RawEntry:
    native_id: str | None = None
    headline: str | None = None
    text: str | None = None
    url: str | None = None
    published_at: datetime | None = None
    updated_at: datetime | None = None
    author: str | None = None
    is_pinned: bool = False
    is_key_event: bool = False
    elements: list = field(default_factory=list)  # HTML entries: the element(s) holding the entry, in order
    skip: list = field(default_factory=list)  # elements inside those that are not the entry's text: its headline
    chrome: list = field(default_factory=list)  # … and its furniture (time, author line, match minute): not page text
