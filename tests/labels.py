"""The hand-checked labelled set: load the labels and read the pages they describe.

Labels live in ``tests/fixtures/labels/*.json`` (format: ``tests/fixtures/labels/README.md``); each names its page
relative to ``tests/fixtures/``. Parser tests use::

    from tests.labels import load_labels, read_page

    for label in load_labels():
        html = read_page(label)
        ...  # parse, then compare with label["expect"]
"""
from __future__ import annotations

import codecs
import gzip
import json
import re
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LABELS_DIR = FIXTURES / "labels"

# <meta charset="…"> or <meta http-equiv="Content-Type" content="text/html; charset=…">, looked for in the first bytes.
_DECLARED_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_SNIFF_BYTES = 4096

# How the labelled set writes a post id of each platform of `pipeline.platforms.PLATFORMS` (fixtures/labels/README.md, Conventions).
POST_ID = {
    "x": re.compile(r"^x:[0-9]{1,20}$"),
    "bluesky": re.compile(r"^bluesky:did:(?:plc:[a-z2-7]{24}|web:[a-z0-9.-]+)/[a-z2-7]{13}$"),
    "mastodon": re.compile(r"^mastodon:(?:[a-z0-9-]+\.)+[a-z]{2,}/[0-9]+$"),
    "instagram": re.compile(r"^instagram:[A-Za-z0-9_-]{6,}$"),
    "threads": re.compile(r"^threads:[A-Za-z0-9_-]{6,}$"),
    "telegram": re.compile(r"^telegram:[A-Za-z][A-Za-z0-9_]{2,}/[0-9]+$"),
    "tiktok": re.compile(r"^tiktok:[0-9]{8,25}$"),
    "youtube": re.compile(r"^youtube:[A-Za-z0-9_-]{11}$"),
    "facebook": re.compile(r"^facebook:(?:[0-9]+|pfbid[A-Za-z0-9]+)$"),
}


def load_labels() -> list[dict]:
    """Every label, sorted by file name; ``label["path"]`` is the absolute path of its page, ``label["id"]`` the label's name."""
    labels = []
    for path in sorted(LABELS_DIR.glob("*.json")):
        with path.open(encoding="utf-8") as handle:
            label = json.load(handle)
        label["id"] = path.stem
        label["path"] = str((FIXTURES / label["page"]).resolve())
        labels.append(label)
    return labels


def page_bytes(label: dict) -> bytes:
    """The page's bytes as served, gunzipped when stored as ``.gz``."""
    path = Path(label["path"]) if "path" in label else FIXTURES / label["page"]
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data


def declared_charset(data: bytes) -> str | None:
    """The encoding the page declares (a BOM first, else a meta charset near the top), if Python knows it."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return name
    match = _DECLARED_CHARSET.search(data[:_SNIFF_BYTES])
    if not match:
        return None
    name = match.group(1).decode("ascii", "replace").strip().lower()
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def read_page(label: dict) -> str:
    """The page as text: gunzipped when needed, decoded with its declared charset, else UTF-8 with replacement."""
    data = page_bytes(label)
    charset = declared_charset(data)
    if charset:
        try:
            return data.decode(charset)
        except UnicodeDecodeError:
            return data.decode(charset, errors="replace")
    return data.decode("utf-8", errors="replace")
