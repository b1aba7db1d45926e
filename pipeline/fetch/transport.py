"""Sending one GET and reading its body: the pooled `requests` session behind the address guard's adapters, the
request headers, and the body streamed, decompressed and cut at a limit within the attempt's deadline."""
from __future__ import annotations

import threading
from urllib.parse import urljoin

import requests

from pipeline.fetch.deadline import Deadline, DeadlineExceeded
from pipeline.fetch.guard import AddressPolicy, AddressRefused, GuardedAdapter, url_refusal
from pipeline.fetch.fetch_settings import FetchSettings

ACCEPT_HEADERS = {
    "html": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
    "feed": "application/rss+xml,application/atom+xml,application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.1",
    "sitemap": "application/xml,text/xml;q=0.9,*/*;q=0.1",
    "json": "application/json,*/*;q=0.1",
}
# 64 KiB per read: small enough that the size cap overshoots by at most that much, large enough to be cheap.
CHUNK_BYTES = 64 * 1024
# What is kept of an error page (APIs explain themselves there) and archived with it.
ERROR_BODY_BYTES = 64 * 1024
# gzip and deflate only: urllib3 (>= 2.6) bounds the output of every decompression step for these, so a gzip bomb is
# cut at max_bytes without being inflated in memory; brotli's bound depends on the brotli library version.
ACCEPT_ENCODING = "gzip, deflate"


class Transport:
    """One `requests` session (cookies only) and a guarded adapter per address policy. Thread-safe."""

    def __init__(self) -> None:
        self.session = requests.Session()
        # No proxies or .netrc from the environment: a proxy would make the guard check the proxy's address,
        # not the site's.
        self.session.trust_env = False
        self.session.max_redirects = 5  # only robots.txt follows redirects inside requests (RFC 9309: at least 5)
        self._adapters: dict[tuple[str, ...], GuardedAdapter] = {}
        self._adapters_lock = threading.Lock()

    def _adapter_for(self, settings: FetchSettings) -> GuardedAdapter:
        """The guarded adapter for this address policy (one set of connection pools per distinct allow-list)."""
        key = tuple(settings.allow_networks)
        with self._adapters_lock:
            adapter = self._adapters.get(key)
            if adapter is None:
                # 100 host pools kept, 10 connections each: covers a run's hosts; per-host concurrency is
                # enforced by HostGate, not by blocking on the pool.
                adapter = GuardedAdapter(AddressPolicy(settings.allow_networks), pool_connections=100,
                                         pool_maxsize=10, max_retries=0)
                self._adapters[key] = adapter
        return adapter

    @staticmethod
    def headers(settings: FetchSettings, expect: str) -> dict[str, str]:
        return {"User-Agent": settings.user_agent, "Accept": ACCEPT_HEADERS.get(expect, "*/*"),
                "Accept-Encoding": ACCEPT_ENCODING}

    def send(self, settings: FetchSettings, url: str, headers: dict[str, str], deadline: Deadline,
             allow_redirects: bool = False):
        """One GET through the guarded adapter (the session only merges cookies); redirects only for robots.txt.
        Call it inside `deadline.running()`; a failure after the deadline passed is DeadlineExceeded."""
        if deadline.expired:
            raise deadline.exceeded(url, "no time was left for this request")
        try:
            response = self._send_within(settings, url, headers, deadline, allow_redirects)
        except (requests.RequestException, OSError) as exc:
            if deadline.expired:
                raise deadline.exceeded(url, "the headers had not all arrived") from exc
            raise
        if deadline.expired:  # headers cut by the deadline end as if complete
            response.close()
            raise deadline.exceeded(url, "the headers had not all arrived")
        return response

    def _send_within(self, settings: FetchSettings, url: str, headers: dict[str, str], deadline: Deadline,
                     allow_redirects: bool):
        adapter = self._adapter_for(settings)
        prepared = self.session.prepare_request(requests.Request("GET", url, headers=headers))
        response = adapter.send(prepared, stream=True,
                                timeout=deadline.timeouts(settings.connect_timeout, settings.read_timeout))
        self.session.cookies.update(response.cookies)  # keep cookies a consent redirect sets, as a browser would
        hops = 0
        while allow_redirects and response.is_redirect and hops < self.session.max_redirects:
            hops += 1
            location = urljoin(response.url, response.headers["Location"])
            response.close()
            refusal = url_refusal(location, AddressPolicy(settings.allow_networks))
            if refusal:
                raise AddressRefused(refusal)
            prepared = self.session.prepare_request(requests.Request("GET", location, headers=headers))
            response = adapter.send(prepared, stream=True,
                                    timeout=deadline.timeouts(settings.connect_timeout, settings.read_timeout))
        return response

    def close(self) -> None:
        self.session.close()


def read_body(response, deadline: Deadline, limit: int) -> tuple[bytes, bool]:
    """Stream the body, decompressed, keeping at most `limit` bytes; (body, cut off?). DeadlineExceeded when the
    attempt's time ran out before the body ended (the deadline's timer cuts a read that blocks)."""
    data = bytearray()
    try:
        for chunk in response.iter_content(CHUNK_BYTES):
            data += chunk
            if len(data) > limit:
                del data[limit:]
                return bytes(data), True
            if deadline.expired:
                break
    except (requests.RequestException, OSError) as exc:
        if deadline.expired:
            raise deadline.exceeded(response.url, f"{len(data):,} bytes of the body had arrived") from exc
        raise
    if deadline.expired:  # a cut connection also ends a body that has no length
        raise deadline.exceeded(response.url, f"{len(data):,} bytes of the body had arrived")
    return bytes(data), False


def read_error_body(response, deadline: Deadline) -> bytes:
    """The first 64 KiB of an error page, for the archive; whatever breaks while reading it is ignored."""
    try:
        return read_body(response, deadline, limit=ERROR_BODY_BYTES)[0]
    except (requests.RequestException, DeadlineExceeded, OSError):
        return b""
