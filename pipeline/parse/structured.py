"""What a page declares about itself in markup meant for machines: `<meta>` tags and JSON-LD objects."""
from __future__ import annotations

import html as html_entities
import json
import re

import lxml.html

# JSON-LD types that describe the article itself.
ARTICLE_TYPE = re.compile(r"Article$|^BlogPosting$|^LiveBlogPosting$|^Report$")


def article_item(json_ld: list[dict]) -> dict:
    """The JSON-LD object that describes the article itself ({} when none does)."""
    return next((item for item in json_ld if any(map(ARTICLE_TYPE.search, item_types(item)))), {})


def read_meta_tags(root: lxml.html.HtmlElement) -> dict[str, str]:
    """`<meta property|name|itemprop=K content=V>` as {k lower-cased: V}, the first of each key."""
    meta: dict[str, str] = {}
    for element in root.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop") or element.get("http-equiv")
        value = element.get("content") or element.get("value")
        if key and value and value.strip():
            meta.setdefault(key.strip().lower(), value.strip())
    return meta


def read_json_ld(root: lxml.html.HtmlElement, warnings: list[str]) -> list[dict]:
    """Every JSON-LD object on the page, lists and `@graph`s flattened; unreadable scripts become warnings."""
    objects: list[dict] = []
    scripts = root.xpath("//script[contains(translate(@type, 'JSONLD', 'jsonld'), 'ld+json')]")
    for number, script in enumerate(scripts, start=1):
        raw = script.text or ""
        if not raw.strip():
            continue
        try:
            data = _load_json(raw)
        except ValueError as exc:
            warnings.append(f"JSON-LD script {number} could not be read: {exc}")
            continue
        objects.extend(_json_ld_items(data))
    return objects


def _load_json(raw: str):
    """JSON-LD as pages write it, read as tolerantly as search engines read it: HTML comment or CDATA wrappers,
    raw control characters in strings, `//` and `/* */` comments, trailing commas, a trailing `;`, several objects
    one after another, and a script whose quotes are HTML-escaped (`{&quot;@type&quot;: …}`). Anything else
    raises `ValueError` (the caller warns and skips the script)."""
    try:
        return json.loads(raw)
    except ValueError:
        pass
    cleaned = re.sub(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$", "", raw.strip())
    cleaned = _strip_comments_and_trailing_commas(cleaned).strip().rstrip(";")
    attempts = [cleaned]
    if "&quot;" in cleaned or "&#34;" in cleaned:
        attempts.append(_strip_comments_and_trailing_commas(html_entities.unescape(cleaned)))
    attempts += ["[" + _BETWEEN_OBJECTS.sub("},{", attempt) + "]" for attempt in list(attempts)]
    error: ValueError | None = None
    for attempt in attempts:
        try:
            return json.loads(attempt, strict=False)
        except ValueError as exc:
            error = error or exc
    raise error


_BETWEEN_OBJECTS = re.compile(r"}\s*,?\s*{")


def _strip_comments_and_trailing_commas(text: str) -> str:
    """The text without comments and commas before `}`/`]`, both only outside strings."""
    out: list[str] = []
    index, length = 0, len(text)
    in_string = False
    while index < length:
        char = text[index]
        if in_string:
            out.append(char)
            if char == "\\" and index + 1 < length:
                out.append(text[index + 1])
                index += 2
                continue
            if char == '"':
                in_string = False
            index += 1
            continue
        if char == '"':
            in_string = True
        elif char == "/" and text.startswith("//", index):
            end = text.find("\n", index)
            index = length if end < 0 else end
            continue
        elif char == "/" and text.startswith("/*", index):
            end = text.find("*/", index + 2)
            index = length if end < 0 else end + 2
            continue
        elif char in "}]":
            while out and out[-1].isspace():
                out.pop()
            if out and out[-1] == ",":
                out.pop()
        out.append(char)
        index += 1
    return "".join(out)


def _json_ld_items(data) -> list[dict]:
    if isinstance(data, list):
        return [item for element in data for item in _json_ld_items(element)]
    if not isinstance(data, dict):
        return []
    return [data, *_json_ld_items(data.get("@graph", []))]


def item_types(item: dict) -> list[str]:
    value = item.get("@type")
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def ld_names(value, ids: dict[str, dict]) -> list[str]:
    """Names in a JSON-LD person/organisation value: a string, an object, an `@id` reference, or a list."""
    if isinstance(value, list):
        return [name for element in value for name in ld_names(element, ids)]
    if isinstance(value, str):
        return [html_entities.unescape(value).strip()] if value.strip() else []
    if isinstance(value, dict):
        if "name" not in value and isinstance(value.get("@id"), str) and value["@id"] in ids:
            value = ids[value["@id"]]
        name = value.get("name")
        if not name and isinstance(value.get("familyName"), str):  # a Person given only in parts (Der Standard)
            name = " ".join(part for part in (value.get("givenName"), value["familyName"]) if isinstance(part, str))
        return ld_names(name, {}) if isinstance(name, (str, list)) else []
    return []
