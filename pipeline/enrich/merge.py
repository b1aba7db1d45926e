"""An endpoint's answer onto the post the page showed: only fields the page left empty are filled (and a
day-precision time is sharpened); URLs in an answer (the post's URL, link and media entities) are kept only when
they are http(s) and pass the address guard (pipeline/provenance.py)."""
from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from pipeline.enrich import relations
from pipeline.fetch.guard import AddressPolicy
from pipeline.model import Entity, SocialPost
from pipeline.provenance import web_refusal

_PRECISION_RANK = {None: -1, "day": 0, "minute": 1, "second": 2, "millisecond": 3}
_URL_ENTITIES = ("url", "media")  # entity kinds whose value is a URL


def drop_non_web_urls(found: dict[str, Any], policy: AddressPolicy) -> list[str]:
    """Remove from an answer the URLs (the post's `url`, `url` and `media` entities) that are not http(s) or that the
    address guard refuses: an API answer is fetched content (pipeline/provenance.py). Returns why each went."""
    dropped: list[str] = []
    if found.get("url") is not None:
        cause = web_refusal(str(found["url"]), policy)
        if cause:
            dropped.append(cause)
            del found["url"]
    if found.get("entities"):
        kept = []
        for kind, value in found["entities"]:
            cause = web_refusal(str(value), policy) if kind in _URL_ENTITIES else None
            if cause:
                dropped.append(cause)
            else:
                kept.append([kind, value])
        found["entities"] = kept
    dropped += relations.refused_urls(found.get("relations"), lambda url: web_refusal(url, policy))
    return dropped


def copy_post(post: SocialPost) -> SocialPost:
    return dataclasses.replace(post, entities=list(post.entities), thread=list(post.thread),
                               relations=list(post.relations))


def merge(post: SocialPost, found: dict[str, Any]) -> SocialPost:
    """A copy of `post` with the empty fields filled from `found`, the status and checked_at set."""
    merged = copy_post(post)
    merged.status = found.get("status", "unchecked")
    merged.checked_at = datetime.fromisoformat(found["checked_at"]) if found.get("checked_at") else None
    if merged.status != "ok":
        return merged
    for name in ("native_id", "url", "author_name", "author_handle", "text", "language"):
        if not getattr(merged, name) and found.get(name):
            setattr(merged, name, found[name])
    if found.get("posted_at") and _PRECISION_RANK.get(found.get("posted_at_precision"), -1) > \
            _PRECISION_RANK.get(merged.posted_at_precision if merged.posted_at else None, -1):
        merged.posted_at = datetime.fromisoformat(found["posted_at"])
        merged.posted_at_precision = found.get("posted_at_precision")
    merged.relations += relations.from_answer(found.get("relations"))
    have = set(merged.entities)
    for kind, value in found.get("entities") or []:
        entity = Entity(kind, value)
        if entity not in have:
            merged.entities.append(entity)
            have.add(entity)
    return merged
