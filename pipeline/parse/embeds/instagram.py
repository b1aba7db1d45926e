"""Instagram embeds: `blockquote.instagram-media` (permalink in `data-instgrm-permalink`; author in the trailing
"A post shared by Name (@handle)"; caption and `<time>` only in older versions), the rendered iframe, and
`amp-instagram[data-shortcode]`. Native id: the shortcode."""
from __future__ import annotations

from bs4 import Tag

from pipeline.model import SocialPost
from pipeline.parse.embeds.base import EmbedError, EmbedKind, has_class
from pipeline.parse.embeds.common import first_attribute, iso_time, links, name_and_handle
from pipeline.parse.entities import entities_from_text
from pipeline.parse.element_text import element_text
from pipeline.platforms import instagram_post_url, instagram_shortcode, instagram_shortcode_time

_PLACEHOLDER_TEXTS = ("view this post on instagram", "sieh dir diesen beitrag auf instagram an", "instagram")


def read(element: Tag) -> SocialPost:
    shortcode = element.get("data-shortcode") if element.name == "amp-instagram" else None
    if not shortcode:
        value = first_attribute(element, ("data-instgrm-permalink", "src", "data-src", "cite"), instagram_shortcode)
        shortcode = instagram_shortcode(value) if value else next(
            filter(None, map(instagram_shortcode, links(element))), None
        )
    if not shortcode:
        raise EmbedError("no Instagram post URL")
    name = handle = None
    caption_parts = []
    for paragraph in element.find_all("p"):
        text = element_text(paragraph)
        if not text or text.casefold() in _PLACEHOLDER_TEXTS:
            continue
        if "(@" in text or text.casefold().startswith(("a post shared by", "ein beitrag geteilt von")):
            name, handle = name_and_handle(text)
            continue
        caption_parts.append(text)
    text = "\n".join(caption_parts)
    time = element.find("time")
    posted_at, precision = iso_time(time.get("datetime") if time is not None else None)
    if posted_at is None and (posted_at := instagram_shortcode_time(shortcode)):
        precision = "millisecond"
    return SocialPost(
        platform="instagram",
        native_id=shortcode,
        url=instagram_post_url(shortcode),
        author_name=name,
        author_handle=handle,
        posted_at=posted_at,
        posted_at_precision=precision,
        text=text or None,
        entities=entities_from_text(text),
    )


KINDS = (
    EmbedKind(
        name="instagram blockquote",
        platform="instagram",
        xpath=f".//blockquote[{has_class('instagram-media')}]",
        form="blockquote",
        read=read,
    ),
    EmbedKind(
        name="instagram iframe",
        platform="instagram",
        xpath=f".//iframe[{has_class('instagram-media')} or contains(@src, 'instagram.com/p/')"
        " or contains(@src, 'instagram.com/reel/')][not(ancestor::blockquote)]",
        form="iframe",
        read=read,
    ),
    EmbedKind(
        name="instagram amp",
        platform="instagram",
        xpath=".//amp-instagram[@data-shortcode]",
        form="amp",
        read=read,
    ),
)

# What lazy loaders hide of this platform's embed code (lazy.py puts it back before the XPaths above run):
# the classes that make an element its embed code, when moved into a data-* attribute;
MARKER_CLASSES = ("instagram-media",)
# addresses its frame kinds read (or, in iframely's lazy frames, its posts' own URLs), when waiting in data-src;
FRAMES = ("instagram.com/p/", "instagram.com/reel/")
