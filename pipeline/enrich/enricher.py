"""Fill what a page did not show about an embedded post from the platform's public, tokenless endpoint.

| platform | endpoint | gives |
| --- | --- | --- |
| x | oEmbed `publish.twitter.com/oembed?url=…` | text, author name, handle (from author_url); the time comes from the id |
| bluesky | AppView `app.bsky.feed.getPostThread` (handle → DID via `com.atproto.identity.resolveHandle`) | all |
| mastodon | `/api/v1/statuses/:id` on the post's own instance | all |
| youtube, tiktok | oEmbed | title/caption, author |
| instagram, threads, facebook, telegram | none without an app token | nothing: the post stays as the page showed it |

A post that is gone (404, 410, 403, "No status found", Bluesky notFound/blocked) comes back `unavailable` with
`checked_at`; a transient failure (timeouts, 429, 5xx, a 401 from an instance that wants a login) leaves it
`unchecked`. URLs in an answer (the post's URL, link and media entities) are kept only when they are http(s) and pass
the address guard (pipeline/provenance.py); the others are dropped with a warning. Only fields the page left empty
are filled (and a day-precision time is sharpened). Results are cached in memory and, when a path is given, in a
JSON file. `enrich` never raises: a bug of ours is logged and the post
comes back unchanged.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import quote, urlencode, urlsplit

from bs4 import BeautifulSoup

from pipeline.enrich.targets import bluesky_target, mastodon_target
from pipeline.fetch.client import Fetcher, FetchResult
from pipeline.fetch.guard import AddressPolicy
from pipeline.fetch.fetch_settings import FetchSettings
from pipeline.model import Entity, FetchRecord, SocialPost
from pipeline.provenance import web_refusal
from pipeline.platforms import x_snowflake_time, x_status_id

log = logging.getLogger(__name__)

_PRECISION_RANK = {None: -1, "day": 0, "minute": 1, "second": 2, "millisecond": 3}
_GONE_STATUSES = (403, 404, 410)
_URL_ENTITIES = ("url", "media")  # entity kinds whose value is a URL
_GONE_WORDS = ("no status found", "not found", "does not exist", "deleted", "record not found", "not authorized")


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


def _utc(text: str | None) -> tuple[datetime | None, str | None]:
    if not text:
        return None, None
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None, None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    precision = "millisecond" if when.microsecond else "second"
    return when.astimezone(timezone.utc), precision


def _html_text(html: str | None) -> str | None:
    if not html:
        return None
    soup = BeautifulSoup(html, "html.parser")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    paragraphs = [p.get_text() for p in soup.find_all("p")] or [soup.get_text()]
    text = "\n".join(part.strip() for part in paragraphs if part.strip())
    return text or None


class Enricher:
    """Calls platform endpoints through a `Fetcher` (address guard, retries, politeness, archive all apply)."""

    def __init__(self, fetcher: Fetcher, settings: EnrichSettings | None = None,
                 cache_path: str | os.PathLike | None = None) -> None:
        self.fetcher = fetcher
        self.settings = settings or EnrichSettings()
        self.cache_path = Path(cache_path) if cache_path else None
        self._cache: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._dirty = False
        if self.cache_path and self.cache_path.exists():
            try:
                self._cache = json.loads(self.cache_path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                log.warning("enrichment cache %s unreadable (%s); starting empty", self.cache_path, exc)

    # -- public ---------------------------------------------------------------------------------------------------

    def enrich(self, post: SocialPost, now: datetime | None = None) -> Enrichment:
        """The post with what its platform says; never raises."""
        now = now or datetime.now(timezone.utc)
        try:
            key = self._key(post)
            cached = self._cached(key, now) if key else None
            if cached is not None:
                return Enrichment(_merge(post, cached), from_cache=True, endpoint=cached.get("endpoint"))
            handler = getattr(self, f"_{post.platform}", None)
            if handler is None:
                return Enrichment(_copy(post), note=f"{post.platform} has no endpoint usable without an app token")
            result = handler(post)
            if result.found is not None:
                dropped = _drop_non_web_urls(result.found, AddressPolicy(self.settings.fetch.allow_networks))
                if dropped:
                    log.warning("%s: enrich: %d URL(s) in the answer dropped, e.g. %s", result.endpoint,
                                len(dropped), dropped[0])
                    result.note = "; ".join(filter(None, [result.note, f"{len(dropped)} URL(s) in the answer "
                                                                       f"dropped, e.g. {dropped[0]}"]))
                result.found["checked_at"] = now.isoformat()
                result.found["endpoint"] = result.endpoint
                if key:
                    self._store(key, result.found)
                return Enrichment(_merge(post, result.found), result.records, result.endpoint, note=result.note)
            return Enrichment(_copy(post), result.records, result.endpoint, note=result.note)
        except Exception as exc:  # never into the caller: a bug of ours must not lose the page
            log.exception("enrichment of %s post %s failed", post.platform, post.native_id or post.url)
            return Enrichment(_copy(post), note=f"internal error ({type(exc).__name__}: {exc}); post left unchecked")

    def enrich_many(self, posts: Iterable[SocialPost], now: datetime | None = None) -> list[Enrichment]:
        return [self.enrich(post, now) for post in posts]

    def flush(self) -> None:
        """Write the on-disk cache (atomically) when it changed."""
        if not self.cache_path or not self._dirty:
            return
        with self._lock:
            self.cache_path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.cache_path.with_suffix(self.cache_path.suffix + ".tmp")
            tmp.write_text(json.dumps(self._cache, ensure_ascii=False, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.cache_path)
            self._dirty = False

    def close(self) -> None:
        try:
            self.flush()
        except OSError as exc:
            log.warning("enrichment cache %s not written: %s", self.cache_path, exc)

    def __enter__(self) -> "Enricher":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- cache ----------------------------------------------------------------------------------------------------

    def _key(self, post: SocialPost) -> str | None:
        ident = post.native_id or post.url
        return f"{post.platform}:{ident}" if ident else None

    def _cached(self, key: str, now: datetime) -> dict[str, Any] | None:
        with self._lock:
            found = self._cache.get(key)
        if not found:
            return None
        checked = datetime.fromisoformat(found["checked_at"])
        ttl = self.settings.unavailable_ttl if found.get("status") == "unavailable" else self.settings.ok_ttl
        if ttl is not None and now - checked >= ttl:
            return None
        return found

    def _store(self, key: str, found: dict[str, Any]) -> None:
        with self._lock:
            self._cache[key] = found
            self._dirty = True

    # -- calls ----------------------------------------------------------------------------------------------------

    def _get(self, url: str) -> tuple[FetchResult, Any]:
        result = self.fetcher.fetch(url, settings=self.settings.fetch, expect="json")
        data = None
        if result.body:
            try:
                data = json.loads(result.body.decode("utf-8", errors="replace"))
            except ValueError:
                data = None
        return result, data

    def _x(self, post: SocialPost) -> "_Call":
        parsed = x_status_id(post.url or "") if post.url else None
        status_id = post.native_id or (parsed[0] if parsed else None)
        if not status_id or not status_id.isdigit():
            return _Call(note="no X status id to ask about")
        endpoint = f"{self.settings.x_oembed_url}?" + urlencode({
            "url": f"https://twitter.com/i/status/{status_id}", "omit_script": "true", "dnt": "true",
            "hide_thread": "true"})
        result, data = self._get(endpoint)
        gone = _gone(result, data)
        if gone:
            return _Call.unavailable(result, endpoint, gone)
        if not result.ok or not isinstance(data, dict) or "html" not in data:
            return _Call.transient(result, endpoint)
        soup = BeautifulSoup(data.get("html") or "", "html.parser")
        paragraph = soup.find("p")
        found: dict[str, Any] = {"status": "ok", "native_id": status_id}
        if paragraph is not None:
            found["text"] = _html_text(str(paragraph))
            found["language"] = paragraph.get("lang")
            found["entities"] = _x_entities(paragraph)
        found["author_name"] = data.get("author_name")
        author_url = data.get("author_url") or ""
        handle = urlsplit(author_url).path.strip("/").split("/")[0] if author_url else None
        found["author_handle"] = handle or None
        when = x_snowflake_time(status_id)
        if when:
            found["posted_at"], found["posted_at_precision"] = when.isoformat(), "millisecond"
        return _Call(result.records, endpoint, found)

    def _bluesky(self, post: SocialPost) -> "_Call":
        target = bluesky_target(post.native_id, post.url)
        if target is None:
            return _Call(note="no Bluesky post URI or URL to ask about")
        base = self.settings.bluesky_appview.rstrip("/")
        records: list[FetchRecord] = []
        did = target.actor if target.is_did else None
        if did is None:
            endpoint = f"{base}/xrpc/com.atproto.identity.resolveHandle?" + urlencode({"handle": target.actor})
            result, data = self._get(endpoint)
            records += result.records
            if isinstance(data, dict) and data.get("did"):
                did = data["did"]
            elif result.records and result.records[-1].http_status == 400:
                return _Call(records, endpoint, {"status": "unavailable"},
                             note=f"the handle {target.actor} no longer resolves")
            else:
                return _Call(records, endpoint, note=_transient_note(result))
        uri = target.at_uri(did)
        endpoint = f"{base}/xrpc/app.bsky.feed.getPostThread?" + urlencode({"uri": uri, "depth": 0, "parentHeight": 0})
        result, data = self._get(endpoint)
        records += result.records
        thread = data.get("thread") if isinstance(data, dict) else None
        kind = (thread or {}).get("$type", "") if isinstance(thread, dict) else ""
        if kind.endswith("#notFoundPost") or kind.endswith("#blockedPost") or _gone(result, data):
            return _Call(records, endpoint, {"status": "unavailable"}, note="Bluesky says the post is gone or blocked")
        if not result.ok or not kind.endswith("#threadViewPost"):
            return _Call(records, endpoint, note=_transient_note(result))
        view = thread["post"]
        record = view.get("record") or {}
        author = view.get("author") or {}
        when, precision = _utc(record.get("createdAt"))
        handle = author.get("handle")
        found = {
            "status": "ok", "native_id": uri, "text": record.get("text"),
            "author_handle": handle, "author_name": author.get("displayName") or None,
            "language": (record.get("langs") or [None])[0],
            "posted_at": when.isoformat() if when else None, "posted_at_precision": precision,
            "url": f"https://bsky.app/profile/{handle or did}/post/{target.rkey}",
            "entities": _bluesky_entities(record),
        }
        return _Call(records, endpoint, found)

    def _mastodon(self, post: SocialPost) -> "_Call":
        target = mastodon_target(post.url)
        if target is None:
            return _Call(note="no Mastodon status URL to ask about")
        base = (self.settings.mastodon_base or target.base).rstrip("/")
        endpoint = f"{base}/api/v1/statuses/{quote(target.status_id)}"
        result, data = self._get(endpoint)
        gone = _gone(result, data)
        if gone:
            return _Call.unavailable(result, endpoint, gone)
        if not result.ok or not isinstance(data, dict) or "id" not in data:
            note = _transient_note(result)
            if result.records and result.records[-1].http_status == 401:
                note = f"{target.instance} requires a login to read statuses (authorized fetch); left unchecked"
            return _Call(result.records, endpoint, note=note)
        account = data.get("account") or {}
        acct = account.get("acct") or account.get("username")
        if acct and "@" not in acct:
            acct = f"{acct}@{target.instance}"
        when, precision = _utc(data.get("created_at"))
        entities = [Entity("hashtag", t["name"]) for t in data.get("tags") or [] if t.get("name")]
        entities += [Entity("mention", m["acct"]) for m in data.get("mentions") or [] if m.get("acct")]
        entities += [Entity("media", m["url"]) for m in data.get("media_attachments") or [] if m.get("url")]
        found = {
            "status": "ok", "native_id": post.native_id or str(data.get("id")), "text": _html_text(data.get("content")),
            "author_handle": acct, "author_name": account.get("display_name") or None,
            "language": data.get("language"), "posted_at": when.isoformat() if when else None,
            "posted_at_precision": precision, "url": data.get("url"), "entities": _plain(entities),
        }
        return _Call(result.records, endpoint, found)

    def _oembed(self, post: SocialPost, base: str, page_url: str | None) -> "_Call":
        if not page_url:
            return _Call(note=f"no {post.platform} URL to ask about")
        endpoint = f"{base}?" + urlencode({"url": page_url, "format": "json"})
        result, data = self._get(endpoint)
        gone = _gone(result, data)
        if gone:
            return _Call.unavailable(result, endpoint, gone)
        if not result.ok or not isinstance(data, dict):
            return _Call.transient(result, endpoint)
        author_url = data.get("author_url") or ""
        handle = data.get("author_unique_id") or urlsplit(author_url).path.strip("/").split("/")[-1].lstrip("@") or None
        found = {"status": "ok", "text": data.get("title") or None, "author_name": data.get("author_name") or None,
                 "author_handle": handle}
        return _Call(result.records, endpoint, found)

    def _youtube(self, post: SocialPost) -> "_Call":
        url = post.url or (f"https://www.youtube.com/watch?v={post.native_id}" if post.native_id else None)
        return self._oembed(post, self.settings.youtube_oembed_url, url)

    def _tiktok(self, post: SocialPost) -> "_Call":
        return self._oembed(post, self.settings.tiktok_oembed_url, post.url)


@dataclass(slots=True)
class _Call:
    records: list[FetchRecord] = field(default_factory=list)
    endpoint: str | None = None
    found: dict[str, Any] | None = None  # what to merge (status ok/unavailable); None: stays unchecked
    note: str | None = None

    @classmethod
    def unavailable(cls, result: FetchResult, endpoint: str, why: str) -> "_Call":
        return cls(result.records, endpoint, {"status": "unavailable"}, note=why)

    @classmethod
    def transient(cls, result: FetchResult, endpoint: str) -> "_Call":
        return cls(result.records, endpoint, note=_transient_note(result))


def _transient_note(result: FetchResult) -> str:
    return f"left unchecked: {result.cause or result.outcome}"


def _gone(result: FetchResult, data: Any) -> str | None:
    """Why the platform says the post is gone, or None when it did not say so."""
    status = result.records[-1].http_status if result.records else None
    message = ""
    if isinstance(data, dict):
        errors = data.get("errors")
        if isinstance(errors, list) and errors and isinstance(errors[0], dict):
            message = str(errors[0].get("message", ""))
        message = message or str(data.get("error", "")) + " " + str(data.get("message", ""))
    lowered = message.lower()
    if status in _GONE_STATUSES:
        return f"HTTP {status}{': ' + message.strip() if message.strip() else ''}"
    if "no status found" in lowered or (status == 400 and data and "notfound" in lowered.replace(" ", "")):
        return message.strip()
    if status and 200 <= status < 300 and message.strip() and any(w in lowered for w in _GONE_WORDS):
        return message.strip()
    return None


def _x_entities(paragraph) -> list[list[str]]:
    entities: list[Entity] = []
    for link in paragraph.find_all("a"):
        href, text = link.get("href") or "", link.get_text().strip()
        if "/hashtag/" in href and text.startswith("#"):
            entities.append(Entity("hashtag", text[1:]))
        elif text.startswith("@"):
            entities.append(Entity("mention", text[1:]))
        elif text.startswith("$"):
            entities.append(Entity("cashtag", text[1:]))
        elif text.startswith("pic.twitter.com") or text.startswith("pic.x.com"):
            entities.append(Entity("media", "https://" + text))
        elif href.startswith("http"):
            entities.append(Entity("url", href))
    return _plain(entities)


def _bluesky_entities(record: dict) -> list[list[str]]:
    entities: list[Entity] = []
    for facet in record.get("facets") or []:
        for feature in facet.get("features") or []:
            kind = feature.get("$type", "")
            if kind.endswith("#tag") and feature.get("tag"):
                entities.append(Entity("hashtag", feature["tag"]))
            elif kind.endswith("#mention") and feature.get("did"):
                entities.append(Entity("mention", feature["did"]))
            elif kind.endswith("#link") and feature.get("uri"):
                entities.append(Entity("url", feature["uri"]))
    return _plain(entities)


def _drop_non_web_urls(found: dict[str, Any], policy: AddressPolicy) -> list[str]:
    """Remove from an answer the URLs (the post's `url`, `url` and `media` entities) that are not http(s) or that the
    address guard refuses: an API answer is fetched content (pipeline/provenance.py). Returns why each went."""
    dropped: list[str] = []
    if found.get("url") is not None:
        cause = web_refusal(str(found["url"]), policy)
        if cause:
            dropped.append(cause)
            del found["url"]
    if found.get("entities"):
        kept = []
        for kind, value in found["entities"]:
            cause = web_refusal(str(value), policy) if kind in _URL_ENTITIES else None
            if cause:
                dropped.append(cause)
            else:
                kept.append([kind, value])
        found["entities"] = kept
    return dropped


def _plain(entities: list[Entity]) -> list[list[str]]:
    return [[e.kind, e.value] for e in dict.fromkeys(entities)]


def _copy(post: SocialPost) -> SocialPost:
    return dataclasses.replace(post, entities=list(post.entities), thread=list(post.thread))


def _merge(post: SocialPost, found: dict[str, Any]) -> SocialPost:
    """A copy of `post` with the empty fields filled from `found`, the status and checked_at set."""
    merged = _copy(post)
    merged.status = found.get("status", "unchecked")
    merged.checked_at = datetime.fromisoformat(found["checked_at"]) if found.get("checked_at") else None
    if merged.status != "ok":
        return merged
    for name in ("native_id", "url", "author_name", "author_handle", "text", "language"):
        if not getattr(merged, name) and found.get(name):
            setattr(merged, name, found[name])
    if found.get("posted_at") and _PRECISION_RANK.get(found.get("posted_at_precision"), -1) > \
            _PRECISION_RANK.get(merged.posted_at_precision if merged.posted_at else None, -1):
        merged.posted_at = datetime.fromisoformat(found["posted_at"])
        merged.posted_at_precision = found.get("posted_at_precision")
    have = set(merged.entities)
    for kind, value in found.get("entities") or []:
        entity = Entity(kind, value)
        if entity not in have:
            merged.entities.append(entity)
            have.add(entity)
    return merged


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
