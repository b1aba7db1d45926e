"""Enrichment against fake platform endpoints on our own server: found, gone, transient, cached."""
from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from pipeline.enrich import EnrichSettings, Enricher
from pipeline.enrich.endpoints import ENDPOINTS
from pipeline.fetch import Fetcher
from pipeline.model import Entity, SocialPost
from tests.fetch_support import Reply, Req

FIXTURES = Path(__file__).parent / "fixtures" / "enrich"
UTC = timezone.utc
NOW = datetime(2026, 1, 10, 12, tzinfo=UTC)
DID = "did:plc:gie4wy6vo4ixac455zwxapw6"
RKEY = "3lkmippmnak2b"


def _json(data, status: int = 200) -> Reply:
    return Reply(status, json.dumps(data).encode(), content_type="application/json; charset=utf-8")


@pytest.fixture
def enricher(server, settings, tmp_path):
    enrich_settings = EnrichSettings(
        x_oembed_url=server.url("/oembed"),
        bluesky_appview=server.url(""),
        youtube_oembed_url=server.url("/yt-oembed"),
        fetch=dataclasses.replace(settings, obey_robots=False),
    )
    with Fetcher(settings) as fetcher:
        yield Enricher(fetcher, enrich_settings, cache_path=tmp_path / "enrich-cache.json")


def _oembed(server):
    interior = (FIXTURES / "twitter_oembed_response_interior.json").read_bytes()

    def handler(req: Req) -> Reply:
        url = parse_qs(urlsplit(req.path).query)["url"][0]
        status_id = url.rsplit("/", 1)[1]
        if status_id == "463440424141459456":
            return Reply(body=interior, content_type="application/json; charset=utf-8")
        if status_id == "1":
            return _json({"error": "Sorry, you are not authorized to see this status."}, 403)
        if status_id == "2":
            return _json({"errors": [{"code": 144, "message": "No status found with that ID."}]}, 404)
        if status_id == "3":
            return Reply(503, b"over capacity", content_type="text/plain")
        return Reply(404, b"", content_type="text/plain")

    server.route("/oembed", handler)


def test_x_oembed_fills_text_author_and_time_from_id(server, enricher):
    _oembed(server)
    post = SocialPost("x", native_id="463440424141459456")
    result = enricher.enrich(post, NOW)
    got = result.post
    assert got.status == "ok" and got.checked_at == NOW
    assert got.text.startswith("Sunsets don't get much better than this one over @GrandTetonNPS. #nature #sunset")
    assert got.author_name == "US Department of the Interior" and got.author_handle == "Interior"
    assert got.posted_at == datetime(2014, 5, 5, 22, 9, 42, 79000, tzinfo=UTC)
    assert got.posted_at_precision == "millisecond" and got.language == "en"
    assert Entity("hashtag", "nature") in got.entities and Entity("mention", "GrandTetonNPS") in got.entities
    assert [r.outcome for r in result.records] == ["ok"]
    assert post.status == "unchecked" and post.text is None  # the caller's post is not modified


def test_x_page_values_are_kept_and_day_precision_sharpened(server, enricher):
    _oembed(server)
    post = SocialPost("x", url="https://twitter.com/Interior/status/463440424141459456", text="Text as the page had it",
                      posted_at=datetime(2014, 5, 5, tzinfo=UTC), posted_at_precision="day")
    got = enricher.enrich(post, NOW).post
    assert got.text == "Text as the page had it" and got.native_id == "463440424141459456"
    assert got.posted_at_precision == "millisecond"


@pytest.mark.parametrize("status_id, why", [("1", "HTTP 403"), ("2", "No status found"), ("999", "HTTP 404")])
def test_x_gone_posts_are_unavailable_with_time_checked(server, enricher, status_id, why):
    _oembed(server)
    result = enricher.enrich(SocialPost("x", native_id=status_id), NOW)
    assert result.post.status == "unavailable" and result.post.checked_at == NOW
    assert why in result.note
    assert len(result.records) == 1  # a gone post is not retried


def test_x_transient_failure_leaves_post_unchecked_and_uncached(server, enricher):
    _oembed(server)
    result = enricher.enrich(SocialPost("x", native_id="3"), NOW)
    assert result.post.status == "unchecked" and result.post.checked_at is None
    assert result.records[-1].outcome == "retry_exhausted" and "unchecked" in result.note
    again = enricher.enrich(SocialPost("x", native_id="3"), NOW)
    assert not again.from_cache and again.records  # asked again next time


