"""One canonical form per URL, so that the same page read twice gets the same key.

w3lib (Scrapy's URL library) does the percent-encoding and query ordering; the rules on top are ours:
lower-case scheme and host, no default port, no fragment, no tracking parameters.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that only say how a reader arrived: analytics, ad click ids, share widgets.
_TRACKING = re.compile(
    r"^(?:utm_\w+|fbclid|gclid|dclid|gbraid|wbraid|msclkid|yclid|twclid|igshid|mc_cid|mc_eid|_ga|_gl"
    r"|ref|ref_src|ref_url|src|cmpid|ocid|smid|smtyp|at_medium|at_campaign|ito|s_cid|__twitter_impression)$",
    re.IGNORECASE,
)
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """The canonical form of an http(s) URL; other strings come back stripped but otherwise unchanged."""
    url = url.strip()
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return url
    host = parts.hostname.lower().rstrip(".")
    if parts.port and parts.port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{parts.port}"
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not _TRACKING.match(pair.split("=", 1)[0])
    )
    path = parts.path or "/"
    return canonicalize_url(urlunsplit((scheme, host, path, query, "")))
