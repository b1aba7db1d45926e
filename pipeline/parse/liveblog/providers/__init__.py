"""Ticker providers: live blogs whose entries a provider's script loads from the provider's public JSON, so the
page's HTML holds the embed code and no entries. One module per provider, each with

- `NAME`: names the provider in messages;
- `ENDPOINT`: the provider's JSON endpoint, or None when each page names its own;
- `MARKER`: bytes a page naming a feed holds (lower-cased): a quick test before parsing it;
- `find(root, endpoint=None) -> list[str]`: the JSON addresses the page's embed code names (empty when the page
  has none), asked of `endpoint` when given, else of `ENDPOINT`;
- `read(body: bytes, clock) -> ProviderAnswer`: the entries one JSON answer holds and whether they are the whole
  list; raises `ProviderError` when the answer is not what the provider sends.

Parsing does no I/O: the run fetches the addresses (`pipeline/tickers.py`, through the fetcher, its address guard
and archive) and hands the bodies back here.
"""
from __future__ import annotations

from pipeline.parse.liveblog.providers import liveblog_pro, tickaroo
from pipeline.parse.liveblog.providers.base import ProviderAnswer, ProviderError, ProviderRequest

__all__ = ["PROVIDERS", "ProviderAnswer", "ProviderError", "ProviderRequest", "provider_requests"]

PROVIDERS = (tickaroo, liveblog_pro)


def provider_requests(root, endpoints: dict[str, str] | None = None) -> list[ProviderRequest]:
    """Every provider JSON address the page's embed code names, each once. `endpoints` replaces a provider's JSON
    endpoint by its `NAME` (tests point it at a server of our own)."""
    found: list[ProviderRequest] = []
    seen: set[str] = set()
    for provider in PROVIDERS:
        for url in provider.find(root, (endpoints or {}).get(provider.NAME)):
            if url not in seen:
                seen.add(url)
                found.append(ProviderRequest(provider, url))
    return found
