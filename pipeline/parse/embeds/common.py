"""Helpers the platform readers share: attribute scans, `— Name (@handle)` signatures, dates written out."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from bs4 import Tag

from pipeline.parse.post_signature import parse_day, start_of_day

# `— Name (@handle)` as Bluesky, Instagram and Facebook fallbacks write it (handles may hold dots).
_NAME_HANDLE = re.compile(r"(?:—|–|-|by)\s*(?P<name>[^()\n]*?)\s*\(\s*@?(?P<handle>[A-Za-z0-9_.@-]+)\s*\)", re.IGNORECASE)
_DAY_WITH_TIME = re.compile(r"^(?P<day>.+?)\s+at\s+\d{1,2}:\d{2}\s*(?:[AP]M)?$", re.IGNORECASE)


def first_attribute(element: Tag, names: tuple[str, ...], test) -> str | None:
    """The first of the named attributes (on the element, then its descendants) whose value passes `test`."""
    for candidate in [element, *element.find_all(True)]:
        for name in names:
            value = candidate.get(name)
            if isinstance(value, str) and value.strip() and test(value):
                return value.strip()
    return None


def links(element: Tag) -> list[str]:
    return [link["href"] for link in element.find_all("a", href=True)]


def name_and_handle(text: str) -> tuple[str | None, str | None]:
    """(display name, handle) from `— Name (@handle)` / `A post shared by Name (@handle)`."""
    match = _NAME_HANDLE.search(" ".join(text.split()))
    if not match:
        return None, None
    name = re.sub(r"^(?:a\s+post\s+shared\s+by|posted\s+by)\s+", "", match.group("name"), flags=re.IGNORECASE)
    return name.strip() or None, match.group("handle").lstrip("@")


def day_time(text: str) -> tuple[datetime | None, str | None]:
    """A written date (`March 17, 2025 at 6:17 PM`, zone unknown) as the start of its day, precision "day"."""
    text = " ".join(text.split())
    match = _DAY_WITH_TIME.match(text)
    day = parse_day(match.group("day") if match else text)
    return (start_of_day(day), "day") if day else (None, None)


def iso_time(value: str | None) -> tuple[datetime | None, str | None]:
    if not value:
        return None, None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None, None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc), "second"
