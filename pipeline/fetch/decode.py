"""Bytes to text for fetched pages: the declared charset when the bytes bear it out, the detected one when not.

Servers often label pages wrongly (a windows-1256 or Shift_JIS page sent as `utf-8` or `iso-8859-1`). A single-byte
label such as iso-8859-1 decodes any bytes "successfully" into mojibake, so a decode that does not fail proves
nothing. The order:

1. a byte-order mark decides;
2. pure ASCII is ASCII whatever the label;
3. bytes that are valid UTF-8 (and not ASCII) are UTF-8: legacy text is practically never valid UTF-8 by accident;
4. otherwise charset-normalizer (the detector `requests` itself ships with) ranks the encodings the bytes fit;
   a declared charset (HTTP header first, then `<meta>`/XML declaration, found by bs4's `EncodingDetector`) is kept
   when it is among them and about as clean as the best; else the best detected encoding is used.
"""
from __future__ import annotations

import codecs
from dataclasses import dataclass

from bs4.dammit import EncodingDetector
from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# How much dirtier (charset-normalizer "chaos", 0..1) a declared encoding may look than the best guess and still be
# believed: 0.1 keeps declared windows-1256 over a detected iso-8859-6 reading of the same bytes, but not a declared
# latin-1 reading of Arabic or Japanese (which scores ≥ 0.3).
_TRUST_MARGIN = 0.1
# WHATWG: a label of iso-8859-1 or us-ascii means windows-1252 in a browser; we read such pages the same way.
_BROWSER_ALIASES = {"latin_1": "cp1252", "iso8859_1": "cp1252", "ascii": "cp1252"}


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # Python codec name actually used
    declared: str | None  # what the header said, if anything
    note: str | None  # set when the declaration was overruled, for the fetch log
    lossy: bool = False  # no charset fitted: undecodable bytes were replaced by U+FFFD


def codec_name(label: str | None) -> str | None:
    """The Python codec name for a charset label, or None when Python does not know it."""
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None


def declared_in_markup(body: bytes) -> str | None:
    """The charset a `<meta>` tag or XML declaration in the first bytes declares."""
    return EncodingDetector.find_declared_encoding(body[:4096], is_html=True, search_entire_document=False)


def decode_body(body: bytes, header_charset: str | None = None) -> Decoded:
    """Decode a fetched body; never raises (undecodable bytes become U+FFFD as a last resort)."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return Decoded(body.decode(name, errors="replace"), name, header_charset, None)
    if body.isascii():
        return Decoded(body.decode("ascii"), "ascii", header_charset, None)
    declared = [c for c in (codec_name(header_charset), codec_name(declared_in_markup(body))) if c]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        note = None
        if declared and declared[0] != "utf-8":
            note = f"labelled {header_charset or declared[0]} but the bytes are UTF-8; read as UTF-8"
        return Decoded(text, "utf-8", header_charset, note)

    matches = from_bytes(body)
    best = matches.best()
    for name in declared:
        name = _BROWSER_ALIASES.get(name, name) if best is None else name
        if name == "utf-8":
            continue  # already failed
        try:
            text = body.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        if best is None:
            return Decoded(text, name, header_charset, None)
        for match in matches:
            names = {codec_name(c) for c in match.could_be_from_charset} | {codec_name(match.encoding)}
            if name in names and match.chaos <= best.chaos + _TRUST_MARGIN:
                return Decoded(text, name, header_charset, None)
    if best is not None:
        label = header_charset or (declared[0] if declared else None)
        note = f"labelled {label} but the bytes read as {best.encoding}; read as {best.encoding}" if label else None
        return Decoded(str(best), best.encoding, header_charset, note)
    fallback = declared[0] if declared else "cp1252"
    return Decoded(body.decode(fallback, errors="replace"), fallback, header_charset,
                   "no charset fits the bytes; undecodable bytes replaced", lossy=True)
