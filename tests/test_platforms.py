"""Platform facts: every URL shape of a post gives the one native id the warehouse keys on."""
from __future__ import annotations

import pytest

from pipeline.platforms import (
    bluesky_post,
    facebook_post,
    instagram_shortcode,
    mastodon_status,
    telegram_post,
    threads_post,
    threads_post_url,
    tiktok_video,
    x_status_from_value,
    x_status_id,
    youtube_video_id,
)


@pytest.mark.parametrize("url", [
    "https://twitter.com/SomeOne/status/1581661660728950784",
    "https://x.com/other_user/status/1581661660728950784?s=20",
    "https://mobile.twitter.com/SomeOne/status/1581661660728950784/photo/1",
    "https://twitter.com/i/web/status/1581661660728950784",
    "//twitter.com/SomeOne/statuses/1581661660728950784?ref_src=twsrc%5Etfw",
])
def test_every_x_url_shape_gives_one_id(url):
    assert x_status_id(url)[0] == "1581661660728950784"


def test_x_ids_in_embed_attributes():
    assert x_status_from_value(" 1581661660728950784 ") == ("1581661660728950784", None)
    assert x_status_from_value("https://twitter.com/JuanMa_Moreno/status/2075543942469238989") == (
        "2075543942469238989", "JuanMa_Moreno")
    frame = "https://platform.twitter.com/embed/Tweet.html?dnt=false&embedId=twitter-widget-1&id=1581661660728950784&lang=en"
    assert x_status_from_value(frame) == ("1581661660728950784", None)
    assert x_status_from_value("https://twitter.com/SomeOne") is None


def test_other_platforms_native_ids():
    assert bluesky_post("at://did:plc:gie4wy6vo4ixac455zwxapw6/app.bsky.feed.post/3lkmippmnak2b") == (
        "did:plc:gie4wy6vo4ixac455zwxapw6", "3lkmippmnak2b")
    assert bluesky_post("https://bsky.app/profile/did:plc:abc/post/3lkmippmnak2b?ref_src=embed") == ("did:plc:abc", "3lkmippmnak2b")
    assert mastodon_status("https://hachyderm.io/@Martindotnet/109683757201594015/embed") == (
        "hachyderm.io", "Martindotnet", "109683757201594015")
    assert mastodon_status("https://mastodon.social/users/dragonhoards/statuses/114638610368343397")[2] == "114638610368343397"
    assert instagram_shortcode("https://www.instagram.com/p/C5wSgl9swC9/?utm_source=ig_embed") == "C5wSgl9swC9"
    assert instagram_shortcode("https://www.instagram.com/reel/CjxGJJLOpCq/embed/captioned/") == "CjxGJJLOpCq"
    assert threads_post("https://www.threads.net/@culturecrave/post/C3Z6gi_rJ4S") == threads_post(
        "https://www.threads.com/@culturecrave/post/C3Z6gi_rJ4S")
    assert threads_post_url("culturecrave", "C3Z6gi_rJ4S") == "https://www.threads.com/@culturecrave/post/C3Z6gi_rJ4S"
    assert telegram_post("what_anton_reads/4") == telegram_post("https://t.me/what_anton_reads/4?embed=1")
    assert tiktok_video("https://www.tiktok.com/@formip/video/7295627671319383328") == ("formip", "7295627671319383328")
    for url in ("https://www.youtube.com/embed/Q0CbN8sfihY?rel=0", "https://www.youtube-nocookie.com/embed/Q0CbN8sfihY",
                "https://www.youtube.com/watch?v=Q0CbN8sfihY&t=4", "https://youtu.be/Q0CbN8sfihY", "Q0CbN8sfihY"):
        assert youtube_video_id(url) == "Q0CbN8sfihY"
    assert youtube_video_id("https://www.youtube.com/embed/videoseries?list=PL123") is None
    assert facebook_post("https://www.facebook.com/WPDeveloperNet/posts/964388203581391") == ("WPDeveloperNet", "964388203581391")
    assert facebook_post("https://www.facebook.com/permalink.php?story_fbid=pfbid02abc&id=100064") == (None, "pfbid02abc")
    assert facebook_post("https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2FPage%2Fvideos%2F123")[1] == "123"


def test_times_that_ids_encode():
    from datetime import datetime, timezone

    from pipeline.platforms import bluesky_tid_time, instagram_shortcode_time, mastodon_id_time, tiktok_id_time

    # The embed says "March 17, 2025 at 6:17 PM" in the viewer's zone (US Pacific): 01:17 UTC the next day.
    assert bluesky_tid_time("3lkmippmnak2b") == datetime(2025, 3, 18, 1, 17, 33, 346000, tzinfo=timezone.utc)
    assert bluesky_tid_time("not-a-tid") is None
    assert mastodon_id_time("109683757201594015") == datetime(2023, 1, 13, 20, 21, 54, 721000, tzinfo=timezone.utc)
    assert mastodon_id_time("12345") is None  # pre-2.0 sequential ids carry no time
    assert tiktok_id_time("7295627671319383328") == datetime(2023, 10, 30, 6, 1, 26, tzinfo=timezone.utc)
    # The Threads post TechCrunch embedded in its 2024-02-16 story, and an Instagram post of 2022-10-16.
    assert instagram_shortcode_time("C3Z6gi_rJ4S") == datetime(2024, 2, 16, 10, 24, 25, 432000, tzinfo=timezone.utc)
    assert instagram_shortcode_time("CjxGJJLOpCq").date().isoformat() == "2022-10-16"
    assert instagram_shortcode_time("short") is None
