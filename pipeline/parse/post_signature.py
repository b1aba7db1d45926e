"""What the text of an embedded X post carries: its `— Name (@handle) Date` signature, thread items, length."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone

from pipeline.keys import clean_text
from pipeline.model import UpdateItem

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
            ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
            ("october", "oct"), ("november", "nov"), ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
# Month names of the languages X renders embed dates in for our sources (data-lang="de", "es", "fr", "it", "pt", "nl").
for _number, _names in enumerate(
    (
        ("januar", "jänner", "enero", "janvier", "gennaio", "janeiro", "januari", "ene", "janv", "gen"),
        ("februar", "febrero", "février", "fevrier", "febbraio", "fevereiro", "februari", "feb", "févr", "fev"),
        ("märz", "marzo", "mars", "março", "maart", "mär", "mrz"),
        ("abril", "avril", "aprile", "abr", "avr"),
        ("mai", "mayo", "maggio", "maio", "mei", "mag"),
        ("juni", "junio", "juin", "giugno", "junho"),
        ("juli", "julio", "juillet", "luglio", "julho", "juil"),
        ("august", "agosto", "août", "aout", "augustus", "ago"),
        ("september", "septiembre", "septembre", "settembre", "setembro", "sept", "set"),
        ("oktober", "octubre", "octobre", "ottobre", "outubro", "okt", "ott", "out"),
        ("november", "noviembre", "novembre", "novembro", "nov"),
        ("dezember", "diciembre", "décembre", "decembre", "dicembre", "dezembro", "december", "dez", "dic", "déc"),
    ),
    start=1,
):
    for _name in _names:
        _MONTHS.setdefault(_name, _number)
_MONTH = r"(?P<month>[^\W\d_]{3,10})\.?"
_MONTH_DAY_YEAR = re.compile(rf"^{_MONTH}\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})$")
# "19 December 2024", "19. Dezember 2024", "19 de diciembre de 2024", "19 dic. 2024"
_DAY_MONTH_YEAR = re.compile(rf"^(?P<day>\d{{1,2}})\.?\s+(?:de\s+)?{_MONTH}\s+(?:de\s+)?(?P<year>\d{{4}})$")
# "2024年12月19日" (Japanese, Chinese), "2024. 12. 19." (Korean)
_YEAR_MONTH_DAY = re.compile(r"^(?P<year>\d{4})(?:年|\.\s?)(?P<month>\d{1,2})(?:月|\.\s?)(?P<day>\d{1,2})(?:日|\.)?$")

# `— Name (@handle) Date`: the line an X embed ends with. Dashes as flattenings write them; the date is optional.
_SIGNATURE = re.compile(
    r"^\s*(?:—|–|--|-|&mdash;|&#8212;|&ndash;)\s*(?P<name>[^\n]*?)\s*"
    r"\(@(?P<handle>[A-Za-z0-9_]{1,15})\)\s*(?P<date>[^\n]*?)\s*$"
)
# A line of a post that starts with one of these is an item of a thread the post announces.
_THREAD_ITEM = re.compile(r"^\s*(?:👉|•|▶|➡)\ufe0f?\s*(?P<text>.+)$|^\s*-\s+(?P<dash_text>.+)$")
# A live-blog link glued to the end of an item ("…: Putin🔴 Live blog: https://t.co/…") is not part of the item.
_ITEM_END = "🔴"
# X counts every link as 23 characters; attached media (pic.twitter.com links) do not count at all.
TWEET_LIMIT = 280
# Before X's 280-character test began (2017-09-26; for everyone from 2017-11-07) a post held 140 characters.
SHORT_TWEET_LIMIT = 140
LONGER_TWEETS_SINCE = date(2017, 9, 26)
_LINK_LENGTH = 23
_MEDIA_LINK = re.compile(r"(?:https?://)?pic\.(?:twitter|x)\.com/[A-Za-z0-9]+", re.IGNORECASE)
_LINK = re.compile(r"(?:https?://|www\.)\S+|\b(?:t\.co|bit\.ly|youtu\.be)/\S+", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Signature:
    """The `— Name (@handle) Date` line under an embedded X post."""

    author_name: str | None
    author_handle: str
    date_text: str  # as written; "" when the line has none
    day: date | None  # None when there is no date or it is not one we can read


def parse_signature(line: str) -> Signature | None:
    """The signature in a line (whitespace in it collapsed), or None when the line is not one."""
    match = _SIGNATURE.match(" ".join(line.split()))
    if not match:
        return None
    date_text = match.group("date")
    return Signature(
        author_name=match.group("name") or None,
        author_handle=match.group("handle"),
        date_text=date_text,
        day=parse_day(date_text),
    )


def parse_day(text: str) -> date | None:
    """A date written `Month D, YYYY`, `D Month YYYY` (also `D. Monat YYYY`, `D de mes de YYYY`; English, German,
    Spanish, French, Italian, Portuguese and Dutch month names, full or short) or `YYYY年M月D日`, else None."""
    text = " ".join(text.split())
    if numeric := _YEAR_MONTH_DAY.match(text):
        try:
            return date(int(numeric.group("year")), int(numeric.group("month")), int(numeric.group("day")))
        except ValueError:
            return None
    match = _MONTH_DAY_YEAR.match(text) or _DAY_MONTH_YEAR.match(text)
    if not match:
        return None
    month = _MONTHS.get(match.group("month").lower())
    if month is None:
        return None
    try:
        return date(int(match.group("year")), month, int(match.group("day")))
    except ValueError:
        return None


def start_of_day(day: date) -> datetime:
    """Midnight UTC of a day: how a post's date-only time is stored (with precision "day")."""
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


def thread_items(post_text: str) -> list[UpdateItem]:
    """The post's lines that start with 👉, •, -, ▶ or ➡, as `thread_item`s in order, cut at a glued 🔴."""
    items = []
    for line in post_text.splitlines():
        match = _THREAD_ITEM.match(line)
        if not match:
            continue
        text = clean_text((match.group("text") or match.group("dash_text")).split(_ITEM_END, 1)[0])
        if text:
            items.append(UpdateItem(kind="thread_item", position=len(items) + 1, text=text))
    return items


def tweet_limit(day: date | None) -> int:
    """How long a post from `day` could be: 140 characters before X's 280-character test began, 280 since (and when
    the day is unknown)."""
    return SHORT_TWEET_LIMIT if day is not None and day < LONGER_TWEETS_SINCE else TWEET_LIMIT


def tweet_length(text: str) -> int:
    """Length of a text as X counts it, roughly: links 23 characters each, attached media nothing."""
    text = _MEDIA_LINK.sub("", text)
    return len(_LINK.sub("x" * _LINK_LENGTH, text))
