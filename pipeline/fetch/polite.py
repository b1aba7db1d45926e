"""Politeness per host: a minimum delay between request starts, a cap on requests in flight, pauses after 429,
a short memory of hosts that are down, and robots.txt (parsed by Protego, Scrapy's robots parser), cached.

All state is per host key (`host:port` as the URL names it) and safe to share between threads.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator
from urllib.parse import urlsplit

from protego import Protego


def host_key(url: str) -> str:
    """`host[:port]`, lower-case: the unit of politeness."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal
    try:
        port = parts.port
    except ValueError:
        port = None
    return f"{host}:{port}" if port else host


@dataclass
class _Host:
    lock: threading.Lock = field(default_factory=threading.Lock)
    slots: threading.BoundedSemaphore | None = None
    slots_size: int = 0
    next_start: float = 0.0  # monotonic time before which no new request may start
    paused_until: float = 0.0  # after a 429 / Retry-After
    down_until: float = 0.0  # after failing to connect
    down_cause: str | None = None


class HostGate:
    """Per-host delay and concurrency. `slot(host, delay, concurrency)` blocks until a request may start."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep) -> None:
        self._hosts: dict[str, _Host] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def _host(self, key: str) -> _Host:
        with self._lock:
            return self._hosts.setdefault(key, _Host())

    @contextmanager
    def slot(self, key: str, min_delay: float, concurrency: int) -> Iterator[None]:
        host = self._host(key)
        with host.lock:
            if host.slots is None or host.slots_size != concurrency:
                # first use, or a source changed the cap: requests already in flight keep the old semaphore
                host.slots, host.slots_size = threading.BoundedSemaphore(max(1, concurrency)), concurrency
            slots = host.slots
        slots.acquire()
        try:
            with host.lock:
                now = self._clock()
                start = max(now, host.next_start, host.paused_until)
                host.next_start = start + min_delay
            if start > now:
                self._sleep(start - now)
            yield
        finally:
            slots.release()

    def pause(self, key: str, seconds: float) -> None:
        """No request to this host for `seconds` (after a 429 or a Retry-After)."""
        host = self._host(key)
        with host.lock:
            host.paused_until = max(host.paused_until, self._clock() + seconds)

    def mark_down(self, key: str, seconds: float, cause: str) -> None:
        host = self._host(key)
        with host.lock:
            host.down_until = self._clock() + seconds
            host.down_cause = cause

    def mark_up(self, key: str) -> None:
        host = self._host(key)
        with host.lock:
            host.down_until, host.down_cause = 0.0, None

    def down(self, key: str) -> tuple[float, str] | None:
        """(seconds left, cause) while the host is remembered as down."""
        host = self._host(key)
        with host.lock:
            left = host.down_until - self._clock()
            return (left, host.down_cause or "") if left > 0 else None


@dataclass(frozen=True, slots=True)
class RobotsVerdict:
    allowed: bool
    crawl_delay: float | None = None
    cause: str | None = None  # why it is disallowed, for the fetch log
    unreachable: bool = False  # robots.txt could not be read because the host could not be reached at all


@dataclass
class _Robots:
    parser: Protego | None  # None: everything allowed (no robots.txt)
    disallow_all: bool
    expires: float
    note: str  # how the rules were obtained, for causes
    unreachable: bool = False


class RobotsCache:
    """robots.txt per scheme+host, each cached with its own expiry (RFC 9309 semantics).

    `loader(url) -> (status or None, text, error)` reads one robots.txt; the fetcher gives one that goes through the
    guarded session, its size cap and the host's politeness slot.
    """

    def __init__(self, loader: Callable[[str], tuple[int | None, str, str | None]], clock: Callable[[], float] = time.monotonic) -> None:
        self._loader = loader
        self._clock = clock
        self._cache: dict[str, _Robots] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def verdict(self, url: str, token: str, ttl: float, error_ttl: float) -> RobotsVerdict:
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{host_key(url)}"
        with self._lock:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:  # one robots.txt request per origin, however many threads ask
            robots = self._cache.get(origin)
            if robots is None or robots.expires <= self._clock():
                robots = self._load(origin, ttl, error_ttl)
                self._cache[origin] = robots
        if robots.unreachable:
            with lock:
                self._cache.pop(origin, None)  # a network failure is not remembered: the next attempt asks again
            return RobotsVerdict(False, None, robots.note, unreachable=True)
        if robots.disallow_all:
            return RobotsVerdict(False, None, f"{robots.note}, so the whole site is treated as disallowed (RFC 9309); "
                                             "it is asked again later")
        if robots.parser is None:
            return RobotsVerdict(True)
        delay = robots.parser.crawl_delay(token)
        if robots.parser.can_fetch(url, token):
            return RobotsVerdict(True, float(delay) if delay is not None else None)
        return RobotsVerdict(False, None, f"{origin}/robots.txt disallows {parts.path or '/'} for {token}; "
                                          "not fetched — ask the site or drop the URL from the sources")

    def _load(self, origin: str, ttl: float, error_ttl: float) -> _Robots:
        robots_url = f"{origin}/robots.txt"
        status, text, error = self._loader(robots_url)
        now = self._clock()
        if error is not None or status is None:
            # The address guard's refusal is about the host, not its robots.txt: say it as the guard does.
            note = error if error and "(address guard)" in error else f"{robots_url} could not be read ({error})"
            return _Robots(None, True, now + error_ttl, note, unreachable=True)
        if 200 <= status < 300:
            return _Robots(Protego.parse(text), False, now + ttl, f"{robots_url}")
        if status == 429 or status >= 500:
            return _Robots(None, True, now + error_ttl, f"{robots_url} answered HTTP {status}")
        # 4xx (401 and 403 included, as Google and RFC 9309 §2.3.1.3 do): no rules, everything allowed
        return _Robots(None, False, now + ttl, f"{robots_url} answered HTTP {status}")
