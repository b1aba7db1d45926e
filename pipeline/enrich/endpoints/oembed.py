"""YouTube and TikTok: their oEmbed endpoints give the title or caption and the author."""
from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

from pipeline.enrich.endpoints.common import Call, Get, gone
from pipeline.model import SocialPost

if TYPE_CHECKING:
    from pipeline.enrich.enricher import EnrichSettings


def ask_youtube(post: SocialPost, settings: "EnrichSettings", get: Get) -> Call:
    url = post.url or (f"https://www.youtube.com/watch?v={post.native_id}" if post.native_id else None)
    return _ask(post, get, settings.youtube_oembed_url, url)


def ask_tiktok(post: SocialPost, settings: "EnrichSettings", get: Get) -> Call:
    return _ask(post, get, settings.tiktok_oembed_url, post.url)


def _ask(post: SocialPost, get: Get, base: str, page_url: str | None) -> Call:
    if not page_url:
        return Call(note=f"no {post.platform} URL to ask about")
    endpoint = f"{base}?" + urlencode({"url": page_url, "format": "json"})
    result, data = get(endpoint)
    why_gone = gone(result, data)
    if why_gone:
        return Call.unavailable(result, endpoint, why_gone)
    if not result.ok or not isinstance(data, dict):
        return Call.transient(result, endpoint)
    author_url = data.get("author_url") or ""
    handle = data.get("author_unique_id") or urlsplit(author_url).path.strip("/").split("/")[-1].lstrip("@") or None
    found = {"status": "ok", "text": data.get("title") or None, "author_name": data.get("author_name") or None,
             "author_handle": handle}
    return Call(result.records, endpoint, found)
