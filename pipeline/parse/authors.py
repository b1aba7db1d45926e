"""A page's authors: people, one name each.

Names come from the article's JSON-LD `author` (a Person's `name`, else its `givenName` and `familyName`), else
author meta tags, else `rel=author` links, else the byline. Each string is split into names ("A and B", "A, B und C,
dpa", "A og B", "A & B"), with "By"/"Von"/"Par"/"Por" prefixes, a Korean job title ("기자"), initials in parentheses
and e-mail addresses taken off; news agencies (dpa, AFP, AP…) named beside people stay, as the labelled sets list
them. A name that is the site's own (og:site_name, the domain, the JSON-LD publisher) gives way to the people named
beside it; when it (or an e-mail) is all the first source gives, the other author tags (every `<meta name=author>`,
cXense's, Yoast's "Written by"), then the byline ("By"/"Von"/"Par"/"Por"/"Door" lines and author boxes), then a
paragraph that is only a name in bold are asked for a person, and the site stays only when none names one. When
structured data names fewer people than the byline links to author pages, and all of them among those, the byline's
list is taken.
"""
from __future__ import annotations

import re

from pipeline.parse.chrome import is_chrome_by_name
from pipeline.parse.structured import ld_names

_META_KEYS = ("author", "article:author", "dc.creator", "sailthru.author", "qc:author", "parsely-author", "byl",
              "dcsext.author", "cxenseparse:author", "twitter:misc:written by")
_SURNAME_FIRST = re.compile(r"^([^\s,]+(?: [^\s,]+)?), ([^\s,]+(?: [^\s,]+)?)$")
_PREFIX = re.compile(r"^\s*(?:(?i:(?:zeige )?alle beiträge von|(?:view )?all posts by|by|von|par|por|door|av|af|przez|från"
                     r"|from|text|texte|written by)|di|de)\s*:?\s+")
_SEPARATORS = re.compile(r"\s*(?:[,;&|/]|\s(?:and|und|et|y|og|e|och|ve|и)\s)\s*", re.IGNORECASE)
# A job title after the name: Korean bylines write "신현주 기자" (reporter), "… 특파원" (correspondent).
_JOB_SUFFIX = re.compile(r"\s+(?:기자|특파원|선임기자|객원기자)$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PARENTHESES = re.compile(r"\s*\([^)]{0,40}\)")
# Prefixes, conjunctions and degrees left alone after splitting ("Grant Tinsley, PhD"; a byline's lone "y").
_NOT_A_NAME = frozenset(("by", "von", "par", "por", "and", "und", "et", "y", "og", "e", "phd", "ph.d.", "md", "rd",
                         "msc", "mba"))


def page_authors(root, meta: dict[str, str], article_ld: dict, ids: dict, site_names: list[str]) -> list[str]:
    """The page's authors, people first (see the module's docstring)."""
    raw = ld_names(article_ld.get("author"), ids)
    if not raw:
        for key in _META_KEYS:
            value = meta.get(key)
            if _names_someone(value):
                raw = [value]
                break
    if raw and raw == [meta.get("dc.creator")] or not raw:  # one tag per author, "Surname, Given" (Nature)
        listed = root.xpath("//meta[@name='citation_author' or @name='dc.creator' or @name='DC.creator']/@content")
        if listed:
            raw = [_SURNAME_FIRST.sub(r"\2 \1", " ".join(value.split())) for value in listed]
    if not raw:
        raw = [" ".join(text.split()) for text in root.xpath("//article//*[@rel='author']//text()") if text.strip()]
    byline = None  # asked once: the last source, and again when the others name only the site
    if not raw:
        raw = byline = byline_names(root)
    names = split_names(raw)
    # the whole string is checked too: "Deutsche Welle (www.dw.com)" names the site only with its parentheses
    people = split_names([value for value in raw if not is_site_name(value, site_names)])
    people = [name for name in people if not is_site_name(name, site_names)]
    if not people:  # only the site (or an e-mail) as the author: another author tag or the byline may name a person
        tags = [meta.get(key) for key in _META_KEYS] + root.xpath("//meta[@name='author']/@content")  # all of them
        others = [[value] for value in dict.fromkeys(tags) if _names_someone(value) and [value] != raw]
        # the byline (linked names, a name-like line, a labelled name), else, when the page did name an author (the
        # site, an e-mail), a paragraph that is only a name in bold: on a page naming nobody such a paragraph is as
        # likely a subhead ("Die Lage", "Live Updates") as a signature
        for candidate in [*others, byline_names(root) if byline is None else byline, signed_names(root) if raw else []]:
            people = [name for name in split_names(candidate) if not is_site_name(name, site_names)]
            if people:
                return people
        return names
    if len(people) < len(names):  # the site given as one of the authors: the people named beside it
        return people
    if names:  # structured data naming one of the byline's people: the byline's linked names, when they include it
        linked = [name for name in split_names(byline_names(root, linked_only=True))
                  if not is_site_name(name, site_names)]
        if len(linked) > len(names) and {n.casefold() for n in names} <= {n.casefold() for n in linked}:
            return linked
    return names


def _names_someone(value: str | None) -> bool:
    """Whether an author tag's value may name a person: not empty, not a URL, not an "@handle"."""
    return bool(value) and not value.startswith(("http://", "https://", "@"))


