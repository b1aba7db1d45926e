"""YouTube embeds: the iframe (youtube.com or youtube-nocookie.com `/embed/<id>`, or a watch URL; also lazy
`data-src`), `lite-youtube[videoid]`, `amp-youtube[data-videoid]` and Kinja's lazy inset frame. Native id: the
11-character video id."""
from __future__ import annotations

import re

from bs4 import Tag

from pipeline.model import SocialPost
from pipeline.parse.embeds.base import EmbedError, EmbedKind
from pipeline.platforms import youtube_post_url, youtube_video_id


def read(element: Tag) -> SocialPost:
    for name in ("videoid", "data-videoid", "data-video-id", "src", "data-src", "data-lazy-src"):
        value = element.get(name)
        if isinstance(value, str) and (video_id := youtube_video_id(value)):
            return SocialPost(platform="youtube", native_id=video_id, url=youtube_post_url(video_id))
    raise EmbedError("no YouTube video id (a playlist or channel embed?)")


_ASSET_ID = re.compile(r'"(?:assetId|videoId|youtubeId)"\s*:\s*"(?P<id>[A-Za-z0-9_-]{11})"')


def read_island(element: Tag) -> SocialPost:
    """The Guardian's YouTube atom: `<gu-island name="YoutubeBlockComponent" props='{…"assetId":"<id>"…}'>`."""
    match = _ASSET_ID.search(element.get("props") or "")
    if not match:
        raise EmbedError("no assetId in the YouTube block's props")
    return SocialPost(platform="youtube", native_id=match.group("id"), url=youtube_post_url(match.group("id")))


# A frame whose address is a watch page: iframely's lazy frame keeps the video's own URL in `data-src` (today.com).
_KINJA_INSET = re.compile(r"/embed/inset/iframe\?(?:[^#]*&)?id=youtube-video-(?P<id>[A-Za-z0-9_-]{11})(?:[^A-Za-z0-9_-]|$)")


def read_kinja_inset(frame: Tag) -> SocialPost:
    """Kinja's (deadspin.com, kotaku.com) lazy inset frame: `…/embed/inset/iframe?id=youtube-video-<id>` in `data-src`."""
    for name in ("data-src", "src"):
        if isinstance(frame.get(name), str) and (match := _KINJA_INSET.search(frame[name])):
            return SocialPost(platform="youtube", native_id=match.group("id"), url=youtube_post_url(match.group("id")))
    raise EmbedError("no video id in the inset frame's address")


_EMBED_SRC = "contains({a}, 'youtube.com/embed/') or contains({a}, 'youtube-nocookie.com/embed/') or contains({a}, 'youtube.com/watch')"

KINDS = (
    EmbedKind(
        name="youtube iframe",
        platform="youtube",
        xpath=f".//iframe[{_EMBED_SRC.format(a='@src')} or {_EMBED_SRC.format(a='@data-src')}]"
        "[not(contains(@src, '/embed/videoseries')) and not(contains(@data-src, '/embed/videoseries'))]",
        form="iframe",
        read=read,
    ),
    EmbedKind(
        name="youtube kinja inset",
        platform="youtube",
        xpath=".//iframe[contains(@data-src, '/embed/inset/iframe?id=youtube-video-')"
        " or contains(@src, '/embed/inset/iframe?id=youtube-video-')]",
        form="iframe",
        read=read_kinja_inset,
    ),
    EmbedKind(
        name="youtube lite",
        platform="youtube",
        xpath=".//lite-youtube[@videoid]",
        form="placeholder",
        read=read,
    ),
    EmbedKind(
        name="youtube amp",
        platform="youtube",
        xpath=".//amp-youtube[@data-videoid]",
        form="amp",
        read=read,
    ),
    EmbedKind(
        name="youtube guardian atom",
        platform="youtube",
        xpath=".//gu-island[contains(@name, 'Youtube')][contains(@props, 'assetId')]",
        form="placeholder",
        read=read_island,
    ),
)

# What lazy loaders hide of this platform's embed code (lazy.py puts it back before the XPaths above run):
# addresses its frame kinds read (or, in iframely's lazy frames, its posts' own URLs), when waiting in data-src;
FRAMES = ("youtube.com/embed/", "youtube-nocookie.com/embed/", "youtube.com/watch")
# of those, the players' frames a lazy <img> may stand for (never a post's picture).
PLAYER_FRAMES = ("youtube.com/embed/", "youtube-nocookie.com/embed/")
