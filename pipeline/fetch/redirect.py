"""Redirects, followed by hand so that every hop is guarded, robots-checked and delayed like the first: where a
response sends us, and whether following it would loop or pass `max_redirects` (a loop is named at once instead of
running to the cap). Scrapy's `downloadermiddlewares/redirect.py` is the model."""
from __future__ import annotations

from urllib.parse import urljoin

REDIRECT_STATUSES = (301, 302, 303, 307, 308)


def redirect_target(response, hop_url: str) -> str | None:
    """The absolute URL a redirect response sends us to; None when it is not a redirect with a Location."""
    location = response.headers.get("Location")
    if response.status_code in REDIRECT_STATUSES and location and location.strip():
        return urljoin(hop_url, location.strip())
    return None


def redirect_refusal(chain: list[str], target: str, max_redirects: int) -> str | None:
    """Why `target` is not followed after the hops in `chain` (the requested URL first), or None to follow it."""
    if target in chain:
        return (f"redirect loop: {' → '.join(chain + [target])}; the site is misconfigured "
                "(often a cookie or consent wall)")
    if len(chain) > max_redirects:
        return (f"more than {max_redirects} redirects from {chain[0]} (last: {chain[-1]} → {target}); raise "
                "max_redirects for this source if the chain is genuine")
    return None
