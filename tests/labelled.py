"""Check a parsed page against a label of `tests/fixtures/labels/` (format: that folder's README, when present).

`check(label, page)` returns the facts that failed (empty when the page is right) and the counts the per-kind
table reports. Used by `tests/test_labelled_set.py`; `python -m tests.labelled` prints the table on its own.
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from pipeline.keys import post_id
from pipeline.model import Document, Page
from tests.labels import load_labels, read_page

__all__ = ["check", "document", "load_labels", "table", "run_all"]



def document(label: dict) -> Document:
    return Document(source=label["page"], content=read_page(label), kind="html", url=label.get("url"))


@dataclass
class Outcome:
    failures: list[str] = field(default_factory=list)
    entries_found: int = 0
    entries_expected: int = 0
    posts_found: int = 0
    posts_expected: int = 0


def _time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def _same_time(found: datetime | None, expected: str) -> bool:
    return found is not None and found == _time(expected)


def _squash(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def _find_entry(page: Page, by_id: dict, sample: dict):
    if sample.get("native_id"):
        return by_id.get(sample["native_id"])
    for entry in page.entries:
        if "headline" in sample and _squash(entry.headline) == _squash(sample["headline"]):
            return entry
        if "headline" not in sample and _squash(entry.text).startswith(_squash(sample.get("text_starts"))):
            return entry
    return None


def check(label: dict, page: Page) -> Outcome:
    expect = label["expect"]
    out = Outcome()
    fail = out.failures.append
    for key in ("canonical_url", "is_liveblog"):
        if key in expect and getattr(page, key) != expect[key]:
            fail(f"{key}: {getattr(page, key)!r} != {expect[key]!r}")
    if "title" in expect and _squash(page.title) != _squash(expect["title"]):
        fail(f"title: {page.title!r} != {expect['title']!r}")
    if "site" in expect and (page.site or "").casefold() != expect["site"].casefold():
        fail(f"site: {page.site!r} != {expect['site']!r}")
    if "language" in expect and (page.language or "")[:2].lower() != expect["language"][:2].lower():
        fail(f"language: {page.language!r} != {expect['language']!r}")
    if "published_at" in expect and not _same_time(page.published_at, expect["published_at"]):
        fail(f"published_at: {page.published_at} != {expect['published_at']}")
    if "authors" in expect and {a.casefold() for a in page.authors} != {a.casefold() for a in expect["authors"]}:
        fail(f"authors: {page.authors!r} != {expect['authors']!r}")
    body = _squash(page.body_text)
    for text in expect.get("body_contains", []):
        if _squash(text) not in body:
            fail(f"body lacks {text[:60]!r}")
    for text in expect.get("body_excludes", []):
        if _squash(text) in body:
            fail(f"body has {text[:60]!r}")

    embed_posts: dict[int, list[str]] = {}
    for embed in page.embeds:
        if embed.entry_position is not None:
            embed_posts.setdefault(embed.entry_position, []).append(post_id(embed.post))
    if "entries" in expect:
        entries = expect["entries"]
        out.entries_expected = entries.get("count", 0)
        out.entries_found = len(page.entries)
        if len(page.entries) != entries.get("count", 0):
            fail(f"entries: {len(page.entries)} != {entries.get('count')}")
        by_id = {entry.native_id: entry for entry in page.entries if entry.native_id}
        for sample in entries.get("samples", []):
            entry = _find_entry(page, by_id, sample)
            name = sample.get("native_id") or sample.get("headline") or sample.get("text_starts")
            if entry is None:
                fail(f"entry {name!r} missing")
                continue
            if "published_at" in sample and not _same_time(entry.published_at, sample["published_at"]):
                fail(f"entry {name!r} published_at {entry.published_at} != {sample['published_at']}")
            if "headline" in sample and _squash(entry.headline) != _squash(sample["headline"]):
                fail(f"entry {name!r} headline {entry.headline!r} != {sample['headline']!r}")
            if "text_starts" in sample and not _squash(entry.text).startswith(_squash(sample["text_starts"])):
                fail(f"entry {name!r} text {_squash(entry.text)[:60]!r}")
            if "posts" in sample and sorted(embed_posts.get(entry.position, [])) != sorted(sample["posts"]):
                fail(f"entry {name!r} posts {embed_posts.get(entry.position, [])} != {sample['posts']}")
    if "posts" in expect:
        posts = expect["posts"]
        found_ids = list(dict.fromkeys(post_id(embed.post) for embed in page.embeds))
        out.posts_expected = posts.get("count", 0)
        out.posts_found = len(set(found_ids) & set(posts.get("ids", []))) if "ids" in posts else len(found_ids)
        if len(found_ids) != posts.get("count", 0):
            fail(f"posts: {len(found_ids)} != {posts.get('count')}")
        if "ids" in posts and sorted(found_ids) != sorted(posts["ids"]):
            fail(f"post ids: missing {sorted(set(posts['ids']) - set(found_ids))}, extra {sorted(set(found_ids) - set(posts['ids']))}")
        by_post = {}
        for embed in page.embeds:
            by_post.setdefault(post_id(embed.post), embed)
        for sample in posts.get("samples", []):
            embed = by_post.get(sample["post_id"])
            if embed is None:
                fail(f"post {sample['post_id']} missing")
                continue
            post = embed.post
            if "author_handle" in sample and (post.author_handle or "").casefold() != sample["author_handle"].casefold():
                fail(f"post {sample['post_id']} author_handle {post.author_handle!r} != {sample['author_handle']!r}")
            for key in ("author_name", "url", "language"):
                if key in sample and getattr(post, key) != sample[key]:
                    fail(f"post {sample['post_id']} {key} {getattr(post, key)!r} != {sample[key]!r}")
            if "posted_at" in sample and not _same_time(post.posted_at, sample["posted_at"]):
                fail(f"post {sample['post_id']} posted_at {post.posted_at} != {sample['posted_at']}")
            if "text_starts" in sample and not _squash(post.text).startswith(_squash(sample["text_starts"])):
                fail(f"post {sample['post_id']} text {_squash(post.text)[:60]!r}")
            if "entry_native_id" in sample:
                entry = page.entries[embed.entry_position - 1] if embed.entry_position else None
                if entry is None or entry.native_id != sample["entry_native_id"]:
                    fail(f"post {sample['post_id']} in entry {entry.native_id if entry else None!r}")
    if "embeds" in expect and len(page.embeds) != expect["embeds"].get("count", 0):
        fail(f"embeds: {len(page.embeds)} != {expect['embeds'].get('count')}")
    return out


def table(results: list[tuple[dict, Outcome]]) -> str:
    kinds: dict[str, list[int]] = {}
    for label, out in results:
        row = kinds.setdefault(label.get("kind", "?"), [0, 0, 0, 0, 0, 0])
        row[0] += not out.failures
        row[1] += 1
        row[2] += out.entries_found
        row[3] += out.entries_expected
        row[4] += out.posts_found
        row[5] += out.posts_expected
    lines = [f"{'kind':<14} {'pages right':>12} {'entries':>14} {'posts':>12}"]
    total = [0] * 6
    for kind, row in sorted(kinds.items()):
        total = [a + b for a, b in zip(total, row)]
        lines.append(f"{kind:<14} {row[0]:>5} / {row[1]:<4} {row[2]:>6} / {row[3]:<5} {row[4]:>4} / {row[5]:<5}")
    lines.append(f"{'all':<14} {total[0]:>5} / {total[1]:<4} {total[2]:>6} / {total[3]:<5} {total[4]:>4} / {total[5]:<5}")
    return "\n".join(lines)


def run_all(verbose: bool = True) -> list[tuple[dict, Outcome]]:
    from pipeline.parse import parse

    results = []
    for label in load_labels():
        page = parse(document(label)).page
        out = check(label, page)
        results.append((label, out))
        if verbose and out.failures:
            print(f"FAIL {label['id']}")
            for failure in out.failures:
                print(f"    {failure}")
    return results


if __name__ == "__main__":
    print(table(run_all()))
