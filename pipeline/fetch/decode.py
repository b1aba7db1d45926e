"""Bytes to text for fetched pages: the declared charset when the bytes bear it out, the detected one when not.

Servers often label pages wrongly (a windows-1256 or Shift_JIS page sent as `utf-8` or `iso-8859-1`). A single-byte
label such as iso-8859-1 decodes any bytes "successfully" into mojibake, so a decode that does not fail proves
nothing. The order:

1. a byte-order mark decides;
2. pure ASCII is ASCII whatever the label;
3. bytes that are valid UTF-8 (and not ASCII) are UTF-8: legacy text is practically never valid UTF-8 by accident;
4. otherwise charset-normalizer (the detector `requests` itself ships with) ranks the encodings the bytes fit;
   a declared charset (HTTP header first, then `<meta>`/XML declaration, found by bs4's `EncodingDetector`) is kept
   when it is among them and about as clean as the best;
5. with no declaration that fits, Latin-script text that windows-1252 reads cleanly is windows-1252 (`_latin_text`):
   on a short text charset-normalizer's best is often an exotic code page (`café` read as cp1006 `cafﻠ`), while
   undeclared legacy Western pages are windows-1252 far more often than anything else (browsers fall back to it too);
6. else the best detected encoding is used.

When the charset used comes from 5 or 6 (or from no fit at all), `Decoded.guessed` names it: the page row keeps it in
`articles.charset_guessed`, so pages read on a guess can be found and checked.
"""
from __future__ import annotations

import codecs
import re
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
# Labels a browser reads as windows-1252 (Python codec names)
_WINDOWS_1252_LABELS = frozenset({"cp1252", "iso8859-1", "latin_1", "iso8859_1", "ascii"})
_WORD = re.compile(r"[^\W\d_]+")  # a run of letters
# Non-ASCII characters that may follow a letter directly in windows-1252 text: apostrophes, quotes, ellipsis, dashes,
# marks (`don’t`, `„Zitat“`, `m²`). Other symbols glued to a letter (`Za¿ó³æ`) are another code page's letters.
_AFTER_LETTER = frozenset("’‘”“»«…–—™®©²")


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str  # Python codec name actually used
    declared: str | None  # what the header said, if anything
    note: str | None  # set when the declaration was overruled, for the fetch log
    lossy: bool = False  # no charset fitted: undecodable bytes were replaced by U+FFFD
    guessed: str | None = None  # the encoding, when it was guessed (no BOM, not UTF-8, no declaration that fits)


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

    latin = _latin_text(body)
    if latin is not None and not declared:
        return Decoded(latin, "cp1252", header_charset, None, guessed="cp1252")
    if latin is not None and declared[0] in _WINDOWS_1252_LABELS:
        return Decoded(latin, "cp1252", header_charset, None)  # a latin-1 label the bytes bear out, read as browsers do
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
    label = header_charset or (declared[0] if declared else None)
    if latin is not None:
        note = f"labelled {label} but the bytes read as Latin-script cp1252; read as cp1252"
        return Decoded(latin, "cp1252", header_charset, note, guessed="cp1252")
    if best is not None:
        note = f"labelled {label} but the bytes read as {best.encoding}; read as {best.encoding}" if label else None
        return Decoded(str(best), best.encoding, header_charset, note, guessed=best.encoding)
    fallback = declared[0] if declared else "cp1252"
    return Decoded(body.decode(fallback, errors="replace"), fallback, header_charset,
                   "no charset fits the bytes; undecodable bytes replaced", lossy=True,
                   guessed=None if declared else fallback)


def _latin_text(body: bytes) -> str | None:
    """The bytes read as windows-1252 when that gives Latin-script text, else None.

    Latin-script text has ASCII letters for most of its letters, and its accented letters sit inside words with
    ASCII letters (`résumé`, `Grüße`). Cyrillic, Greek, Arabic or Hebrew single-byte text, and CJK double-byte text,
    read as windows-1252 gives words made only of accented letters (`Ïðèâåò`) or symbols glued to letters
    (`¼­¿ï`, Polish windows-1250 `Za¿ó³æ`); those are left to the detector. Turkish and Baltic pages without a
    declaration are read as windows-1252 too (a few letters differ): `charset_guessed` marks them.
    """
    try:
        text = body.decode("cp1252")
    except UnicodeDecodeError:
        return None
    letters = ascii_letters = 0
    accented_words = alien_words = 0
    for word in _WORD.findall(text):
        plain = sum(c.isascii() for c in word)
        letters += len(word)
        ascii_letters += plain
        if plain < len(word):
            accented_words += 1
            alien_words += plain == 0 and len(word) >= 2
    if ascii_letters * 2 < letters:
        return None
    glued = sum(1 for i in range(1, len(text)) if not text[i].isascii() and not text[i].isalpha()
                and text[i] not in _AFTER_LETTER and text[i - 1].isalpha() and not text[i].isspace())
    if (alien_words + glued) * 20 > accented_words:
        return None
    return text
