"""How politely and how far the fetcher goes: one dataclass of settings, defaults first, per-source overrides on top.

Every number says why it has that value (a Media Cloud habit): the peers' figures are in docs/fetching.md.
A source overrides any field by name (a column of `seeds/sources.csv`, or a dict); `with_overrides` checks the
names and converts the text a CSV holds to the field's type, so a typo fails loudly instead of being ignored.
"""
from __future__ import annotations

import dataclasses
import os
from dataclasses import dataclass, field
from typing import Any, Mapping

from pipeline.settings import SettingError  # a fetch setting that does not exist or holds no value of its type

# A placeholder in the reserved `.invalid` domain: it cannot be mistaken for a real contact, and the fetcher
# logs a warning while it is in use. Production sets THREADLINE_CONTACT_URL (or `contact_url`) to a page that
# says who runs the crawler and how to reach them.
PLACEHOLDER_CONTACT_URL = "https://threadline.invalid/contact"
VERSION = "0.1"

# The HTTP statuses worth asking again: request timeout, too many requests, and the server/gateway failures
# that are usually over in seconds (Cloudflare's 522 connect timeout and 524 origin timeout included).
# Scrapy's and Media Cloud's list, exactly; 500 kept (Scrapy retries it, Media Cloud's old batch fetcher did not):
# one retry of a flaky CMS costs less than missing an update.
RETRY_STATUSES = (408, 429, 500, 502, 503, 504, 522, 524)




@dataclass(frozen=True, slots=True)
class FetchSettings:
    """Settings for one source (or the defaults); immutable, so one object can be shared by threads."""

    # Who we are: robots.txt rules are matched on `robots_token`; the contact URL goes in every User-Agent.
    contact_url: str = field(default_factory=lambda: os.environ.get("THREADLINE_CONTACT_URL", PLACEHOLDER_CONTACT_URL))
    robots_token: str = "Threadline"

    # 10 s to connect: a host that takes longer to answer a SYN is down for our purposes, and the retry covers
    # a blip (Media Cloud waits 30 s, but it also caches "down" for 10 minutes; we do both, at a third of the cost).
    connect_timeout: float = 10.0
    # 30 s between two bytes of the response, as Media Cloud: big live blogs are slow to render server-side.
    read_timeout: float = 30.0
    # 120 s for a whole attempt (robots.txt, redirect hops, headers and body; not the politeness waits), so a server
    # that drips its headers or body a byte every 29 s cannot hold a worker forever (pipeline/fetch/deadline.py).
    total_timeout: float = 120.0

    # 2 retries = 3 requests, Scrapy's default; the next scheduled run is the slow retry (Media Cloud's hourly
    # queue retry is the DAG's job, not the fetcher's).
    max_retries: int = 2
    # Back-off before retry n is backoff_base * 2**(n-1), capped: 1 s then 2 s — enough for a restarting
    # upstream, short enough that a run of 1,000 pages is not held up by a few bad ones.
    backoff_base: float = 1.0
    backoff_max: float = 30.0
    # Up to 10 % random extra wait, so threads that failed together do not retry in lock-step.
    backoff_jitter: float = 0.1
    # A Retry-After longer than 120 s is not waited out inside a run: the attempt ends as retry_exhausted, the
    # host is left alone until that time, and the next run tries again (Media Cloud's 429 pause is 30 s).
    retry_after_max: float = 120.0
    retry_statuses: tuple[int, ...] = RETRY_STATUSES

    # 10 redirects: real news chains (http→https→www→consent→article) are 2–4 long; Scrapy allows 20,
    # Media Cloud 30, trafilatura 2. Past 10 it is a loop or a trap, and each hop costs a polite delay.
    max_redirects: int = 10
    # 10 MiB of decoded body: the largest live blogs we saw (400+ entries inline) are 2–5 MB of HTML;
    # Common Crawl News stops at 5 MiB, trafilatura at 20 MB. Counted after decompression, so a gzip bomb
    # stops here too.
    max_bytes: int = 10 * 1024 * 1024

    # 5 s between the starts of two requests to one host, Media Cloud's figure (caps us at 17,280 requests a
    # day per site); Common Crawl News uses 9 s, Scrapy's project template 1 s.
    min_delay: float = 5.0
    # 2 requests in flight per host, as Media Cloud's Scrapy fetcher (CONCURRENT_REQUESTS_PER_DOMAIN = 2).
    per_host_concurrency: int = 2
    # After a 429 the host gets no request for 30 s (Media Cloud's THROTTLE_INTERVAL_SECONDS), or for as long
    # as its Retry-After asks, whichever is longer.
    throttle_after_429: float = 30.0
    # A host that refused or timed out every connection attempt is not tried again for 10 minutes
    # (Media Cloud's CONN_RETRY_MINUTES): each try would cost a full connect timeout.
    down_host_seconds: float = 600.0

    # robots.txt is obeyed (Scrapy's project template, news-please, Common Crawl News, Media Cloud all do).
    obey_robots: bool = True
    # 24 h: RFC 9309 §2.4 says a cached robots.txt SHOULD NOT be used longer than that.
    robots_ttl: float = 24 * 3600.0
    # A robots.txt that could not be read (5xx, network error) means "disallow all" (RFC 9309 §2.3.1.4); we ask
    # again after 10 minutes instead of a day, so a short outage does not block a site for long.
    robots_error_ttl: float = 600.0
    # 500 KiB: RFC 9309 §2.5 says crawlers MUST read at least 500 KiB; Google stops at 500 KiB too.
    robots_max_bytes: int = 500 * 1024
    # A robots.txt Crawl-delay is honoured up to 120 s (Common Crawl News' cap); larger values would stall a run.
    max_crawl_delay: float = 120.0

    # Addresses the guard lets through although they are not public (CIDR strings). Empty in production;
    # tests allow "127.0.0.1/32" for their own servers.
    allow_networks: tuple[str, ...] = ()

    @property
    def user_agent(self) -> str:
        """`Threadline/<version> (+<contact URL>)`: names the crawler and says where to complain."""
        return f"Threadline/{VERSION} (+{self.contact_url}; news research crawler)"

    @property
    def timeout(self) -> tuple[float, float]:
        """(connect, read) as `requests` takes them."""
        return (self.connect_timeout, self.read_timeout)

    def with_overrides(self, overrides: Mapping[str, Any] | None) -> "FetchSettings":
        """A copy with the named fields replaced; text values (from a CSV) are converted to the field's type.

        Empty values are ignored (a CSV cell left blank keeps the default). An unknown name or a value that is not of
        the field's type raises SettingError.
        """
        if not overrides:
            return self
        fields = {f.name: f for f in dataclasses.fields(self)}
        changes: dict[str, Any] = {}
        for name, value in overrides.items():
            if name not in fields:
                raise SettingError(f"unknown fetch setting {name!r}; known settings: {', '.join(sorted(fields))}")
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            changes[name] = _convert(name, value, getattr(self, name))
        return dataclasses.replace(self, **changes)


