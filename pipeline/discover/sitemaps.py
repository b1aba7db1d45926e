"""Sitemaps (sitemaps.org 0.9, Google News extension) and sitemap indexes to entries, with lxml.

Parsing only: bytes in, `Sitemap` out. Elements are matched by local name, so sitemaps with a missing or wrong
namespace (common) still read. The publication time is `news:publication_date` when present, else `lastmod`.
gzip-compressed sitemaps are inflated with a bound (the protocol caps a sitemap at 50 MB uncompressed). The XML parser
resolves no entities and loads nothing from the network (no XXE, no billion laughs). A plain-text sitemap (one URL a
line) is read too.
"""
from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from urllib.parse import urljoin

from lxml import etree

from pipeline.discover.entries import Entry

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# sitemaps.org: "no larger than 50MB (52,428,800 bytes)" uncompressed.
MAX_SITEMAP_BYTES = 52_428_800


class SitemapError(ValueError):
    """Bytes that are not a sitemap."""


@dataclass(slots=True)
class Sitemap:
    entries: list[Entry] = field(default_factory=list)  # pages (<urlset>)
    sitemaps: list[Entry] = field(default_factory=list)  # child sitemaps (<sitemapindex>), published_at = lastmod


def parse_w3c_datetime(text: str | None) -> datetime | None:
    """A W3C datetime (`2024-08-05`, `2024-08-05T10:00Z`, `…+01:00`, fractions) in UTC; naive times are taken as UTC."""
    if not text:
        return None
    text = text.strip()
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc)


def inflate(body: bytes, limit: int = MAX_SITEMAP_BYTES) -> bytes:
    """gzip bytes inflated, at most `limit` bytes (SitemapError past it); other bytes unchanged."""
    if not body.startswith(b"\x1f\x8b"):
        return body
    inflater = zlib.decompressobj(31)
    try:
        out = inflater.decompress(body, limit + 1)
    except zlib.error as exc:
        raise SitemapError(f"broken gzip: {exc}") from None
    if len(out) > limit:
        raise SitemapError(f"inflates to more than {limit:,} bytes, the sitemap protocol's limit")
    return out


def _local(tag) -> str:
    return etree.QName(tag).localname.lower() if isinstance(tag, str) else ""


def _child_text(element, *names: str) -> str | None:
    for child in element.iter():
        if _local(child.tag) in names and child.text and child.text.strip():
            return child.text.strip()
    return None


def parse_sitemap(body: bytes, base_url: str | None = None, source: str | None = None) -> Sitemap:
    body = inflate(body)
    stripped = body.lstrip()
    if not stripped.startswith(b"<"):
        lines = [line.strip() for line in body.decode("utf-8", errors="replace").splitlines()]
        if not any(line.startswith(("http://", "https://")) for line in lines):
            raise SitemapError("neither XML nor a list of URLs")
        # Every line that names a scheme is an entry, whatever the scheme: discovery decides what may be opened
        # (pipeline/provenance.py) and reports what may not.
        urls = [line for line in lines if _SCHEME.match(line) and not any(c.isspace() for c in line)]
        return Sitemap(entries=[Entry(u, None, None, source) for u in urls])
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True,
                             remove_comments=True)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise SitemapError(f"not XML: {exc}") from None
    if root is None:
        raise SitemapError("empty document")
    kind = _local(root.tag)
    result = Sitemap()
    if kind not in ("urlset", "sitemapindex"):
        raise SitemapError(f"root element is <{kind}>, not <urlset> or <sitemapindex>")
    for item in root:
        name = _local(item.tag)
        if name not in ("url", "sitemap"):
            continue
        loc = None
        for child in item:
            if _local(child.tag) == "loc" and child.text:
                loc = child.text.strip()
                break
        if not loc:
            continue
        if base_url:
            loc = urljoin(base_url, loc)
        if name == "sitemap":
            result.sitemaps.append(Entry(loc, parse_w3c_datetime(_child_text(item, "lastmod")), None, source, "sitemap"))
            continue
        published = parse_w3c_datetime(_child_text(item, "publication_date")) or \
            parse_w3c_datetime(_child_text(item, "lastmod"))
        title = _child_text(item, "title")
        result.entries.append(Entry(loc, published, title, source))
    return result
