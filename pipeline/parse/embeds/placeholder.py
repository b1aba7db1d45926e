"""Publishers' own placeholders that name a post only in a `data-*` attribute (`div.embed[data-url=…]`,
`figure[data-embed-url=…]`): found by what the value looks like, a post URL of one of our platforms, whatever the
attribute or class is called. Links, frames, blockquotes and scripts are left to the platform modules, and so is
any element holding one of those (the placeholder then wraps an embed another kind reads)."""
from __future__ import annotations

from bs4 import Tag

from pipeline.model import SocialPost
from pipeline.parse.embeds.base import EmbedError, EmbedKind
from pipeline.platforms import (
    bluesky_post,
    bluesky_post_url,
    bluesky_tid_time,
    facebook_post,
    facebook_post_url,
    instagram_post_url,
    instagram_shortcode,
    instagram_shortcode_time,
    threads_post,
    threads_post_url,
    tiktok_id_time,
    tiktok_post_url,
    tiktok_video,
    x_post_url,
    x_snowflake_time,
    x_status_id,
    youtube_post_url,
    youtube_video_id,
)

_POST_URL_TESTS = (
    "contains(., '/status/')", "contains(., 'instagram.com/p/')", "contains(., 'instagram.com/reel/')",
    "contains(., 'youtube.com/watch')", "contains(., 'youtu.be/')", "contains(., 'youtube.com/embed/')",
    "contains(., 'tiktok.com/@')", "contains(., 'bsky.app/profile/')", "contains(., 'threads.net/@')",
    "contains(., 'threads.com/@')", "(contains(., 'facebook.com/') and (contains(., '/posts/') or contains(., '/videos/')))",
)
XPATH = (
    ".//*[not(self::a or self::iframe or self::blockquote or self::script or self::link or self::meta or self::img"
    " or self::source or self::video or self::amp-twitter)]"
    f"[@*[starts-with(name(), 'data-') and not(contains(name(), 'tweet')) and ({' or '.join(_POST_URL_TESTS)})]]"
    "[not(.//blockquote or .//iframe or .//amp-twitter or ancestor::blockquote or ancestor::amp-twitter)]"
)


def post_from_url(value: str) -> SocialPost | None:
    """The post a URL names, on any of our platforms, with no more than the URL tells."""
    if found := x_status_id(value):
        status_id, user = found
        moment = x_snowflake_time(status_id)
        return SocialPost("x", status_id, x_post_url(status_id), author_handle=user, posted_at=moment,
                          posted_at_precision="millisecond" if moment else None)
    if code := instagram_shortcode(value):
        return _timed(SocialPost("instagram", code, instagram_post_url(code)), instagram_shortcode_time(code))
    if found := threads_post(value):
        return _timed(SocialPost("threads", found[1], threads_post_url(*found), author_handle=found[0]),
                      instagram_shortcode_time(found[1]))
    if found := tiktok_video(value):
        return _timed(SocialPost("tiktok", found[1], tiktok_post_url(*found), author_handle=found[0]),
                      tiktok_id_time(found[1]), "second")
    if found := bluesky_post(value):
        return _timed(SocialPost("bluesky", f"{found[0]}/{found[1]}", bluesky_post_url(*found)), bluesky_tid_time(found[1]))
    if ("youtube" in value or "youtu.be" in value) and (video_id := youtube_video_id(value)):
        return SocialPost("youtube", video_id, youtube_post_url(video_id))
    if found := facebook_post(value):
        return SocialPost("facebook", found[1], facebook_post_url(*found), author_handle=found[0])
    return None


def _timed(post: SocialPost, moment, precision: str = "millisecond") -> SocialPost:
    if moment is not None:
        post.posted_at, post.posted_at_precision = moment, precision
    return post


def read(element: Tag) -> SocialPost:
    for name, value in element.attrs.items():
        if name.startswith("data-") and isinstance(value, str) and (post := post_from_url(value)):
            return post
    raise EmbedError("no post URL in the element's data attributes")


KINDS = (
    EmbedKind(name="data-attribute placeholder", platform="any", xpath=XPATH, form="placeholder", read=read),
)
