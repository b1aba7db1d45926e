"""Politeness per host: a minimum delay between request starts, a cap on requests in flight, pauses after 429,
and a short memory of hosts that are down (robots.txt is `robots.py`).

All state is per host key (`host:port` as the URL names it) and safe to share between threads.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator
from urllib.parse import urlsplit


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
