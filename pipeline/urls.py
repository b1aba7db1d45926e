"""One canonical form per URL, so that the same page read twice gets the same key.

w3lib (Scrapy's URL library) does the percent-encoding, IDNA hosts, dot segments and query ordering; the rules on top
are ours. Each rule has its own test in tests/test_urls.py (one per tracking parameter too: Media Cloud once lost two
parameters to a missing comma in such a list).

The rules, in order:
1. surrounding whitespace is dropped; anything that is not an absolute http(s) URL comes back otherwise unchanged;
2. the scheme and host are lower-case; a trailing dot on the host is dropped; an IDN host becomes punycode;
3. the default port (80 for http, 443 for https) is dropped, any other port kept;
4. user name and password are dropped (never part of a page's identity, never to be stored);
5. the fragment is dropped;
6. tracking parameters are dropped (TRACKING_PARAMS by exact name, TRACKING_PREFIXES by prefix, case-insensitive);
7. the remaining query parameters are sorted (stable for equal names), blank values kept, an empty query dropped;
8. an empty path becomes `/`; `.` and `..` segments are resolved;
9. percent-escapes are upper-case, unreserved characters unescaped, other non-ASCII characters escaped as UTF-8.
Not changed, because they can name different pages: `http` vs `https`, `www.`, path case, a trailing slash.
"""
from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that only say how a reader arrived: analytics, ad click ids, share widgets, newsletters.
TRACKING_PARAMS = frozenset({
    # ad click ids: Facebook, Google (incl. iOS gbraid/wbraid, DoubleClick), Microsoft, Yandex, X, TikTok, LinkedIn
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id",
    "igshid", "igsh",  # Instagram share
    "mc_cid", "mc_eid",  # Mailchimp
    "_ga", "_gl",  # Google Analytics cross-domain linker
    "_hsenc", "_hsmi", "hsctatracking",  # HubSpot
    "mkt_tok",  # Marketo
    "ref", "ref_src", "ref_url", "src",  # referrer labels (X's embeds add ref_src=twsrc^tfw)
    "cmpid", "ocid", "smid", "smtyp",  # publisher campaign ids (NYT smid/smtyp, MSN ocid)
    "at_medium", "at_campaign", "xtor",  # AT Internet (BBC, Le Monde, France TV)
    "ito", "s_cid", "s_kwcid",  # Adobe / BBC internal campaign
    "guccounter", "guce_referrer", "guce_referrer_sig",  # Yahoo consent redirect
    "__twitter_impression",
})
TRACKING_PREFIXES = ("utm_", "mtm_", "pk_")  # Google/Urchin, Matomo, Piwik campaign parameters
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_http(location: str) -> bool:
    """Whether a location names the web (an `http://` or `https://` URL) rather than a local path: the one test of
    it for sources, source lists and local feeds' entries. Whether such a URL may be fetched is the address
    guard's and pipeline/provenance.py's question."""
    return location.strip().lower().startswith(("http://", "https://"))


def is_tracking_param(name: str) -> bool:
    """Whether a query parameter name only records how the reader arrived."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The canonical form of an http(s) URL; other strings come back stripped but otherwise unchanged."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            return url
        port = parts.port
    except ValueError:  # a malformed port or IPv6 literal: not a URL we can vouch for
        return url
    host = parts.hostname.lower().rstrip(".")
    if ":" in host:
        host = f"[{host}]"  # IPv6 literal keeps its brackets
    if port and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    query = "&".join(
        pair for pair in parts.query.split("&") if pair and not is_tracking_param(pair.split("=", 1)[0])
    )
    path = parts.path or "/"
    try:
        return canonicalize_url(urlunsplit((scheme, host, path, query, "")))
    except ValueError:
        return urlunsplit((scheme, host, path, query, ""))
