"""The platforms' public, tokenless endpoints, one module each, in an explicit registry: `ENDPOINTS` maps the name a
row of the platform table gives as its `enrichment` (`pipeline.platforms.PLATFORMS`) to the function that asks.

| platform | name | endpoint | gives |
| --- | --- | --- | --- |
| x | `x_oembed` | oEmbed `publish.twitter.com/oembed?url=…` | text, author name, handle (from author_url); the time comes from the id |
| bluesky | `bluesky_appview` | AppView `app.bsky.feed.getPostThread` (handle → DID via `com.atproto.identity.resolveHandle`) | all |
| mastodon | `mastodon_api` | `/api/v1/statuses/:id` on the post's own instance | all |
| youtube, tiktok | `youtube_oembed`, `tiktok_oembed` | oEmbed | title/caption, author |
| instagram, threads, facebook, telegram | — | none without an app token | nothing: the post stays as the page showed it |

An endpoint is `ask(post, settings, get) -> Call`: `settings` the `EnrichSettings` (endpoint URLs), `get` a GET
through the enricher's `Fetcher` returning the fetch result and the JSON body. It returns what to merge (`found`,
with `status` `ok` or `unavailable`) or nothing (the post stays `unchecked`), the fetch records and a note.
A post that is gone (404, 410, 403, "No status found", Bluesky notFound/blocked) comes back `unavailable`; a transient
failure (timeouts, 429, 5xx, a 401 from an instance that wants a login) leaves it `unchecked`.
"""
from __future__ import annotations

from pipeline.enrich.endpoints import bluesky_appview, mastodon_api, oembed, x_oembed
from pipeline.enrich.endpoints.common import Call, Endpoint, Get

__all__ = ["ENDPOINTS", "Call", "Endpoint", "Get"]

ENDPOINTS: dict[str, Endpoint] = {
    "x_oembed": x_oembed.ask,
    "bluesky_appview": bluesky_appview.ask,
    "mastodon_api": mastodon_api.ask,
    "youtube_oembed": oembed.ask_youtube,
    "tiktok_oembed": oembed.ask_tiktok,
}
