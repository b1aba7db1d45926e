"""Telegram post widgets: `script[data-telegram-post="channel/id"]` and the iframe it becomes (t.me/…?embed=1).
Native id `channel/id`."""
from __future__ import annotations

from bs4 import Tag

from pipeline.model import SocialPost
from pipeline.parse.embeds.base import EmbedError, EmbedKind
from pipeline.platforms import telegram_post, telegram_post_url


def read(element: Tag) -> SocialPost:
    value = element.get("data-telegram-post") or element.get("src") or element.get("data-src") or ""
    found = telegram_post(value)
    if not found:
        raise EmbedError(f"not a Telegram post: {value[:60]!r}")
    channel, message_id = found
    return SocialPost(
        platform="telegram",
        native_id=f"{channel}/{message_id}",
        url=telegram_post_url(channel, message_id),
        author_handle=channel,
    )


KINDS = (
    EmbedKind(
        name="telegram widget",
        platform="telegram",
        xpath=".//script[@data-telegram-post]",
        form="placeholder",
        read=read,
    ),
    EmbedKind(
        name="telegram iframe",
        platform="telegram",
        xpath=".//iframe[(contains(@src, '//t.me/') or contains(@src, '//telegram.me/')) and contains(@src, 'embed=1')]",
        form="iframe",
        read=read,
    ),
)

# What lazy loaders hide of this platform's embed code (lazy.py puts it back before the XPaths above run):
# addresses its frame kinds read (or, in iframely's lazy frames, its posts' own URLs), when waiting in data-src;
FRAMES = ("//t.me/", "//telegram.me/")
