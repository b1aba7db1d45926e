"""Threads embeds: `blockquote.text-post-media[data-text-post-permalink]`; the body holds no post text.
Native id: the shortcode (threads.net and threads.com are the same site)."""
from __future__ import annotations

from bs4 import Tag

from pipeline.model import SocialPost
from pipeline.parse.embeds.base import EmbedError, EmbedKind, has_class
from pipeline.parse.embeds.common import first_attribute, links
from pipeline.platforms import instagram_shortcode_time, threads_post, threads_post_url


def read(element: Tag) -> SocialPost:
    value = first_attribute(element, ("data-text-post-permalink", "src", "cite"), threads_post)
    found = threads_post(value) if value else next(filter(None, map(threads_post, links(element))), None)
    if not found:
        raise EmbedError("no Threads post URL")
    user, shortcode = found
    posted_at = instagram_shortcode_time(shortcode)  # Threads posts are Instagram media: same id scheme
    return SocialPost(platform="threads", native_id=shortcode, url=threads_post_url(user, shortcode), author_handle=user,
                      posted_at=posted_at, posted_at_precision="millisecond" if posted_at else None)


KINDS = (
    EmbedKind(
        name="threads blockquote",
        platform="threads",
        xpath=f".//blockquote[{has_class('text-post-media')} or @data-text-post-permalink]",
        form="blockquote",
        read=read,
    ),
)

# What lazy loaders hide of this platform's embed code (lazy.py puts it back before the XPaths above run):
# the classes that make an element its embed code, when moved into a data-* attribute;
MARKER_CLASSES = ("text-post-media",)
