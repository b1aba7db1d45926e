"""Where a post lives on its platform's public API. Bluesky posts are read with the platform table's URL shapes
(`pipeline/platforms.py`); a Mastodon status with the API's path shapes on any instance. Answers name a post by the
parser's native id (`<did or handle>/<rkey>`, `<host>/<status id>`), so a post is one row whoever read it."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from pipeline.platforms import bluesky_post

# Mastodon (and compatible) status pages: /@user/<id>, /@user@remote/<id>, /users/<user>/statuses/<id>, /web/statuses/<id>
MASTODON_PATH = re.compile(r"^/(?:@[^/]+|users/[^/]+/statuses|web/statuses|statuses)/(?P<id>[A-Za-z0-9]+)/?$")


@dataclass(frozen=True, slots=True)
class BlueskyTarget:
    actor: str  # a DID (did:plc:…) or a handle still to resolve
    rkey: str

    @property
    def is_did(self) -> bool:
        return self.actor.startswith("did:")

    def at_uri(self, did: str | None = None) -> str:
        return f"at://{did or self.actor}/app.bsky.feed.post/{self.rkey}"


def bluesky_target(native_id: str | None, url: str | None) -> BlueskyTarget | None:
    """The post's author (DID or handle) and record key, from the parser's native id (`<did or handle>/<rkey>`), an
    at:// URI or a bsky.app URL."""
    if native_id and native_id.count("/") == 1 and "://" not in native_id:
        actor, rkey = native_id.split("/")
        if actor and rkey:
            return BlueskyTarget(actor, rkey)
    for text in (native_id, url):
        if text and (found := bluesky_post(text)):
            return BlueskyTarget(*found)
    return None


def bluesky_native_id(did: str, rkey: str) -> str:
    """The parser's native id for a Bluesky post (`pipeline/platforms.py`), so an answer names the post as the
    parser does."""
    return f"{did}/{rkey}"


@dataclass(frozen=True, slots=True)
class MastodonTarget:
    base: str  # scheme://instance[:port]
    status_id: str
    host: str  # the instance's host name, as in the parser's native id `<host>/<status id>`

    @property
    def instance(self) -> str:
        return urlsplit(self.base).netloc

    @property
    def native_id(self) -> str:
        return f"{self.host}/{self.status_id}"


def mastodon_target(url: str | None) -> MastodonTarget | None:
    """The instance and status id from a status page URL (the id is local to the instance in the URL). Any instance
    answers the same API, so any host is asked (the address guard decides which may be); the path shapes are those of
    Mastodon and compatible servers."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    match = MASTODON_PATH.match(parts.path)
    if not match:
        return None
    return MastodonTarget(f"{parts.scheme}://{parts.netloc}", match.group("id"), parts.hostname.lower())
