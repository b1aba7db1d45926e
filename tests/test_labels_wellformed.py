"""The labelled set is well-formed: every label parses, points to a page that exists, uses only the known keys, and
writes post ids, dates and counts the way tests/fixtures/labels/README.md says."""
from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from pipeline.platforms import PLATFORMS
from tests.labels import FIXTURES, LABELS_DIR, POST_ID, load_labels, read_page

LABEL_FILES = sorted(LABELS_DIR.glob("*.json"))

TOP_KEYS = {"page", "url", "kind", "expect", "notes"}
REQUIRED_TOP = {"page", "kind", "expect", "notes"}
KINDS = {"liveblog", "article", "tweet-embed", "social-embed", "embed-page"}
EXPECT_KEYS = {
    "title", "canonical_url", "site", "language", "published_at", "is_liveblog", "authors",
    "body_contains", "body_excludes", "entries", "posts", "embeds",
}
ENTRIES_KEYS = {"count", "samples"}
ENTRY_SAMPLE_KEYS = {"native_id", "published_at", "headline", "text_starts", "posts"}
POSTS_KEYS = {"count", "ids", "samples"}
POST_SAMPLE_KEYS = {"post_id", "author_handle", "author_name", "text_starts", "entry_native_id"}
EMBEDS_KEYS = {"count"}

# Z-suffixed UTC with optional fractional seconds: the only form labels use for instants.
UTC_INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?Z$")
TRACKING_PARAM = re.compile(r"^(?:utm_.*|fbclid|gclid|ref|ref_src|igshid|mc_cid|mc_eid)$", re.IGNORECASE)


def _raw(path: Path) -> dict:
    with path.open(encoding="utf-8") as handle:
        return json.load(handle)


def _check_instant(value: str, where: str) -> None:
    assert isinstance(value, str) and UTC_INSTANT.match(value), f"{where}: {value!r} is not a UTC instant ending in Z"
    datetime.fromisoformat(value.replace("Z", "+00:00"))


def _check_strings(values, where: str, low: int, high: int) -> None:
    assert isinstance(values, list) and low <= len(values) <= high, f"{where}: want {low}-{high} strings"
    for value in values:
        assert isinstance(value, str) and value.strip() == value and len(value) >= 10, f"{where}: bad string {value!r}"


def test_there_is_a_label_for_every_fixture_page():
    pages = {p.relative_to(FIXTURES).as_posix() for p in (FIXTURES / "corpus").glob("*.html.gz")}
    pages |= {p.relative_to(FIXTURES).as_posix() for p in (FIXTURES / "embed_pages").glob("*.html")}
    labelled = {_raw(path)["page"] for path in LABEL_FILES}
    assert pages, "no fixture pages found"
    assert pages == labelled, f"unlabelled: {sorted(pages - labelled)}; label without page: {sorted(labelled - pages)}"


def test_label_file_names_follow_their_pages():
    for path in LABEL_FILES:
        page = _raw(path)["page"]
        name = Path(page).name
        stem = name[: -len(".html.gz")] if name.endswith(".html.gz") else name[: -len(".html")]
        assert path.stem == stem, f"{path.name} describes {page}"


def test_loader_resolves_pages_and_reads_them():
    labels = load_labels()
    assert len(labels) == len(LABEL_FILES)
    for label in labels:
        assert Path(label["path"]).is_absolute() and Path(label["path"]).is_file(), label["page"]
        text = read_page(label)
        assert isinstance(text, str) and "<html" in text[:20000].lower(), label["page"]
        assert "\ufffd" not in text, f"{label['page']} did not decode cleanly with its declared charset"


