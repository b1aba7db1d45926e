"""Fill what a page did not show about an embedded post from the platform's public, tokenless endpoint.

The platform table (`pipeline.platforms.PLATFORMS`) names each platform's endpoint; `endpoints/` holds one module
per endpoint and the registry (`ENDPOINTS`, with the table of what each gives); `cache.py` keeps the answers;
`merge.py` puts an answer onto the post. A post that is gone comes back `unavailable` with `checked_at`; a
transient failure leaves it `unchecked`. URLs in an answer that are not http(s) or that the address guard refuses
are dropped with a warning. `enrich` never raises: a bug of ours is logged and the post comes back unchanged.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Iterable

from pipeline.enrich.cache import AnswerCache
from pipeline.enrich.endpoints import ENDPOINTS
from pipeline.enrich.merge import copy_post, drop_non_web_urls, merge
from pipeline.fetch.client import Fetcher, FetchResult
from pipeline.fetch.guard import AddressPolicy
from pipeline.fetch.fetch_settings import FetchSettings
from pipeline.model import FetchRecord, SocialPost
from pipeline.platforms import PLATFORMS

log = logging.getLogger(__name__)


def _api_fetch_settings() -> FetchSettings:
    return FetchSettings(
        # 1 s between calls per endpoint host: Mastodon's default limit is 300 requests per 5 minutes per IP, the
        # Bluesky AppView's 3,000 per 5 minutes; X says oEmbed is not rate limited. 1/s fits all three.
        min_delay=1.0,
        # APIs, not pages to crawl: robots.txt governs crawlers of pages; these endpoints exist to be called.
        obey_robots=False,
        # 1 MiB: API replies are a few KB (an oEmbed with a long thread is < 20 KB).
        max_bytes=1024 * 1024,
    )


@dataclass(frozen=True, slots=True)
class EnrichSettings:
    """Endpoints (tests point them at their own server) and cache behaviour."""

    x_oembed_url: str = "https://publish.twitter.com/oembed"
    bluesky_appview: str = "https://public.api.bsky.app"
    youtube_oembed_url: str = "https://www.youtube.com/oembed"
    tiktok_oembed_url: str = "https://www.tiktok.com/oembed"
    # None: each Mastodon post is asked on its own instance (from its URL). Set to route all Mastodon calls elsewhere.
    mastodon_base: str | None = None
    fetch: FetchSettings = field(default_factory=_api_fetch_settings)
    # A post found gone is asked again after 7 days: deletions are nearly always final, but a suspended account or
    # a protected tweet can come back, and a weekly check of a few posts is cheap.
    unavailable_ttl: timedelta = timedelta(days=7)
    # Found posts are not asked again (X says cache oEmbed for its cache_age, ~100 years; Bluesky posts cannot be
    # edited). Set a TTL to pick up Mastodon edits.
    ok_ttl: timedelta | None = None


@dataclass(slots=True)
class Enrichment:
    post: SocialPost  # a copy of the post given, with what the platform told us
    records: list[FetchRecord] = field(default_factory=list)  # one per HTTP attempt, for fetch_log
    endpoint: str | None = None
    from_cache: bool = False
    note: str | None = None  # why nothing was asked, or why the post stays unchecked


class Enricher:
    """Calls platform endpoints through a `Fetcher` (address guard, retries, politeness, archive all apply)."""

    def __init__(self, fetcher: Fetcher, settings: EnrichSettings | None = None,
                 cache_path: str | os.PathLike | None = None) -> None:
        self.fetcher = fetcher
        self.settings = settings or EnrichSettings()
        self.cache = AnswerCache(cache_path)

    def enrich(self, post: SocialPost, now: datetime | None = None) -> Enrichment:
        """The post with what its platform says; never raises."""
        now = now or datetime.now(timezone.utc)
        try:
            key = self.cache.key(post)
            cached = self.cache.get(key, now, self.settings.ok_ttl, self.settings.unavailable_ttl) if key else None
            if cached is not None:
                return Enrichment(merge(post, cached), from_cache=True, endpoint=cached.get("endpoint"))
            platform = PLATFORMS.get(post.platform)
            ask = ENDPOINTS.get(platform.enrichment) if platform and platform.enrichment else None
            if ask is None:
                return Enrichment(copy_post(post), note=f"{post.platform} has no endpoint usable without an app token")
            result = ask(post, self.settings, self._get)
            if result.found is not None:
                dropped = drop_non_web_urls(result.found, AddressPolicy(self.settings.fetch.allow_networks))
                if dropped:
                    log.warning("%s: enrich: %d URL(s) in the answer dropped, e.g. %s", result.endpoint,
                                len(dropped), dropped[0])
                    result.note = "; ".join(filter(None, [result.note, f"{len(dropped)} URL(s) in the answer "
                                                                       f"dropped, e.g. {dropped[0]}"]))
                result.found["checked_at"] = now.isoformat()
                result.found["endpoint"] = result.endpoint
                if key:
                    self.cache.put(key, result.found)
                return Enrichment(merge(post, result.found), result.records, result.endpoint, note=result.note)
            return Enrichment(copy_post(post), result.records, result.endpoint, note=result.note)
        except Exception as exc:  # never into the caller: a bug of ours must not lose the page
            log.exception("enrichment of %s post %s failed", post.platform, post.native_id or post.url)
            return Enrichment(copy_post(post), note=f"internal error ({type(exc).__name__}: {exc}); post left unchecked")

    def enrich_many(self, posts: Iterable[SocialPost], now: datetime | None = None) -> list[Enrichment]:
        return [self.enrich(post, now) for post in posts]

    def flush(self) -> None:
        """Write the on-disk cache (atomically) when it changed."""
        self.cache.flush()

    def close(self) -> None:
        try:
            self.flush()
        except OSError as exc:
            log.warning("enrichment cache %s not written: %s", self.cache.path, exc)

    def __enter__(self) -> "Enricher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _get(self, url: str) -> tuple[FetchResult, Any]:
        result = self.fetcher.fetch(url, settings=self.settings.fetch, expect="json")
        data = None
        if result.body:
            try:
                data = json.loads(result.body.decode("utf-8", errors="replace"))
            except ValueError:
                data = None
        return result, data


ENV_PREFIX = "THREADLINE_ENRICH_"


def enrich_settings_from_environment(environ: dict[str, str] | None = None) -> EnrichSettings:
    """Endpoints from `THREADLINE_ENRICH_<FIELD>` variables (e.g. THREADLINE_ENRICH_X_OEMBED_URL), and the API fetch
    settings with any `THREADLINE_FETCH_<FIELD>` override applied, as for page fetches."""
    from pipeline.fetch.fetch_settings import ENV_PREFIX as FETCH_PREFIX

    environ = dict(os.environ if environ is None else environ)
    endpoints = {f.name: environ[ENV_PREFIX + f.name.upper()] for f in dataclasses.fields(EnrichSettings)
                 if f.type in ("str", "str | None") and ENV_PREFIX + f.name.upper() in environ}
    fetch_overrides = {k[len(FETCH_PREFIX):].lower(): v for k, v in environ.items() if k.startswith(FETCH_PREFIX)}
    return EnrichSettings(**endpoints, fetch=_api_fetch_settings().with_overrides(fetch_overrides))
