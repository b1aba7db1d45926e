"""Where a post lives on its platform's public API: URL shapes for Bluesky, Mastodon, YouTube, TikTok.

X shapes live in `pipeline/platforms.py`; these could move there when the parser needs them too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

# https://bsky.app/profile/<handle or did>/post/<rkey>
BLUESKY_POST_URL = re.compile(r"https?://(?:www\.)?bsky\.app/profile/(?P<actor>[^/?#]+)/post/(?P<rkey>[A-Za-z0-9._~:-]+)")
# at://<did or handle>/app.bsky.feed.post/<rkey>
BLUESKY_AT_URI = re.compile(r"at://(?P<actor>[^/]+)/app\.bsky\.feed\.post/(?P<rkey>[A-Za-z0-9._~:-]+)")
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
    """The post's author (DID or handle) and record key, from an at:// URI, a bsky.app URL or `did/rkey`."""
    for text in (native_id, url):
        if not text:
            continue
        match = BLUESKY_AT_URI.search(text) or BLUESKY_POST_URL.search(text)
        if match:
            return BlueskyTarget(match.group("actor"), match.group("rkey"))
        if text.startswith("did:") and "/" in text:
            actor, _, rkey = text.rpartition("/")
            return BlueskyTarget(actor, rkey)
    return None


@dataclass(frozen=True, slots=True)
class MastodonTarget:
    base: str  # scheme://instance[:port]
    status_id: str

    @property
    def instance(self) -> str:
        return urlsplit(self.base).netloc


def mastodon_target(url: str | None) -> MastodonTarget | None:
    """The instance and status id from a status page URL (the id is local to the instance in the URL)."""
    if not url:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    match = MASTODON_PATH.match(parts.path)
    if not match:
        return None
    return MastodonTarget(f"{parts.scheme}://{parts.netloc}", match.group("id"))
