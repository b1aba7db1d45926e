"""What we know about each social platform: how its post URLs look, and what its ids encode.

`PLATFORMS`, at the end, is the platform table: one row per platform (its URL shapes, the post a URL names with
its canonical URL, what its ids encode, the hints that find its posts in publishers' placeholders, the enrichment
endpoint that completes its posts). The embed registry (`pipeline/parse/embeds/`), the placeholder reader, the
enricher's endpoint registry and the label checks iterate over it; adding a platform is a row here and a reader
module (docs/adding-a-platform.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Callable

from pipeline.model import SocialPost

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


_X_ID_VALUE = re.compile(r"^\s*(\d{1,20})\s*$")
_X_FRAME = re.compile(r"//platform\.(?:twitter|x)\.com/embed/Tweet\.html\?(?:[^#\s]*&(?:amp;)?)?id=(?P<id>\d{1,20})")


def x_status_from_value(value: str) -> tuple[str, str | None] | None:
    """(status id, user or None) from what an embed attribute holds: the id's digits, a status URL, or the URL of
    the `platform.twitter.com/embed/Tweet.html?…&id=<id>` frame widgets.js renders."""
    if match := _X_ID_VALUE.match(value):
        return match.group(1), None
    if found := x_status_id(value):
        return found
    if match := _X_FRAME.search(value):
        return match.group("id"), None
    return None


def x_post_url(status_id: str) -> str:
    """The one URL we store for an X post: the user name is not part of its identity."""
    return f"https://x.com/i/status/{status_id}"


def x_snowflake_time(status_id: str) -> datetime | None:
    """When an X post was created, to the millisecond, decoded from its id; None for pre-snowflake ids."""
    number = int(status_id)
    if number < X_FIRST_SNOWFLAKE:
        return None
    return datetime.fromtimestamp(((number >> 22) + X_EPOCH_MS) / 1000, tz=timezone.utc)


# --- the other platforms: what identifies a post in each one's URLs and embed attributes -------------------

BLUESKY_AT_URI = re.compile(r"at://(?P<did>did:[a-z]+:[A-Za-z0-9._:%-]+)/app\.bsky\.feed\.post/(?P<rkey>[A-Za-z0-9._~-]+)")
BLUESKY_POST_URL = re.compile(
    r"(?:https?:)?//(?:bsky\.app/profile|embed\.bsky\.app/embed)/(?P<did>[^/?#\s]+)(?:/app\.bsky\.feed\.post|/post)/"
    r"(?P<rkey>[A-Za-z0-9._~-]+)"
)
# A Mastodon status: https://<instance>/@<user>/<id> (also /users/<user>/statuses/<id>), optionally …/embed.
MASTODON_STATUS_URL = re.compile(
    r"(?:https?:)?//(?P<host>[A-Za-z0-9.-]+\.[A-Za-z]{2,})/(?:@(?P<user>[A-Za-z0-9_.-]+)|users/(?P<user2>[A-Za-z0-9_.-]+)/statuses)"
    r"/(?P<id>\d{1,20})"
)
INSTAGRAM_POST_URL = re.compile(
    r"(?:https?:)?//(?:www\.)?instagr(?:am\.com|\.am)/(?:[A-Za-z0-9_.]+/)?(?P<kind>p|reel|reels|tv)/(?P<code>[A-Za-z0-9_-]{5,40})"
)
THREADS_POST_URL = re.compile(
    r"(?:https?:)?//(?:www\.)?threads\.(?:net|com)/@(?P<user>[A-Za-z0-9_.]+)/post/(?P<code>[A-Za-z0-9_-]{5,40})"
)
TELEGRAM_POST = re.compile(r"^(?:(?:https?:)?//(?:t\.me|telegram\.me)/)?(?:s/)?(?P<channel>[A-Za-z][A-Za-z0-9_]{3,31})/(?P<id>\d{1,12})")
TIKTOK_VIDEO_URL = re.compile(r"(?:https?:)?//(?:www\.|m\.)?tiktok\.com/@(?P<user>[A-Za-z0-9_.-]+)/video/(?P<id>\d{6,25})")
YOUTUBE_VIDEO_URL = re.compile(
    r"(?:https?:)?//(?:www\.|m\.)?(?:youtube(?:-nocookie)?\.com/(?:embed/|v/|shorts/|live/|watch\?(?:[^#\s]*&)?v=)|youtu\.be/)"
    r"(?P<id>[A-Za-z0-9_-]{11})(?![A-Za-z0-9_-])"
)
YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")
FACEBOOK_POST_URL = re.compile(
    r"(?:https?:)?//(?:www\.|m\.|web\.)?facebook\.com/"
    r"(?:(?P<page>[A-Za-z0-9_.-]+)/(?:posts|videos|photos(?:/[^/?#]+)?)/(?P<id>[A-Za-z0-9]+)"
    r"|(?:permalink|story|photo)\.php\?(?:[^#\s]*&)?(?:story_fbid|fbid)=(?P<qid>[A-Za-z0-9]+)"
    r"|watch/?\?(?:[^#\s]*&)?v=(?P<vid>\d+))"
)


def bluesky_post(value: str) -> tuple[str, str] | None:
    """(DID or handle, record key) from an AT-URI or a bsky.app / embed.bsky.app post URL."""
    match = BLUESKY_AT_URI.search(value) or BLUESKY_POST_URL.search(value)
    return (match.group("did"), match.group("rkey")) if match else None


def bluesky_post_url(did: str, rkey: str) -> str:
    return f"https://bsky.app/profile/{did}/post/{rkey}"


def mastodon_status(url: str) -> tuple[str, str, str] | None:
    """(instance host, user, status id) from a Mastodon status URL; the id is unique only on its instance."""
    match = MASTODON_STATUS_URL.search(url)
    if not match:
        return None
    return match.group("host").lower(), match.group("user") or match.group("user2"), match.group("id")


def mastodon_status_url(host: str, user: str, status_id: str) -> str:
    return f"https://{host}/@{user}/{status_id}"


def instagram_shortcode(url: str) -> str | None:
    match = INSTAGRAM_POST_URL.search(url)
    return match.group("code") if match else None


def instagram_post_url(shortcode: str) -> str:
    return f"https://www.instagram.com/p/{shortcode}/"


def threads_post(url: str) -> tuple[str, str] | None:
    """(user, shortcode) from a Threads post URL; threads.net and threads.com are the same site."""
    match = THREADS_POST_URL.search(url)
    return (match.group("user"), match.group("code")) if match else None


def threads_post_url(user: str, shortcode: str) -> str:
    return f"https://www.threads.com/@{user}/post/{shortcode}"


def telegram_post(value: str) -> tuple[str, str] | None:
    """(channel, message id) from `channel/123` (as `data-telegram-post` holds it) or a t.me URL."""
    match = TELEGRAM_POST.search(value.strip())
    return (match.group("channel"), match.group("id")) if match else None


def telegram_post_url(channel: str, message_id: str) -> str:
    return f"https://t.me/{channel}/{message_id}"


def tiktok_video(url: str) -> tuple[str, str] | None:
    """(user, video id) from a TikTok video URL."""
    match = TIKTOK_VIDEO_URL.search(url)
    return (match.group("user"), match.group("id")) if match else None


def tiktok_post_url(user: str | None, video_id: str) -> str:
    return f"https://www.tiktok.com/@{user or '_'}/video/{video_id}"


def youtube_video_id(value: str) -> str | None:
    """The 11-character video id in an embed/watch/short URL, or the value itself when it is one."""
    if YOUTUBE_ID.match(value.strip()):
        return value.strip()
    match = YOUTUBE_VIDEO_URL.search(value)
    return match.group("id") if match and match.group("id") != "videoseries" else None  # a playlist, not a video


def youtube_post_url(video_id: str) -> str:
    return f"https://www.youtube.com/watch?v={video_id}"


def facebook_post(url: str) -> tuple[str | None, str] | None:
    """(page name or None, post id) from a Facebook post, photo or video URL (also URL-encoded in `href=`)."""
    from urllib.parse import unquote

    match = FACEBOOK_POST_URL.search(unquote(url))
    if not match:
        return None
    return match.group("page"), match.group("id") or match.group("qid") or match.group("vid")


def facebook_post_url(page: str | None, post_id: str) -> str:
    return f"https://www.facebook.com/{page}/posts/{post_id}" if page else f"https://www.facebook.com/{post_id}"


# --- what other platforms' ids encode ------------------------------------------------------------------------
# A time decoded from an id is trusted only inside this window (older ids are sequential, not time-based).
_ID_TIME_FROM = datetime(2010, 1, 1, tzinfo=timezone.utc)
_ID_TIME_UNTIL = datetime(2100, 1, 1, tzinfo=timezone.utc)
_TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"


def _plausible(moment: datetime) -> datetime | None:
    return moment if _ID_TIME_FROM <= moment < _ID_TIME_UNTIL else None


def bluesky_tid_time(rkey: str) -> datetime | None:
    """When a Bluesky post was created, from its record key: a TID (13 base32-sortable characters holding
    microseconds since 1970 above a 10-bit clock id). None when the key is not a TID."""
    if len(rkey) != 13 or any(char not in _TID_ALPHABET for char in rkey):
        return None
    value = 0
    for char in rkey:
        value = value * 32 + _TID_ALPHABET.index(char)
    try:
        return _plausible(datetime.fromtimestamp((value >> 10) / 1e6, tz=timezone.utc))
    except (OverflowError, OSError, ValueError):
        return None


def mastodon_id_time(status_id: str) -> datetime | None:
    """When a Mastodon status was created: its id (Mastodon 2.0+) is milliseconds since 1970 shifted left 16 bits."""
    if not status_id.isdigit():
        return None
    try:
        return _plausible(datetime.fromtimestamp((int(status_id) >> 16) / 1000, tz=timezone.utc))
    except (OverflowError, OSError, ValueError):
        return None


def tiktok_id_time(video_id: str) -> datetime | None:
    """When a TikTok video was posted: the top 32 bits of its 64-bit id are seconds since 1970."""
    if not video_id.isdigit() or int(video_id) >= 1 << 64:
        return None
    try:
        return _plausible(datetime.fromtimestamp(int(video_id) >> 32, tz=timezone.utc))
    except (OverflowError, OSError, ValueError):
        return None


_SHORTCODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
# Instagram's id epoch (ms); Threads posts share Instagram's media ids and shortcodes.
_INSTAGRAM_EPOCH_MS = 1314220021721


def instagram_shortcode_time(shortcode: str) -> datetime | None:
    """When an Instagram (or Threads) post was created: its shortcode is its media id in base64, whose bits above
    the lowest 23 count milliseconds since Instagram's epoch. Only for 11-character shortcodes (longer ones are
    private-link forms)."""
    if len(shortcode) != 11 or any(char not in _SHORTCODE_ALPHABET for char in shortcode):
        return None
    value = 0
    for char in shortcode:
        value = value * 64 + _SHORTCODE_ALPHABET.index(char)
    try:
        return _plausible(datetime.fromtimestamp(((value >> 23) + _INSTAGRAM_EPOCH_MS) / 1000, tz=timezone.utc))
    except (OverflowError, OSError, ValueError):
        return None


# --- the platform table ---------------------------------------------------------------------------------------

PostRef = tuple[str, str, "str | None"]  # (native id, canonical post URL, author handle or None)


@dataclass(frozen=True, slots=True)
class Platform:
    """One platform: everything the pipeline knows about it outside its embed reader."""

    name: str  # `SocialPost.platform`, the first part of every `post_id`, the name of its reader module
    url_shapes: tuple[re.Pattern[str], ...]  # the post URLs it recognises
    read_url: Callable[[str], PostRef | None]  # a post URL → native id, canonical post URL, handle
    example: str  # a real post URL (from a page in tests/fixtures/), read by the table's test
    id_time: Callable[[str], datetime | None] | None = None  # the creation time a native id encodes
    id_time_precision: str | None = None  # how precise that time is
    # Substrings of a `data-*` attribute's value that may name a post in a publisher's own placeholder; a tuple in
    # the tuple: all of them. Empty: placeholders are not searched for this platform's posts.
    placeholder_hints: tuple[str | tuple[str, ...], ...] = ()
    # The name of the endpoint that completes its posts in `pipeline.enrich.endpoints.ENDPOINTS`; None: none usable
    # without an app token.
    enrichment: str | None = None

    def post_from_url(self, url: str) -> SocialPost | None:
        """The post a URL names, with no more than the URL tells (id, canonical URL, handle, the id's time)."""
        found = self.read_url(url)
        if found is None:
            return None
        native_id, post_url, handle = found
        post = SocialPost(self.name, native_id, post_url, author_handle=handle)
        moment = self.id_time(native_id) if self.id_time else None
        if moment is not None:
            post.posted_at, post.posted_at_precision = moment, self.id_time_precision
        return post


def _x_url(url: str) -> PostRef | None:
    found = x_status_id(url)
    return (found[0], x_post_url(found[0]), found[1]) if found else None


def _bluesky_url(url: str) -> PostRef | None:
    found = bluesky_post(url)
    return (f"{found[0]}/{found[1]}", bluesky_post_url(*found), None) if found else None


def _mastodon_url(url: str) -> PostRef | None:
    found = mastodon_status(url)
    if not found:
        return None
    host, user, status_id = found
    return f"{host}/{status_id}", mastodon_status_url(host, user, status_id), f"{user}@{host}"


def _instagram_url(url: str) -> PostRef | None:
    code = instagram_shortcode(url)
    return (code, instagram_post_url(code), None) if code else None


def _threads_url(url: str) -> PostRef | None:
    found = threads_post(url)
    return (found[1], threads_post_url(*found), found[0]) if found else None


def _telegram_url(url: str) -> PostRef | None:
    found = telegram_post(url)
    return (f"{found[0]}/{found[1]}", telegram_post_url(*found), found[0]) if found else None


def _tiktok_url(url: str) -> PostRef | None:
    found = tiktok_video(url)
    return (found[1], tiktok_post_url(*found), found[0]) if found else None


def _youtube_url(url: str) -> PostRef | None:
    # A URL, not a bare id: `youtube_video_id` also takes the 11 characters of an id alone.
    video_id = youtube_video_id(url) if ("youtube" in url or "youtu.be" in url) else None
    return (video_id, youtube_post_url(video_id), None) if video_id else None


def _facebook_url(url: str) -> PostRef | None:
    found = facebook_post(url)
    return (found[1], facebook_post_url(*found), found[0]) if found else None


def _last_part(decode: Callable[[str], datetime | None]) -> Callable[[str], datetime | None]:
    """`decode` applied to the part of a `<scope>/<id>` native id after its last slash."""
    return lambda native_id: decode(native_id.rpartition("/")[2])


PLATFORMS: dict[str, Platform] = {platform.name: platform for platform in (
    Platform(
        "x", (X_STATUS_URL,), _x_url,
        example="https://twitter.com/SomeOne/status/1581661660728950784",
        id_time=x_snowflake_time, id_time_precision="millisecond",
        placeholder_hints=("/status/",), enrichment="x_oembed",
    ),
    Platform(
        "bluesky", (BLUESKY_POST_URL, BLUESKY_AT_URI), _bluesky_url,
        example="https://bsky.app/profile/did:plc:gie4wy6vo4ixac455zwxapw6/post/3lkmippmnak2b",
        id_time=_last_part(bluesky_tid_time), id_time_precision="millisecond",
        placeholder_hints=("bsky.app/profile/",), enrichment="bluesky_appview",
    ),
    Platform(
        "mastodon", (MASTODON_STATUS_URL,), _mastodon_url,
        example="https://hachyderm.io/@Martindotnet/109683757201594015/embed",
        id_time=_last_part(mastodon_id_time), id_time_precision="millisecond",
        enrichment="mastodon_api",
    ),
    Platform(
        "instagram", (INSTAGRAM_POST_URL,), _instagram_url,
        example="https://www.instagram.com/p/C5wSgl9swC9/?utm_source=ig_embed",
        id_time=instagram_shortcode_time, id_time_precision="millisecond",
        placeholder_hints=("instagram.com/p/", "instagram.com/reel/"),
    ),
    Platform(
        "threads", (THREADS_POST_URL,), _threads_url,
        example="https://www.threads.net/@culturecrave/post/C3Z6gi_rJ4S",
        id_time=instagram_shortcode_time, id_time_precision="millisecond",  # Threads shares Instagram's media ids
        placeholder_hints=("threads.net/@", "threads.com/@"),
    ),
    Platform(
        "telegram", (TELEGRAM_POST,), _telegram_url,
        example="https://t.me/what_anton_reads/4?embed=1",
    ),
    Platform(
        "tiktok", (TIKTOK_VIDEO_URL,), _tiktok_url,
        example="https://www.tiktok.com/@formip/video/7295627671319383328",
        id_time=tiktok_id_time, id_time_precision="second",
        placeholder_hints=("tiktok.com/@",), enrichment="tiktok_oembed",
    ),
    Platform(
        "youtube", (YOUTUBE_VIDEO_URL,), _youtube_url,
        example="https://www.youtube.com/watch?v=Q0CbN8sfihY&t=4",
        placeholder_hints=("youtube.com/watch", "youtu.be/", "youtube.com/embed/"), enrichment="youtube_oembed",
    ),
    Platform(
        "facebook", (FACEBOOK_POST_URL,), _facebook_url,
        example="https://www.facebook.com/WPDeveloperNet/posts/964388203581391",
        placeholder_hints=(("facebook.com/", "/posts/"), ("facebook.com/", "/videos/")),
    ),
)}
