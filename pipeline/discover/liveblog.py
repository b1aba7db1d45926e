"""Whether a live blog is still worth refetching: a pure decision from facts a parsed page gives.

A live blog is refetched while it is live: until its JSON-LD `coverageEndTime` has passed, or until it has been
quiet (no new or edited entry) for the quiet period. A page that is not a live blog is read once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from pipeline.model import Page

# 12 hours: UK and US live blogs pause overnight for 6–10 hours and resume on the same page; publishers that roll
# over open a new page, which discovery finds. A dead blog then costs at most a few extra refetches.
DEFAULT_QUIET = timedelta(hours=12)


@dataclass(frozen=True, slots=True)
class LiveDecision:
    refetch: bool
    reason: str  # a sentence for the run log


def last_update(page: Page) -> datetime | None:
    """The newest time the page shows a change: its modified/published time or any entry's."""
    times = [page.modified_at, page.published_at]
    for entry in page.entries:
        times += [entry.published_at, entry.updated_at]
    known = [t for t in times if t is not None]
    return max(known) if known else None


def still_live(*, now: datetime, is_liveblog: bool, coverage_end: datetime | None = None,
               last_change: datetime | None = None, first_seen: datetime | None = None,
               quiet: timedelta = DEFAULT_QUIET) -> LiveDecision:
    """Refetch or not, and why. `last_change` is the newest entry/modified time the page shows; `first_seen` when we
    first read the page (used when the page shows no time at all)."""
    if not is_liveblog:
        return LiveDecision(False, "not a live blog: read once")
    if coverage_end is not None and now >= coverage_end:
        return LiveDecision(False, f"coverage ended at {coverage_end.isoformat()} (coverageEndTime)")
    if last_change is not None:
        idle = now - last_change
        if idle >= quiet:
            return LiveDecision(False, f"no update for {_hours(idle)} (quiet period {_hours(quiet)})")
        return LiveDecision(True, f"live: last update {_hours(idle)} ago")
    if first_seen is not None and now - first_seen >= quiet:
        return LiveDecision(False, f"the page shows no update times and was first seen {_hours(now - first_seen)} ago "
                                   f"(quiet period {_hours(quiet)})")
    return LiveDecision(True, "live: no end time and no sign of going quiet yet")


def page_still_live(page: Page, now: datetime, coverage_end: datetime | None = None,
                    first_seen: datetime | None = None, quiet: timedelta = DEFAULT_QUIET) -> LiveDecision:
    """`still_live` with the facts taken from a parsed page (`coverage_end` until `Page` carries it)."""
    return still_live(now=now, is_liveblog=page.is_liveblog,
                      coverage_end=coverage_end if coverage_end is not None else getattr(page, "coverage_end_at", None),
                      last_change=last_update(page), first_seen=first_seen, quiet=quiet)


def _hours(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours:.1f} h" if hours < 48 else f"{hours / 24:.1f} days"


def quiet_period(source) -> dict:
    """The quiet period a source of the list sets (`quiet_minutes`) as `still_live`'s keyword; none: the default."""
    return {"quiet": timedelta(minutes=source.quiet_minutes)} if source and source.quiet_minutes else {}
