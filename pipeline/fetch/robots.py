"""robots.txt: reading it (through the guarded transport, its size cap, the host's politeness slot and the attempt's
deadline), and the verdict per URL from the rules (parsed by Protego, Scrapy's robots parser), cached per origin with
RFC 9309 semantics: 2xx → its rules for `robots_ttl`; 4xx → everything allowed; 429/5xx → the whole site disallowed
for `robots_error_ttl`; a network failure → not cached, the attempt fails as a connection failure; the address
guard refusing the host → the URL is refused.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

import requests
from protego import Protego

from pipeline.fetch.archive import split_content_type
from pipeline.fetch.deadline import Deadline, DeadlineExceeded
from pipeline.fetch.decode import decode_body
from pipeline.fetch.guard import AddressRefused
from pipeline.fetch.polite import HostGate, host_key
from pipeline.fetch.retry import caused_by, short
from pipeline.fetch.fetch_settings import FetchSettings
from pipeline.fetch.transport import Transport, read_body


@dataclass(frozen=True, slots=True)
class RobotsAnswer:
    """What reading one robots.txt gave: an HTTP status and text, or why it could not be read."""

    status: int | None
    text: str = ""
    error: str | None = None  # why it could not be read (network, deadline, address guard)
    refused: bool = False  # the address guard refused the host: the URL itself is refused, not retried


@dataclass(frozen=True, slots=True)
class RobotsVerdict:
    allowed: bool
    crawl_delay: float | None = None
    cause: str | None = None  # why it is disallowed, for the fetch log
    unreachable: bool = False  # robots.txt could not be read because the host could not be reached at all
    refused: bool = False  # ... because the address guard refused the host


@dataclass
class _Robots:
    parser: Protego | None  # None: everything allowed (no robots.txt)
    disallow_all: bool
    expires: float
    note: str  # how the rules were obtained, for causes
    unreachable: bool = False
    refused: bool = False


Loader = Callable[[str], RobotsAnswer]


class RobotsCache:
    """robots.txt per scheme+host, each cached with its own expiry (RFC 9309 semantics).

    `verdict(url, load, …)` asks `load(robots_url) -> RobotsAnswer` when the origin's rules are missing or expired;
    the fetcher passes `load_robots` bound to the attempt's settings and deadline.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._cache: dict[str, _Robots] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def verdict(self, url: str, load: Loader, token: str, ttl: float, error_ttl: float) -> RobotsVerdict:
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{host_key(url)}"
        with self._lock:
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:  # one robots.txt request per origin, however many threads ask
            robots = self._cache.get(origin)
            if robots is None or robots.expires <= self._clock():
                robots = self._load(origin, load, ttl, error_ttl)
                self._cache[origin] = robots
        if robots.unreachable:
            with lock:
                self._cache.pop(origin, None)  # a network failure is not remembered: the next attempt asks again
            return RobotsVerdict(False, None, robots.note, unreachable=True, refused=robots.refused)
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

    def _load(self, origin: str, load: Loader, ttl: float, error_ttl: float) -> _Robots:
        robots_url = f"{origin}/robots.txt"
        answer = load(robots_url)
        now = self._clock()
        if answer.error is not None or answer.status is None:
            # The address guard's refusal is about the host, not its robots.txt: say it as the guard does.
            note = answer.error if answer.refused else f"{robots_url} could not be read ({answer.error})"
            return _Robots(None, True, now + error_ttl, note or "", unreachable=True, refused=answer.refused)
        status = answer.status
        if 200 <= status < 300:
            return _Robots(Protego.parse(answer.text), False, now + ttl, f"{robots_url}")
        if status == 429 or status >= 500:
            return _Robots(None, True, now + error_ttl, f"{robots_url} answered HTTP {status}")
        # 4xx (401 and 403 included, as Google and RFC 9309 §2.3.1.3 do): no rules, everything allowed
        return _Robots(None, False, now + ttl, f"{robots_url} answered HTTP {status}")


def load_robots(transport: Transport, gate: HostGate, settings: FetchSettings, deadline: Deadline,
                robots_url: str) -> RobotsAnswer:
    """Read one robots.txt within the attempt's deadline (it draws on the time of the attempt that needs it), in the
    host's politeness slot, following at most 5 redirects, keeping at most `robots_max_bytes` (RFC 9309: rules past
    that are ignored)."""
    try:
        with gate.slot(host_key(robots_url), settings.min_delay, settings.per_host_concurrency), deadline.running():
            response = transport.send(settings, robots_url,
                                      transport.headers(settings, "robots") | {"Accept": "text/plain"},
                                      deadline, allow_redirects=True)
            try:
                data = read_body(response, deadline, limit=settings.robots_max_bytes)[0]
            finally:
                response.close()
        if response.status_code >= 300:
            return RobotsAnswer(response.status_code)
        return RobotsAnswer(response.status_code, decode_body(data, split_content_type(
            response.headers.get("Content-Type"))[1]).text)
    except (AddressRefused, DeadlineExceeded, requests.RequestException, OSError) as exc:
        refused = caused_by(exc, AddressRefused)
        if refused is not None:
            return RobotsAnswer(None, error=str(refused), refused=True)
        if isinstance(exc, DeadlineExceeded):
            return RobotsAnswer(None, error=f"it {exc.reason}")
        return RobotsAnswer(None, error=f"{type(exc).__name__}: {short(exc)}")
