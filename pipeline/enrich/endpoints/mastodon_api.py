"""Mastodon: `/api/v1/statuses/:id` on the post's own instance (from its URL) gives all of a post; an instance that
wants a login (authorized fetch) answers 401 and the post stays unchecked."""
from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from pipeline.enrich import relations
from pipeline.enrich.endpoints.common import Call, Get, gone, html_text, plain, transient_note, utc
from pipeline.enrich.targets import mastodon_target
from pipeline.model import Entity, SocialPost

if TYPE_CHECKING:
    from pipeline.enrich.enricher import EnrichSettings


def ask(post: SocialPost, settings: "EnrichSettings", get: Get) -> Call:
    target = mastodon_target(post.url)
    if target is None:
        return Call(note="no Mastodon status URL to ask about")
    base = (settings.mastodon_base or target.base).rstrip("/")
    endpoint = f"{base}/api/v1/statuses/{quote(target.status_id)}"
    result, data = get(endpoint)
    why_gone = gone(result, data)
    if why_gone:
        return Call.unavailable(result, endpoint, why_gone)
    if not result.ok or not isinstance(data, dict) or "id" not in data:
        note = transient_note(result)
        if result.records and result.records[-1].http_status == 401:
            note = f"{target.instance} requires a login to read statuses (authorized fetch); left unchecked"
        return Call(result.records, endpoint, note=note)
    account = data.get("account") or {}
    acct = account.get("acct") or account.get("username")
    if acct and "@" not in acct:
        acct = f"{acct}@{target.instance}"
    when, precision = utc(data.get("created_at"))
    entities = [Entity("hashtag", t["name"]) for t in data.get("tags") or [] if t.get("name")]
    entities += [Entity("mention", m["acct"]) for m in data.get("mentions") or [] if m.get("acct")]
    entities += [Entity("media", m["url"]) for m in data.get("media_attachments") or [] if m.get("url")]
    found = {
        "status": "ok", "native_id": post.native_id or target.native_id, "text": html_text(data.get("content")),
        "author_handle": acct, "author_name": account.get("display_name") or None,
        "language": data.get("language"), "posted_at": when.isoformat() if when else None,
        "posted_at_precision": precision, "url": data.get("url"), "entities": plain(entities),
        "relations": relations.mastodon_relations(data, target.instance, html_text),
    }
    return Call(result.records, endpoint, found)
