"""YouTube embeds: the iframe (youtube.com or youtube-nocookie.com `/embed/<id>`, also lazy `data-src`),
`lite-youtube[videoid]` and `amp-youtube[data-videoid]`. Native id: the 11-character video id."""
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


_EMBED_SRC = "contains({a}, 'youtube.com/embed/') or contains({a}, 'youtube-nocookie.com/embed/')"

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
