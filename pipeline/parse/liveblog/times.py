"""Live-blog timestamps as pages write them → UTC: ISO strings (with or without an offset), epoch seconds, epoch
milliseconds, and a bare `HH:MM` / `HH.MM Uhr` read as a local time in the page's time zone on the page's day."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo

_CLOCK = re.compile(r"^\s*(?P<hour>[01]?\d|2[0-3])[:.h](?P<minute>[0-5]\d)(?:\s*(?:Uhr|h|hrs|IST|CET|CEST|GMT|BST))?\b")
_EPOCH = re.compile(r"^\s*\d{9,13}(?:\.\d+)?\s*$")
# Epoch values above this are milliseconds (1e11 s is the year 5138).
_MS_THRESHOLD = 10**11


@dataclass(frozen=True, slots=True)
class PageClock:
    """What a bare clock time needs: the page's time zone and the local day it was last published on."""

    zone: tzinfo = timezone.utc
    day: date | None = None
    latest: datetime | None = None  # an entry cannot be later than this (the page's modified time)


def read_time(value, clock: PageClock | None = None) -> datetime | None:
    """A time as UTC, or None when the value is not one we can read."""
    clock = clock or PageClock()
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)) or (isinstance(value, str) and _EPOCH.match(value)):
        number = float(value)
        if number > _MS_THRESHOLD:
            number /= 1000
        try:
            return datetime.fromtimestamp(number, tz=timezone.utc)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = html.unescape(value).strip() if "&" in value else value.strip()
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        moment = None
    if moment is not None:
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=clock.zone)
        return moment.astimezone(timezone.utc)
    match = _CLOCK.match(text)
    if match and clock.day:
        local = datetime(clock.day.year, clock.day.month, clock.day.day, int(match.group("hour")),
                         int(match.group("minute")), tzinfo=clock.zone)
        moment = local.astimezone(timezone.utc)
        if clock.latest and moment > clock.latest + timedelta(minutes=10):
            moment -= timedelta(days=1)  # a clock time later than the page: the day before
        return moment
    return None


def clock_time(text: str) -> str | None:
    """The `HH:MM` a text starts with, or None."""
    match = _CLOCK.match(text or "")
    return f"{int(match.group('hour')):02d}:{match.group('minute')}" if match else None


def offset_zone(value: str | None) -> tzinfo | None:
    """The fixed UTC offset an ISO time states (`+02:00`, `+0200`), None for `Z`, no offset or no time."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None or moment.utcoffset() == timedelta(0):
        return None
    return timezone(moment.utcoffset())
