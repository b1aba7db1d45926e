"""Facebook embeds: `div.fb-post` / `div.fb-video` with `data-href`, the plugin iframes
(`facebook.com/plugins/post.php?href=…`, `video.php`), `amp-facebook`. The fallback `<blockquote>` inside
gives the text and "Posted by <a>Page</a>". Native id: the post's id from its URL."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from bs4 import Tag

from pipeline.model import SocialPost
from pipeline.parse.embeds.base import EmbedError, EmbedKind, has_class
from pipeline.parse.embeds.common import day_time
from pipeline.parse.entities import entities_from_text
from pipeline.parse.element_text import element_text
from pipeline.platforms import facebook_post, facebook_post_url


_WEEKDAY = re.compile(r"^\s*(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s*", re.IGNORECASE)


def read(element: Tag) -> SocialPost:
    candidates = [element.get("data-href"), element.get("cite")]
    for name in ("src", "data-src"):
        if isinstance(element.get(name), str):
            candidates += parse_qs(urlsplit(element[name]).query).get("href", []) + [element[name]]
    found = next(filter(None, (facebook_post(value) for value in candidates if value)), None)
    if not found:
        raise EmbedError("no Facebook post URL")
    page, post_id = found
    quote = element.find("blockquote")
    paragraph = quote.find("p") if quote is not None else None
    text = element_text(paragraph) if paragraph else ""
    author = None
    posted_at = precision = None
    if quote is not None and "Posted by" in quote.get_text():
        link = quote.find_all("a")
        author = link[0].get_text(strip=True) if link else None
        if len(link) > 1:  # "Posted by <a>Page</a> on <a>Saturday, July 4, 2015</a>"
            posted_at, precision = day_time(_WEEKDAY.sub("", link[-1].get_text(" ", strip=True)))
    return SocialPost(
        platform="facebook",
        native_id=post_id,
        url=facebook_post_url(page, post_id),
        author_name=author or None,
        author_handle=page,
        posted_at=posted_at,
        posted_at_precision=precision,
        text=text or None,
        entities=entities_from_text(text),
    )


KINDS = (
    EmbedKind(
        name="facebook plugin div",
        platform="facebook",
        xpath=f".//div[{has_class('fb-post')} or {has_class('fb-video')}][@data-href]",
        form="blockquote",
        read=read,
    ),
    EmbedKind(
        name="facebook plugin iframe",
        platform="facebook",
        xpath=".//iframe[contains(@src, 'facebook.com/plugins/post.php') or contains(@src, 'facebook.com/plugins/video.php')]",
        form="iframe",
        read=read,
    ),
    EmbedKind(
        name="facebook amp",
        platform="facebook",
        xpath=".//amp-facebook[@data-href]",
        form="amp",
        read=read,
    ),
)

# What lazy loaders hide of this platform's embed code (lazy.py puts it back before the XPaths above run):
# the classes that make an element its embed code, when moved into a data-* attribute;
MARKER_CLASSES = ("fb-post", "fb-video")
# addresses its frame kinds read (or, in iframely's lazy frames, its posts' own URLs), when waiting in data-src;
FRAMES = ("facebook.com/plugins/post.php", "facebook.com/plugins/video.php")
