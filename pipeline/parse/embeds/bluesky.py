"""Bluesky embeds: `blockquote.bluesky-embed[data-bluesky-uri]` (text, name, handle, date) and the embed iframe.

Native id `<did>/<rkey>`: the record key is unique only within its author's repository. The key is a TID, which
holds the creation time; the written date ("March 17, 2025 at 6:17 PM") has no time zone.
"""
from __future__ import annotations

from bs4 import Tag

from pipeline.model import SocialPost
from pipeline.parse.embeds.base import EmbedError, EmbedKind, has_class
from pipeline.parse.embeds.common import day_time, first_attribute, links, name_and_handle
from pipeline.parse.entities import entities_from_text
from pipeline.parse.element_text import element_text, nodes_text
from pipeline.platforms import bluesky_post, bluesky_post_url, bluesky_tid_time


def read(element: Tag) -> SocialPost:
    value = first_attribute(element, ("data-bluesky-uri", "src", "data-src", "cite"), bluesky_post)
    found = bluesky_post(value) if value else next(filter(None, map(bluesky_post, links(element))), None)
    if not found:
        raise EmbedError("no AT-URI or bsky.app post URL")
    did, rkey = found
    paragraph = element.find("p")
    text = element_text(paragraph) if paragraph else ""
    text = text.removesuffix("[image or embed]").strip()
    after = nodes_text(paragraph.next_siblings) if paragraph else ""
    name, handle = name_and_handle(after)
    posted_at, precision = bluesky_tid_time(rkey), "millisecond"
    if posted_at is None:  # a key that is not a TID: the written date (no time zone) gives the day
        date_link = next((a for a in reversed(element.find_all("a", href=True)) if "/post/" in a["href"]), None)
        posted_at, precision = day_time(date_link.get_text()) if date_link is not None else (None, None)
    language = paragraph.get("lang") if paragraph else None
    return SocialPost(
        platform="bluesky",
        native_id=f"{did}/{rkey}",
        url=bluesky_post_url(did, rkey),
        author_name=name,
        author_handle=handle,
        posted_at=posted_at,
        posted_at_precision=precision,
        text=text or None,
        language=language or None,
        entities=entities_from_text(text),
    )


KINDS = (
    EmbedKind(
        name="bluesky blockquote",
        platform="bluesky",
        xpath=f".//blockquote[{has_class('bluesky-embed')} or @data-bluesky-uri]",
        form="blockquote",
        read=read,
    ),
    EmbedKind(
        name="bluesky iframe",
        platform="bluesky",
        xpath=".//iframe[contains(@src, 'embed.bsky.app/embed/') or contains(@data-src, 'embed.bsky.app/embed/')]"
        " | .//*[@data-bluesky-uri][not(self::blockquote)][not(ancestor::blockquote[@data-bluesky-uri])]",
        form="iframe",
        read=read,
    ),
)

# What lazy loaders hide of this platform's embed code (lazy.py puts it back before the XPaths above run):
# the classes that make an element its embed code, when moved into a data-* attribute;
MARKER_CLASSES = ("bluesky-embed",)
# addresses its frame kinds read (or, in iframely's lazy frames, its posts' own URLs), when waiting in data-src;
FRAMES = ("embed.bsky.app/embed/",)