@pytest.mark.parametrize("path", LABEL_FILES, ids=[p.stem for p in LABEL_FILES])
def test_label_is_well_formed(path: Path):
    label = _raw(path)
    where = path.name
    assert set(label) <= TOP_KEYS, f"{where}: unknown keys {set(label) - TOP_KEYS}"
    assert REQUIRED_TOP <= set(label), f"{where}: missing {REQUIRED_TOP - set(label)}"
    assert (FIXTURES / label["page"]).is_file(), f"{where}: no page {label['page']}"
    assert label["kind"] in KINDS, where
    assert isinstance(label["notes"], str) and len(label["notes"]) > 40, f"{where}: notes must say how facts were checked"
    if "url" in label:
        assert urlsplit(label["url"]).scheme in ("http", "https") and urlsplit(label["url"]).netloc, where

    expect = label["expect"]
    assert set(expect) <= EXPECT_KEYS, f"{where}: unknown expect keys {set(expect) - EXPECT_KEYS}"
    # Facts every page must have (title only where the page has one; all ours do).
    for key in ("title", "is_liveblog", "body_contains", "body_excludes", "posts", "embeds"):
        assert key in expect, f"{where}: missing expect.{key}"

    assert isinstance(expect["title"], str) and expect["title"].strip() == expect["title"] and expect["title"], where
    assert isinstance(expect["is_liveblog"], bool), where
    if "canonical_url" in expect:
        parts = urlsplit(expect["canonical_url"])
        assert parts.scheme in ("http", "https") and parts.netloc, where
        assert not parts.fragment, f"{where}: canonical_url keeps a fragment"
        assert not any(TRACKING_PARAM.match(k) for k, _ in parse_qsl(parts.query)), f"{where}: tracking parameter left"
    if "site" in expect:
        assert isinstance(expect["site"], str) and expect["site"], where
    if "language" in expect:
        assert re.fullmatch(r"[a-z]{2,3}(?:-[A-Za-z0-9]+)*", expect["language"]), where
    if "published_at" in expect:
        _check_instant(expect["published_at"], f"{where} published_at")
    if "authors" in expect:
        authors = expect["authors"]
        assert isinstance(authors, list) and authors and all(isinstance(a, str) and a for a in authors), where
        assert len({a.casefold() for a in authors}) == len(authors), f"{where}: duplicate author"
    _check_strings(expect["body_contains"], f"{where} body_contains", 2, 4)
    _check_strings(expect["body_excludes"], f"{where} body_excludes", 2, 4)
    assert not set(expect["body_contains"]) & set(expect["body_excludes"]), where

    posts = expect["posts"]
    assert set(posts) <= POSTS_KEYS and "count" in posts and "ids" in posts, where
    ids = posts["ids"]
    assert isinstance(ids, list) and len(ids) == len(set(ids)) == posts["count"], f"{where}: posts.count != distinct ids"
    for post_id in ids:
        platform = post_id.split(":", 1)[0]
        assert platform in PLATFORMS, f"{where}: unknown platform in {post_id!r}"
        assert POST_ID[platform].match(post_id), f"{where}: {post_id!r} does not follow the {platform} convention"
    for sample in posts.get("samples", []):
        assert set(sample) <= POST_SAMPLE_KEYS and "post_id" in sample, f"{where}: bad post sample {sample}"
        assert len(sample) > 1, f"{where}: post sample {sample['post_id']} states no fact"
        assert sample["post_id"] in ids, f"{where}: sample {sample['post_id']} not in posts.ids"
        if "author_handle" in sample:
            assert not sample["author_handle"].startswith("@"), f"{where}: handles are written without @"

    embeds = expect["embeds"]
    assert set(embeds) <= EMBEDS_KEYS and isinstance(embeds.get("count"), int), where
    assert embeds["count"] >= posts["count"], f"{where}: fewer places than posts"
    assert (embeds["count"] == 0) == (posts["count"] == 0), where

    entries = expect.get("entries")
    if expect["is_liveblog"]:
        assert entries is not None and entries.get("count", 0) > 0, f"{where}: a live blog needs entries.count"
    if entries is not None:
        assert set(entries) <= ENTRIES_KEYS and isinstance(entries.get("count"), int), where
        samples = entries.get("samples", [])
        if expect["is_liveblog"]:
            assert 2 <= len(samples) <= 4, f"{where}: want 2-4 entry samples"
        native_ids = [s["native_id"] for s in samples if "native_id" in s]
        assert len(native_ids) == len(set(native_ids)), where
        in_entries = set()
        for sample in samples:
            assert set(sample) <= ENTRY_SAMPLE_KEYS, f"{where}: bad entry sample {sample}"
            assert {"native_id", "headline", "text_starts"} & set(sample), f"{where}: entry sample with no identity"
            if "published_at" in sample:
                _check_instant(sample["published_at"], f"{where} entry {sample.get('native_id')}")
            for post_id in sample.get("posts", []):
                assert post_id in ids, f"{where}: entry post {post_id} not in posts.ids"
                in_entries.add(post_id)
        for sample in posts.get("samples", []):
            if "entry_native_id" in sample:
                assert sample["entry_native_id"] in native_ids, f"{where}: entry_native_id not among entry samples"
                entry = next(s for s in samples if s.get("native_id") == sample["entry_native_id"])
                assert sample["post_id"] in entry.get("posts", []), f"{where}: post/entry link not symmetric"
    else:
        assert not any("entry_native_id" in s for s in posts.get("samples", [])), where