def setting_names() -> frozenset[str]:
    """The names a source may override."""
    return frozenset(f.name for f in dataclasses.fields(FetchSettings))


def _convert(name: str, value: Any, current: Any) -> Any:
    if not isinstance(value, str):
        return value
    text = value.strip()
    try:
        if isinstance(current, bool):
            if text.lower() in ("1", "true", "yes", "on"):
                return True
            if text.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError(text)
        if isinstance(current, int):
            return int(text)
        if isinstance(current, float):
            return float(text)
        if isinstance(current, tuple):
            items = [part.strip() for part in text.replace(";", " ").replace(",", " ").split() if part.strip()]
            if current and isinstance(current[0], int) or name == "retry_statuses":
                return tuple(int(item) for item in items)
            return tuple(items)
    except ValueError:
        raise SettingError(f"fetch setting {name}={value!r} is not a valid {type(current).__name__}") from None
    return text


ENV_PREFIX = "THREADLINE_FETCH_"


def settings_from_environment(environ: Mapping[str, str] | None = None) -> FetchSettings:
    """The defaults with any `THREADLINE_FETCH_<FIELD>` variable applied (e.g. THREADLINE_FETCH_MIN_DELAY=1,
    THREADLINE_FETCH_ALLOW_NETWORKS=127.0.0.1/32): how an operator, or a test, sets the fetcher for a whole run."""
    environ = os.environ if environ is None else environ
    overrides = {key[len(ENV_PREFIX):].lower(): value for key, value in environ.items() if key.startswith(ENV_PREFIX)}
    try:
        return FetchSettings().with_overrides(overrides)
    except SettingError as exc:
        raise SettingError(f"{exc} (from the environment's {ENV_PREFIX}* variables)") from None
