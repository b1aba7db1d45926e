"""Where a URL came from decides what it may be.

- `OPERATOR`: named by the operator (a `pipeline ingest` argument, a row of the sources file): an http(s) URL or a
  local path, as they wrote it.
- `LOCAL`: listed by a local feed or sitemap the operator named: a file inside that list's folder, named by a relative
  path or a `file:` URL (no absolute path, no `..` out of the folder, no symlink leading out; checked on the resolved
  path, when discovered and again when read).
- `WEB`: found in fetched content (entries and child sitemaps of a remote feed or sitemap, http(s) links of a local
  one, redirects, URLs in enrichment answers): an http(s) URL with a host that passes the address guard, nothing
  else.

A link that breaks its origin's rule is never opened: the caller drops it and reports it in one line naming where it
was found, the link and the cause.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from pipeline.fetch.guard import AddressPolicy, shown, url_refusal

OPERATOR, LOCAL, WEB = "operator", "local", "web"
# 8,190 characters: Apache's default LimitRequestLine (nginx's 8 KiB header buffer is the same); a longer link found in
# content cannot be requested anywhere sensible and only bloats the fetch log.
MAX_LINK_CHARS = 8190


def is_web(url: str) -> bool:
    """An absolute http(s) URL with a host: the only kind of link fetched content may give us."""
    try:
        parts = urlsplit(url)
        return parts.scheme.lower() in ("http", "https") and bool(parts.hostname) and \
            url.lower().startswith(("http://", "https://"))
    except ValueError:
        return False


def web_refusal(url: str, policy: AddressPolicy) -> str | None:
    """Why a link found in fetched content may not be followed (length, scheme, host, address guard), or None."""
    if len(url) > MAX_LINK_CHARS:
        return f"{shown(url)!r} is {len(url):,} characters long, more than {MAX_LINK_CHARS:,}; not a usable link"
    return url_refusal(url, policy)


def local_link(link: str, folder: Path, root: Path) -> tuple[Path | None, str | None]:
    """A non-web link of a local feed/sitemap that sits in `folder`: (the resolved file, None) when it stays inside
    `root` (the folder of the list the operator named), else (None, cause)."""
    show = shown(link)
    rule = f"a local feed or sitemap may name only files inside its folder {root}, by relative path"
    try:
        parts = urlsplit(link)
    except ValueError as exc:
        return None, f"{show!r} is not a valid link ({exc})"
    scheme = parts.scheme.lower()
    if scheme == "file":
        if parts.netloc not in ("", "localhost"):
            return None, f"{show!r} is a file: URL on the host {parts.netloc!r}; {rule}"
        path = Path(url2pathname(parts.path))
    elif scheme:
        return None, f"{show!r} uses the scheme {scheme!r}; {rule}, or http(s) URLs"
    elif parts.netloc:
        return None, f"{show!r} names the host {parts.netloc!r} without a scheme; {rule}"
    else:
        path = Path(url2pathname(parts.path))
        if path.is_absolute():
            return None, f"{show!r} is an absolute path; {rule}"
    joined = folder / path
    try:
        resolved = joined.resolve()
        root = root.resolve()
    except (OSError, RuntimeError, ValueError) as exc:  # a symlink loop, a NUL byte
        return None, f"{show!r} is not a usable path ({exc}); {rule}"
    if resolved.is_relative_to(root):
        return resolved, None
    if Path(os.path.normpath(joined)).is_relative_to(root):
        return None, f"{show!r} leads out of the folder through a symlink (to {resolved}); {rule}"
    if ".." in path.parts:
        return None, f"{show!r} climbs out of the folder with '..'; {rule}"
    return None, f"{show!r} is outside the folder; {rule}"


def read_refusal(location: str, origin: str | None, root: str | None) -> str | None:
    """Why a discovered entry may not be read now, or None: a `LOCAL` entry must still resolve inside `root`; a
    `WEB` entry (or one whose origin is not known) must be an http(s) URL, so it can only reach the fetcher, whose
    address guard does the rest; an `OPERATOR` entry is read as named."""
    if origin == OPERATOR:
        return None
    if origin == LOCAL:
        if not root:
            return f"{shown(location)!r} is a local entry without the folder it must stay in; not opened"
        _path, cause = local_link(Path(location).as_uri() if Path(location).is_absolute() else location,
                                  Path(root), Path(root))
        return cause
    if is_web(location):
        return None
    return f"{shown(location)!r} was found in fetched content and is not an http(s) URL; not opened"