def split_names(values: list[str]) -> list[str]:
    """Each string split into single names, prefixes, job titles, initials and e-mails taken off; duplicates dropped,
    in order."""
    names: list[str] = []
    for value in values:
        value = _EMAIL.sub(" ", value)
        value = _PARENTHESES.sub(" ", value)
        for part in _SEPARATORS.split(" ".join(value.split())):
            part = _JOB_SUFFIX.sub("", part.strip(" :-–—·"))
            while (shorter := _PREFIX.sub("", part)) != part:
                part = shorter.strip()
            if part and part.casefold() not in _NOT_A_NAME and any(c.isalpha() for c in part):
                names.append(part)
    return list(dict.fromkeys(names))


def _squeezed(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def is_site_name(name: str, site_names: list[str]) -> bool:
    """Whether `name` names the site: equal to, or starting with, one of `site_names` (og:site_name, the
    publisher, the host: "mdr.de", "STERN.de", "Deutsche Welle (www.dw.com)", "n-tv NACHRICHTEN"), ignoring case
    and punctuation."""
    squeezed = _squeezed(name)
    lowered = name.casefold()
    words = name.split()
    leading = {_squeezed(" ".join(words[:count])) for count in range(1, len(words) + 1)}  # "ntv", "ntvnachrichten"
    for site in site_names:
        site_squeezed = _squeezed(site)
        if len(site_squeezed) < 2:
            continue
        if site_squeezed in leading or ("." in site and site.casefold() in lowered):
            return True
        if len(squeezed) >= 4 and site_squeezed.startswith(squeezed):  # "BBC" of "BBC News"
            return True
    return False


_REGEX = {"re": "http://exslt.org/regular-expressions"}
_AUTHOR_PATH = re.compile(
    r"/(?:author|authors|autor|autoren|journalist|journalists|people|staff|writers|writer|by)/[^/?#]+", re.I)


def byline_names(root, linked_only: bool = False) -> list[str]:
    """Names from the first byline or author box: links to author pages in an element marked "byline"/"author"
    (or in a short "By …" line), else (unless `linked_only`) the first name-like line of such an element."""
    body = root.find("body")
    if body is None:
        return []
    # relative to the first <body>: `//body//*` over a page of many <body>s (spliced pages) takes quadratic time
    containers = body.xpath(
        ".//*[contains(@class, 'byline') or contains(@class, 'author')]"
        " | .//*[self::p or self::span or self::div][re:test(normalize-space(text()[1]), $prefix, 'i')]",
        namespaces=_REGEX, prefix=r"^(?:by|von|par|por|door)(?:\s|$)",
    )[:40]
    for container in containers:
        names = []
        for link in container.xpath(".//a[@href]")[:10]:
            text = " ".join(link.text_content().split())
            if _AUTHOR_PATH.search(link.get("href", "")) and _looks_like_name(text):
                names.append(text)
        if names:
            return list(dict.fromkeys(names))
    for container in containers if not linked_only else ():
        if not is_chrome_by_name(container, frozenset(("author", "byline", "authors", "authorname"))):
            continue
        for leaf in container.xpath("descendant-or-self::*[not(*)]")[:10]:
            text = " ".join((leaf.text_content() or "").split())
            if _looks_like_name(text):
                return [text]
    return [] if linked_only else labelled_names(root)


# A label before the author's name ("<strong>Autorin/Autor</strong> Roman Goncharenko": Deutsche Welle).
_AUTHOR_LABEL = re.compile(r"^(?:autor(?:in)?(?:/autor(?:in)?)?|autoren|author|authors|auteur|autore|forfatter|författare"
                           r"|written by|text)\s*:?$", re.IGNORECASE)


def labelled_names(root) -> list[str]:
    """The name after an author label in a short label element (`strong`, `b`, `dt`, `th`, `label`)."""
    body = root.find("body")
    for label in body.xpath(".//*[self::strong or self::b or self::dt or self::th or self::label]"
                            "[string-length(normalize-space()) < 20]")[:200] if body is not None else ():
        if not _AUTHOR_LABEL.match(" ".join(label.text_content().split())):
            continue
        following = label.getnext()
        text = " ".join((label.tail or "").split()) or \
            (" ".join(following.text_content().split()) if following is not None else "")
        if _looks_like_name(text):
            return [text]
    return []


def signed_names(root) -> list[str]:
    """The names of the body's first paragraph that is nothing but a name in bold ("<p><strong>Mohloai
    Mpesi</strong></p>": Lesotho Times opens its article with one, VnExpress closes it with one); several names joined
    by "/" or "," are kept."""
    body = root.find("body")
    for paragraph in body.xpath(".//p[count(*) = 1][*[self::strong or self::b]]")[:400] if body is not None else ():
        text = " ".join(paragraph.text_content().split())
        if text and not text.endswith(":") and text == " ".join(paragraph[0].text_content().split()):  # no label
            names = split_names([text])
            if names and all(_looks_like_name(name) for name in names):
                return names
    return []


_NOT_NAME_WORDS = {"all", "articles", "article", "more", "rss", "subscribe", "see", "follow", "view", "posts", "profile"}


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 2 <= len(words) <= 5 and all(w[0].isupper() or w.lower() in ("de", "van", "von", "da", "del", "e.") for w in words) \
        and not any(w.lower().strip(".") in _NOT_NAME_WORDS for w in words)