def _bluesky(server):
    post_view = {
        "uri": f"at://{DID}/app.bsky.feed.post/{RKEY}", "cid": "bafyreihug6odgdeb6xdxm4lm72eilw2hy5gqlye4gdelqu6pirzzts4qga",
        "author": {"did": DID, "handle": "jearil.bsky.social", "displayName": "Colin ➡️ GDC"},
        "record": {"$type": "app.bsky.feed.post", "createdAt": "2025-03-17T18:17:45.123Z", "langs": ["en"],
                   "text": "I sometimes hesitate to call myself a #gamedev because I haven't released a game",
                   "facets": [{"index": {"byteStart": 38, "byteEnd": 46},
                               "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "gamedev"}]}]},
        "indexedAt": "2025-03-17T18:17:46.000Z",
    }

    def resolve(req: Req) -> Reply:
        handle = parse_qs(urlsplit(req.path).query)["handle"][0]
        if handle == "jearil.bsky.social":
            return _json({"did": DID})
        return _json({"error": "InvalidRequest", "message": "Unable to resolve handle"}, 400)

    def thread(req: Req) -> Reply:
        uri = parse_qs(urlsplit(req.path).query)["uri"][0]
        if uri == f"at://{DID}/app.bsky.feed.post/{RKEY}":
            return _json({"thread": {"$type": "app.bsky.feed.defs#threadViewPost", "post": post_view, "replies": []}})
        if uri.endswith("/deleted1"):
            return _json({"thread": {"$type": "app.bsky.feed.defs#notFoundPost", "uri": uri, "notFound": True}})
        return _json({"error": "NotFound", "message": f"Post not found: {uri}"}, 400)

    server.route("/xrpc/com.atproto.identity.resolveHandle", resolve)
    server.route("/xrpc/app.bsky.feed.getPostThread", thread)


def test_bluesky_by_handle_url_is_resolved_and_filled(server, enricher):
    _bluesky(server)
    post = SocialPost("bluesky", url=f"https://bsky.app/profile/jearil.bsky.social/post/{RKEY}")
    result = enricher.enrich(post, NOW)
    got = result.post
    # named as the parser names a Bluesky post (`<did>/<rkey>`), so the same post read elsewhere is one row
    assert got.status == "ok" and got.native_id == f"{DID}/{RKEY}"
    assert got.author_handle == "jearil.bsky.social" and got.author_name == "Colin ➡️ GDC"
    assert got.posted_at == datetime(2025, 3, 17, 18, 17, 45, 123000, tzinfo=UTC) and got.language == "en"
    assert got.text.startswith("I sometimes hesitate") and Entity("hashtag", "gamedev") in got.entities
    assert [urlsplit(r.url).path for r in result.records] == ["/xrpc/com.atproto.identity.resolveHandle",
                                                             "/xrpc/app.bsky.feed.getPostThread"]


@pytest.mark.parametrize("native_id, url", [
    (f"at://{DID}/app.bsky.feed.post/deleted1", None),  # notFoundPost in the thread
    (f"at://{DID}/app.bsky.feed.post/deleted2", None),  # 400 NotFound
    (None, "https://bsky.app/profile/gone.bsky.social/post/abc"),  # handle no longer resolves
])
def test_bluesky_gone_posts_are_unavailable(server, enricher, native_id, url):
    _bluesky(server)
    result = enricher.enrich(SocialPost("bluesky", native_id=native_id, url=url), NOW)
    assert result.post.status == "unavailable" and result.post.checked_at == NOW


def _mastodon(server):
    status = {
        "id": "113000000000000001", "created_at": "2024-08-05T20:01:02.345Z", "language": "en",
        "url": server.url("/@newsdesk/113000000000000001"),
        "content": "<p>Road closures in <a href=\"https://x/tags/plymouth\">#<span>Plymouth</span></a> from 15:30.</p>"
                   "<p>Buses diverted.</p>",
        "account": {"id": "1", "username": "newsdesk", "acct": "newsdesk", "display_name": "News Desk"},
        "tags": [{"name": "plymouth", "url": "https://x/tags/plymouth"}], "mentions": [], "media_attachments": [],
    }
    server.route("/api/v1/statuses/113000000000000001", _json(status))
    server.route("/api/v1/statuses/404", _json({"error": "Record not found"}, 404))
    server.route("/api/v1/statuses/401", _json({"error": "This API requires an authenticated user"}, 401))


def test_mastodon_status_on_its_instance(server, enricher):
    _mastodon(server)
    result = enricher.enrich(SocialPost("mastodon", url=server.url("/@newsdesk/113000000000000001")), NOW)
    got = result.post
    assert got.status == "ok" and got.text == "Road closures in #Plymouth from 15:30.\nBuses diverted."
    assert got.author_handle == f"newsdesk@127.0.0.1:{server.port}" and got.author_name == "News Desk"
    assert got.posted_at == datetime(2024, 8, 5, 20, 1, 2, 345000, tzinfo=UTC)
    # named as the parser names a Mastodon post (`<host>/<status id>`)
    assert got.native_id == "127.0.0.1/113000000000000001" and Entity("hashtag", "plymouth") in got.entities


def test_mastodon_gone_and_login_required(server, enricher):
    _mastodon(server)
    gone = enricher.enrich(SocialPost("mastodon", url=server.url("/@newsdesk/404")), NOW)
    login = enricher.enrich(SocialPost("mastodon", url=server.url("/@newsdesk/401")), NOW)
    assert gone.post.status == "unavailable" and gone.post.checked_at == NOW
    assert login.post.status == "unchecked" and "requires a login" in login.note


def test_results_are_cached_in_memory_and_on_disk(server, settings, enricher, tmp_path):
    _oembed(server)
    post = SocialPost("x", native_id="463440424141459456")
    enricher.enrich(post, NOW)
    enricher.enrich(SocialPost("x", native_id="2"), NOW)
    hits = len(server.hits("/oembed"))
    again = enricher.enrich(post, NOW)
    assert again.from_cache and again.records == [] and again.post.author_handle == "Interior"
    assert len(server.hits("/oembed")) == hits
    enricher.close()

    with Fetcher(settings) as fetcher:
        fresh = Enricher(fetcher, enricher.settings, cache_path=tmp_path / "enrich-cache.json")
        from_disk = fresh.enrich(post, NOW + timedelta(days=30))
        gone_later = fresh.enrich(SocialPost("x", native_id="2"), NOW + timedelta(days=1))
        recheck = fresh.enrich(SocialPost("x", native_id="2"), NOW + timedelta(days=8))
    assert from_disk.from_cache and from_disk.post.text.startswith("Sunsets")
    assert gone_later.from_cache and gone_later.post.status == "unavailable"
    assert not recheck.from_cache  # unavailable posts are asked again after unavailable_ttl
    assert len(server.hits("/oembed")) == hits + 1


def test_platforms_without_tokenless_endpoint_and_bugs_never_raise(server, enricher, monkeypatch):
    result = enricher.enrich(SocialPost("instagram", url="https://www.instagram.com/p/Cx/"), NOW)
    assert result.post.status == "unchecked" and "no endpoint" in result.note and result.records == []

    def boom(_post, _settings, _get):
        raise RuntimeError("bug")

    monkeypatch.setitem(ENDPOINTS, "x_oembed", boom)
    broken = enricher.enrich(SocialPost("x", native_id="5"), NOW)
    assert broken.post.status == "unchecked" and "internal error" in broken.note


def test_youtube_oembed(server, enricher):
    server.route("/yt-oembed", _json({"title": "Press conference", "author_name": "Channel",
                                      "author_url": "https://www.youtube.com/@channel", "type": "video"}))
    got = enricher.enrich(SocialPost("youtube", native_id="dQw4w9WgXcQ"), NOW).post
    assert got.status == "ok" and got.text == "Press conference" and got.author_handle == "channel"


def test_enrichment_endpoints_go_through_the_address_guard(settings, tmp_path):
    strict = EnrichSettings(fetch=dataclasses.replace(settings, allow_networks=(), obey_robots=False))
    with Fetcher(settings) as fetcher:
        enricher = Enricher(fetcher, strict)
        result = enricher.enrich(SocialPost("mastodon", url="http://169.254.169.254/@x/1"), NOW)
    assert result.post.status == "unchecked" and result.records[0].outcome == "refused"


def test_urls_in_an_answer_are_kept_only_when_they_are_web_links_the_guard_allows(server, enricher):
    """An API answer is fetched content: its URLs must be http(s) and pass the address guard (pipeline/provenance)."""
    hostile = ["file:///etc/passwd", "javascript:alert(document.cookie)", "http://169.254.169.254/latest/meta-data/",
               "data:image/png;base64,AAAA"]
    status = {
        "id": "113000000000000002", "created_at": "2024-08-05T20:01:02Z", "language": "en",
        "url": server.url("/@newsdesk/113000000000000002"), "content": "<p>Photos.</p>",
        "account": {"id": "1", "username": "newsdesk", "acct": "newsdesk"}, "tags": [], "mentions": [],
        "media_attachments": [{"url": url} for url in [*hostile, "https://files.example/photo.jpg"]],
    }
    server.route("/api/v1/statuses/113000000000000002", _json(status))
    result = enricher.enrich(SocialPost("mastodon", url=server.url("/@newsdesk/113000000000000002")), NOW)
    assert result.post.status == "ok" and result.post.text == "Photos."
    assert [e.value for e in result.post.entities if e.kind == "media"] == ["https://files.example/photo.jpg"]
    assert result.note.startswith("4 URL(s) in the answer dropped, e.g. 'file:///etc/passwd' uses the scheme 'file'")
