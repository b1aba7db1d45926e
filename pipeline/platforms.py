"""What we know about each social platform: how its post URLs look, and what its ids encode.

Used by the parsers (to recognise posts), by enrichment (to call endpoints) and by the store's keys.
"""
from __future__ import annotations

import re
from datetime import datetime, timezone

# X/Twitter status URLs with any user name (or i/, i/web/), legacy /statuses/, any host alias.
# Twitter user names are 1-15 of [A-Za-z0-9_]; `i` and `i/web` stand for "unknown user".
X_STATUS_URL = re.compile(
    r"(?:https?:)?//(?:www\.|mobile\.)?(?:twitter|x)\.com/(?:#!/)?(?P<user>\w{1,15}|i(?:/web)?)/status(?:es)?/(?P<id>\d{1,20})",
    re.IGNORECASE,
)
# Snowflake ids carry their creation time from 2010-11-04 on (Twitter's epoch, in ms).
X_EPOCH_MS = 1288834974657
# The first snowflake id; lower ids are sequential and carry no time.
X_FIRST_SNOWFLAKE = 29700859247


def x_status_id(url: str) -> tuple[str, str | None] | None:
    """(status id, user name or None) from an X/Twitter status URL, or None when it is not one."""
    match = X_STATUS_URL.search(url)
    if not match:
        return None
    user = match.group("user")
    return match.group("id"), None if user.lower() in ("i", "i/web") else user


def x_post_url(status_id: str) -> str:
    """The one URL we store for an X post: the user name is not part of its identity."""
    return f"https://x.com/i/status/{status_id}"


def x_snowflake_time(status_id: str) -> datetime | None:
    """When an X post was created, to the millisecond, decoded from its id; None for pre-snowflake ids."""
    number = int(status_id)
    if number < X_FIRST_SNOWFLAKE:
        return None
    return datetime.fromtimestamp(((number >> 22) + X_EPOCH_MS) / 1000, tz=timezone.utc)
