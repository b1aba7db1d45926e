"""Run parameters, as the ingest DAG's form and its first task use them."""
from __future__ import annotations

from dataclasses import dataclass

MODES = ("fetch", "reparse")
# Pages one source (a feed, a sitemap, a folder) may expand to unless a run says otherwise.
DEFAULT_MAX_PAGES = 1000


class RunParamsError(ValueError):
    """Run parameters that cannot be honoured; the message says which one and why."""


@dataclass(frozen=True)
class RunParams:
    sources: tuple[str, ...]  # source names from the sources CSV; empty = all of them
    mode: str
    max_pages: int


def validate_params(params: dict, known_sources: list[str]) -> RunParams:
    """Check a run's parameters before any work; raises RunParamsError naming the bad one."""
    sources = params.get("sources") or []
    if isinstance(sources, str):
        sources = [sources]
    if not isinstance(sources, list) or not all(isinstance(s, str) for s in sources):
        raise RunParamsError(f"sources must be a list of source names, got {sources!r}")
    unknown = sorted(set(sources) - set(known_sources))
    if unknown:
        raise RunParamsError(f"unknown source(s) {', '.join(unknown)}; choose from {', '.join(known_sources)}")
    mode = params.get("mode") or "fetch"
    if mode not in MODES:
        raise RunParamsError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    max_pages = params.get("max_pages", DEFAULT_MAX_PAGES)
    if isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1:
        raise RunParamsError(f"max_pages must be a whole number of at least 1, got {max_pages!r}")
    return RunParams(tuple(sources), mode, max_pages)
