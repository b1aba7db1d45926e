"""TikTok embeds: `blockquote.tiktok-embed` (video id in `data-video-id` or `cite`; author the first
`a[title^="@"]`; caption the `<p>`); creator embeds (`data-embed-type="creator"`) are profiles, not posts."""
from __future__ import annotations

from bs4 import Tag

from pipeline.model import SocialPost
from pipeline.parse.embeds.base import EmbedError, EmbedKind, has_class
from pipeline.parse.entities import entities_from_text
from pipeline.parse.element_text import element_text
from pipeline.platforms import tiktok_id_time, tiktok_post_url, tiktok_video


def read(element: Tag) -> SocialPost:
    found = tiktok_video(element.get("cite") or element.get("src") or "")
    video_id = element.get("data-video-id") or element.get("data-videoid") or (found[1] if found else None)
    if not video_id or not video_id.strip().isdigit():
        raise EmbedError("no TikTok video id")
    author = next((a for a in element.find_all("a", title=True) if a["title"].startswith("@")), None)
    handle = author["title"].lstrip("@") if author is not None else (found[0] if found else None)
    paragraph = element.find("p")
    text = element_text(paragraph) if paragraph else ""
    posted_at = tiktok_id_time(video_id.strip())
    return SocialPost(
        platform="tiktok",
        native_id=video_id.strip(),
        url=tiktok_post_url(handle, video_id.strip()),
        author_handle=handle,
        posted_at=posted_at,
        posted_at_precision="second" if posted_at else None,
        text=text or None,
        entities=entities_from_text(text),
    )


KINDS = (
    EmbedKind(
        name="tiktok blockquote",
        platform="tiktok",
        xpath=f".//blockquote[{has_class('tiktok-embed')}][not(@data-embed-type='creator')]",
        form="blockquote",
        read=read,
    ),
    EmbedKind(
        name="tiktok amp",
        platform="tiktok",
        xpath=".//amp-tiktok[@data-src]",
        form="amp",
        read=lambda element: read_amp(element),
    ),
)


def read_amp(element: Tag) -> SocialPost:
    value = element.get("data-src", "")
    found = tiktok_video(value)
    video_id = found[1] if found else value.strip()
    if not video_id.isdigit():
        raise EmbedError("no TikTok video id")
    return SocialPost(platform="tiktok", native_id=video_id, url=tiktok_post_url(found[0] if found else None, video_id),
                      author_handle=found[0] if found else None)

# What lazy loaders hide of this platform's embed code (lazy.py puts it back before the XPaths above run):
# the classes that make an element its embed code, when moved into a data-* attribute;
MARKER_CLASSES = ("tiktok-embed",)
