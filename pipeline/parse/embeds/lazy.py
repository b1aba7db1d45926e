"""Lazy and deferred embed markup, rewritten in the tree as the embed code it stands for before the registry's
XPaths run, so every platform's kinds read it without a copy of their rules; and the `<noscript>` fallback copy of a
lazy embed, recognised as the same embed. What each platform's lazy forms hide (its marker classes, its frame
addresses) its reader module declares (`MARKER_CLASSES`, `FRAMES`, `PLAYER_FRAMES`).

- A platform's marker class moved to a data attribute (lazysizes' `data-twitter="twitter-tweet"` on
  `blockquote.lazy-content`, motorsport-magazin.com): the value is added to the element's classes.
- A frame whose address waits in `data-src` (lazysizes, a3 Lazy Load; knowtechie.com; iframely on today.com) while
  `src` is empty, a 1×1 image, a proxy or anything but a platform's frame: the waiting address becomes `src`.
  (WP Rocket's `data-lazy-src` and a `data-url` on a frame are left out until a saved page of ours shows one holding
  a post.)
- A publisher's own lazy frame that names the post in its `url=` parameter (people.com's `/embed?url=…`): that URL.
- An `<img>` whose `data-src` is a player's frame address (larepublica.pe's `img.raw-htm-embed`, a lazy component
  that becomes the frame): it is that frame.

lxml's HTML parser reads a `<noscript>`'s markup as elements, so the frame a lazy embed keeps in `<noscript>` for
readers without JavaScript is found like any embed; `noscript_copies` tells it from a second embed of the same post.
(Pages saved from a browser may hold a `<noscript>`'s markup as escaped text; that text is not parsed: in the saved
pages we have, it holds trackers and timelines, never a post.)
"""
from __future__ import annotations

from collections.abc import Hashable, Iterable
from urllib.parse import parse_qs, urlsplit

import lxml.etree

from pipeline.parse.embeds.base import reader_module
from pipeline.platforms import PLATFORMS

LAZY_SOURCES = ("data-src",)


def _from_readers(name: str) -> tuple[str, ...]:
    """What every platform's reader module declares under `name` (MARKER_CLASSES, FRAMES, PLAYER_FRAMES)."""
    return tuple(value for platform in PLATFORMS
                 for value in getattr(reader_module(platform), name, ()))


# Classes that make an element one platform's embed code (the registry's blockquote and div kinds test these).
MARKER_CLASSES = _from_readers("MARKER_CLASSES")
# Addresses the registry's iframe kinds read: frames, and posts' own URLs where iframely's lazy frames keep them
# (today.com: `data-src="https://www.instagram.com/p/…"`, `"https://www.youtube.com/watch?v=…"`, `src` its proxy).
_PLATFORM_FRAMES = _from_readers("FRAMES")
# Of those, the ones an image may stand for: a player's frame, never a post's picture (`instagram.com/p/…/media`).
_PLAYER_FRAMES = _from_readers("PLAYER_FRAMES")

_MARKER_IN_DATA = lxml.etree.XPath(
    ".//*[@*[starts-with(name(), 'data-') and (" + " or ".join(f". = '{name}'" for name in MARKER_CLASSES) + ")]]"
)
_LAZY_FRAMES = lxml.etree.XPath(
    ".//iframe[" + " or ".join(f"@{name}" for name in LAZY_SOURCES) + "]"
    " | .//img[" + " or ".join(f"contains(@{name}, '{frame}')" for name in LAZY_SOURCES for frame in _PLAYER_FRAMES) + "]"
)


def normalise(content) -> None:
    """Rewrite the lazy forms under `content` (an lxml element) as the embed code they defer; see the module doc."""
    for element in _MARKER_IN_DATA(content):
        classes = (element.get("class") or "").split()
        markers = [value for name, value in element.attrib.items() if name.startswith("data-") and value in MARKER_CLASSES]
        element.set("class", " ".join(dict.fromkeys([*classes, *markers])))
    for element in _LAZY_FRAMES(content):
        frames = _PLAYER_FRAMES if element.tag == "img" else _PLATFORM_FRAMES
        waiting = _waiting_address(element, frames)
        if waiting is None or _names_frame(element.get("src") or "", _PLATFORM_FRAMES):
            continue
        element.tag = "iframe"
        element.set("src", waiting.strip())


def _waiting_address(element, frames: tuple[str, ...]) -> str | None:
    """The platform address a lazy attribute holds, itself or as the `url=` parameter of the publisher's own embed
    frame (people.com: `data-src="/embed?url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3D…"`)."""
    for name in LAZY_SOURCES:
        value = (element.get(name) or "").strip()
        try:
            named = parse_qs(urlsplit(value).query).get("url", [])
        except ValueError:  # not a URL ("http://[" …): only the value itself can name a frame
            named = []
        for candidate in (value, *named):
            if _names_frame(candidate, frames):
                return candidate
    return None


def _names_frame(value: str, frames: tuple[str, ...]) -> bool:
    return value.strip().startswith(("https:", "http:", "//")) and any(frame in value for frame in frames)


def noscript_copies(found: Iterable[tuple[object, Hashable]]) -> set:
    """Of (element, post key) pairs, the elements inside a `<noscript>` whose post is also embedded outside any
    `<noscript>` within that noscript's parent: the fallback copy of a lazy embed beside it, not a second embed."""
    around: dict[Hashable, set] = {}  # post key -> every ancestor of the elements embedding it outside a <noscript>
    inside = []
    for element, key in found:
        if key is None:
            continue
        noscript = next(element.iterancestors("noscript"), None)
        if noscript is None:
            around.setdefault(key, set()).update(element.iterancestors())
        else:
            inside.append((element, key, noscript.getparent()))
    # One pass over each element's ancestors, then a set look-up per copy: linear in the embeds (a page of
    # thousands of embeds, each with a <noscript> twin, costs no more than reading them).
    return {element for element, key, scope in inside if scope is not None and scope in around.get(key, ())}
