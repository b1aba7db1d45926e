"""Mastodon embeds: `iframe.mastodon-embed` (src = status URL + /embed) and the 4.3+ `blockquote.mastodon-embed`
whose `data-embed-url` names the status; neither carries the post's text. Native id `<host>/<status id>`."""
from __future__ import annotations

from bs4 import Tag

from pipeline.model import SocialPost
from pipeline.parse.embeds.base import EmbedError, EmbedKind, has_class
from pipeline.parse.embeds.common import first_attribute, links
from pipeline.platforms import mastodon_id_time, mastodon_status, mastodon_status_url


def read(element: Tag) -> SocialPost:
    value = first_attribute(element, ("data-embed-url", "src", "data-src", "cite"), mastodon_status)
    found = mastodon_status(value) if value else next(filter(None, map(mastodon_status, links(element))), None)
    if not found:
        raise EmbedError("no Mastodon status URL")
    host, user, status_id = found
    posted_at = mastodon_id_time(status_id)
    return SocialPost(
        platform="mastodon",
        native_id=f"{host}/{status_id}",
        url=mastodon_status_url(host, user, status_id),
        author_handle=f"{user}@{host}",
        posted_at=posted_at,
        posted_at_precision="millisecond" if posted_at else None,
    )


KINDS = (
    EmbedKind(
        name="mastodon blockquote",
        platform="mastodon",
        xpath=f".//blockquote[{has_class('mastodon-embed')}]",
        form="blockquote",
        read=read,
    ),
    EmbedKind(
        name="mastodon iframe",
        platform="mastodon",
        xpath=f".//iframe[{has_class('mastodon-embed')}]",
        form="iframe",
        read=read,
    ),
)

# What lazy loaders hide of this platform's embed code (lazy.py puts it back before the XPaths above run):
# the classes that make an element its embed code, when moved into a data-* attribute;
MARKER_CLASSES = ("mastodon-embed",)
