"""Ticker providers: live blogs whose entries a provider's script loads from the provider's public JSON, so the
page's HTML holds the embed code and no entries. One module per provider, each with

- `NAME`: names the provider in messages;
- `find(root, endpoint=ENDPOINT) -> list[str]`: the JSON addresses the page's embed code names (empty when the
  page has none);
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
        endpoint = (endpoints or {}).get(provider.NAME)
        for url in provider.find(root, endpoint) if endpoint else provider.find(root):
            if url not in seen:
                seen.add(url)
                found.append(ProviderRequest(provider, url))
    return found
