"""Bluesky: the AppView's `app.bsky.feed.getPostThread` (a handle first resolved to a DID through
`com.atproto.identity.resolveHandle`) gives all of a post."""
from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urlencode

from pipeline.enrich import relations
from pipeline.enrich.endpoints.common import Call, Get, gone, plain, transient_note, utc
from pipeline.enrich.targets import bluesky_native_id, bluesky_target
from pipeline.model import Entity, FetchRecord, SocialPost

if TYPE_CHECKING:
    from pipeline.enrich.enricher import EnrichSettings


def ask(post: SocialPost, settings: "EnrichSettings", get: Get) -> Call:
    target = bluesky_target(post.native_id, post.url)
    if target is None:
        return Call(note="no Bluesky post URI or URL to ask about")
    base = settings.bluesky_appview.rstrip("/")
    records: list[FetchRecord] = []
    did = target.actor if target.is_did else None
    if did is None:
        endpoint = f"{base}/xrpc/com.atproto.identity.resolveHandle?" + urlencode({"handle": target.actor})
        result, data = get(endpoint)
        records += result.records
        if isinstance(data, dict) and data.get("did"):
            did = data["did"]
        elif result.records and result.records[-1].http_status == 400:
            return Call(records, endpoint, {"status": "unavailable"},
                        note=f"the handle {target.actor} no longer resolves")
        else:
            return Call(records, endpoint, note=transient_note(result))
    uri = target.at_uri(did)
    endpoint = f"{base}/xrpc/app.bsky.feed.getPostThread?" + urlencode({"uri": uri, "depth": 0, "parentHeight": 0})
    result, data = get(endpoint)
    records += result.records
    thread = data.get("thread") if isinstance(data, dict) else None
    kind = (thread or {}).get("$type", "") if isinstance(thread, dict) else ""
    if kind.endswith("#notFoundPost") or kind.endswith("#blockedPost") or gone(result, data):
        return Call(records, endpoint, {"status": "unavailable"}, note="Bluesky says the post is gone or blocked")
    if not result.ok or not kind.endswith("#threadViewPost"):
        return Call(records, endpoint, note=transient_note(result))
    view = thread["post"]
    record = view.get("record") or {}
    author = view.get("author") or {}
    when, precision = utc(record.get("createdAt"))
    handle = author.get("handle")
    found = {
        "status": "ok", "native_id": bluesky_native_id(did, target.rkey), "text": record.get("text"),
        "author_handle": handle, "author_name": author.get("displayName") or None,
        "language": (record.get("langs") or [None])[0],
        "posted_at": when.isoformat() if when else None, "posted_at_precision": precision,
        "url": f"https://bsky.app/profile/{handle or did}/post/{target.rkey}",
        "entities": _bluesky_entities(record),
        "relations": relations.bluesky_relations(view),
    }
    return Call(records, endpoint, found)


def _bluesky_entities(record: dict) -> list[list[str]]:
    entities: list[Entity] = []
    for facet in record.get("facets") or []:
        for feature in facet.get("features") or []:
            kind = feature.get("$type", "")
            if kind.endswith("#tag") and feature.get("tag"):
                entities.append(Entity("hashtag", feature["tag"]))
            elif kind.endswith("#mention") and feature.get("did"):
                entities.append(Entity("mention", feature["did"]))
            elif kind.endswith("#link") and feature.get("uri"):
                entities.append(Entity("url", feature["uri"]))
    return plain(entities)
