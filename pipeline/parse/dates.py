"""A page's own times (published, modified) → UTC: ISO and RFC 2822 strings, ctime-like strings with a zone
abbreviation ("Fri Apr 28 19:20:36 CEST 2023"), and as a last resort the date the page shows in a date element
("8 January 2020, 3:51 pm", "Party, 30.10.23") or in its URL, and when none of these gives one, the day htmldate finds.

A time that states no zone is read in the page's zone: the first non-UTC offset stated by the page's own
structured times (JSON-LD, meta, `<time datetime>`), else the site's zone handed to `parse` (`site_zone`), else UTC.
"""
from __future__ import annotations

import copy
import html as html_entities
import re
import warnings
from datetime import date, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime

from pipeline.parse.liveblog.times import offset_zone

# Zone abbreviations as pages print them, with their offset in hours. IST is India's (the commoner on news pages).
ZONE_ABBREVIATIONS = {
    "UTC": 0, "GMT": 0, "UT": 0, "Z": 0, "WET": 0, "WEST": 1, "BST": 1, "IST": 5.5, "CET": 1, "CEST": 2, "MEZ": 1,
    "MESZ": 2, "EET": 2, "EEST": 3, "MSK": 3, "TRT": 3, "GST": 4, "PKT": 5, "ICT": 7, "WIB": 7, "HKT": 8, "SGT": 8,
    "PHT": 8, "AWST": 8, "JST": 9, "KST": 9, "ACST": 9.5, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8,
    "HST": -10, "BRT": -3, "ART": -3,
}
_ZONE_WORD = re.compile(r"(?<![\w+-])(" + "|".join(sorted(ZONE_ABBREVIATIONS, key=len, reverse=True)) + r")(?![\w])")
_FORMS = ("%a %b %d %H:%M:%S %Y", "%a, %b %d %Y %H:%M:%S %z", "%Y-%m-%d %H:%M:%S %z", "%Y-%m-%d %H:%M:%S",
          "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d", "%Y-%m-%d")
_URL_DATE = re.compile(r"/(?P<year>(?:19|20)\d\d)[/-](?P<month>[01]?\d)[/-](?P<day>[0-3]?\d)(?:/|$|[^\d])")


def page_zone(values: list, site_zone: tzinfo | None) -> tzinfo:
    """The zone the page's zone-less times are in: the first non-UTC offset `values` state, else `site_zone`,
    else UTC."""
    for value in values:
        if isinstance(value, str) and (zone := offset_zone(value)):
            return zone
    return site_zone or timezone.utc


def first_time(candidates: list, zone: tzinfo, warnings: list[str]) -> datetime | None:
    """The first candidate that reads as a time with a stated zone, in UTC; when none states one, the first that
    reads at all, taken in `zone`. Unreadable values become warnings."""
    zoneless = None
    for value in candidates:
        if not isinstance(value, str) or not value.strip():
            continue
        moment = read_time(value.strip())
        if moment is None:
            warnings.append(f"not a time: {value.strip()[:80]!r}")
            continue
        if moment.tzinfo is not None:
            return moment.astimezone(timezone.utc)
        zoneless = zoneless or moment
    return in_zone(zoneless, zone) if zoneless else None


def stated_offset(candidates: list) -> int | None:
    """The UTC offset in minutes of the first candidate that reads as a time with a stated zone (the one
    `first_time` takes), None when none states one."""
    for value in candidates:
        if isinstance(value, str) and value.strip():
            moment = read_time(value.strip())
            if moment is not None and moment.utcoffset() is not None:
                return round(moment.utcoffset().total_seconds() / 60)
    return None


def in_zone(moment: datetime, zone: tzinfo) -> datetime:
    """A zone-less local time taken in `zone`, as UTC (a time with a zone is only converted)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(timezone.utc)


def read_time(value: str) -> datetime | None:
    """The time a string states; zone-less (naive) when it names no zone, None when it is no time we read."""
    if "&" in value:
        value = html_entities.unescape(value).strip()  # "2023-11-02T10:14:29&#x2B;05:30" in JSON-LD (NDTV)
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        pass
    zone = None
    if match := _ZONE_WORD.search(value):
        zone = timezone(timedelta(hours=ZONE_ABBREVIATIONS[match.group(1)]))
        value = " ".join(f"{value[:match.start()]} {value[match.end():]}".split())
    moment = None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        pass
    for form in _FORMS:
        if moment is not None:
            break
        try:
            moment = datetime.strptime(value, form)
        except ValueError:
            continue
    if moment is None:
        return None
    if zone is not None and (moment.tzinfo is None or moment.utcoffset() == timedelta(0)):
        moment = moment.replace(tzinfo=zone)
    return moment


_MONTHS = {
    name: number
    for number, names in enumerate((
        "january jan januar janvier enero gennaio janeiro", "february feb februar février febrero febbraio fevereiro",
        "march mar märz mars marzo março", "april apr avril abril aprile", "may mai mayo maggio maio",
        "june jun juni juin junio giugno junho", "july jul juli juillet julio luglio julho",
        "august aug août agosto", "september sep sept septembre septiembre settembre setembro",
        "october oct oktober octobre octubre ottobre outubro", "november nov novembre noviembre novembro",
        "december dec dezember décembre diciembre dicembre dezembro",
    ), start=1)
    for name in names.split()
}
_MONTH = "(?P<month_name>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_CLOCK = r"(?:,?\s*(?:at\s+|um\s+|à\s+)?(?P<hour>[012]?\d)[:.h](?P<minute>[0-5]\d)\s*(?P<half>[ap]\.?m\.?)?)?"
_SHOWN_DATES = [re.compile(pattern + _CLOCK, re.IGNORECASE) for pattern in (
    r"\b(?P<day>[0-3]?\d)\.?\s+(?:de\s+)?" + _MONTH + r"\s+(?:de\s+)?(?P<year>(?:19|20)\d\d)\b",  # 8 January 2020
    r"\b" + _MONTH + r"\s+(?P<day>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b",  # January 8, 2020
    r"\b(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?P<year>(?:19|20)?\d\d)\b",  # 30.10.23, 30.10.2023
    r"\b(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)\b",  # 2023-10-30
)]
# Elements marked as holding the page's date: `<time>`, or a class naming a date, a time, publishing or post meta.
# A quoted or embedded post carries its own date (an X signature "February 29, 2016"): never the page's.
_QUOTED = ("ancestor-or-self::blockquote or ancestor-or-self::*[contains(@class, 'embed') or contains(@class, 'tweet')"
           " or contains(@class, 'instagram-media') or contains(@class, 'tiktok') or contains(@class, 'bluesky')"
           " or contains(@class, 'mastodon') or contains(@class, 'fb-post')]")
_MARKED_DATE_ELEMENTS = (
    "//body//*[self::time or contains(@class, 'date') or contains(@class, 'Date') or contains(@class, 'time')"
    " or contains(@class, 'publish') or contains(@class, 'posted') or contains(@class, 'created')"
    " or contains(@class, 'meta') or contains(@class, 'info') or contains(@class, 'datum') or contains(@class, 'fecha')]"
    f"[not({_QUOTED})]"
)
_MARKED_ELEMENTS = 60
_SHOWN_DATE_CHARS = 100
# Short texts anywhere in the body, outside page furniture, when no marked element shows a date.
_BODY_TEXTS = (
    "//body//text()[string-length(normalize-space(.)) > 5 and string-length(normalize-space(.)) <= 100]"
    "[not(ancestor::script or ancestor::style or ancestor::footer or ancestor::nav or ancestor::aside"
    " or ancestor::*[contains(@class, 'comment') or contains(@class, 'footer') or contains(@class, 'sidebar')"
    " or contains(@id, 'comment') or contains(@id, 'footer') or contains(@id, 'sidebar')])]"
    f"[not({_QUOTED.replace('ancestor-or-self::', 'ancestor::')})]"
)
_BODY_TEXT_NODES = 3000
_NOT_A_PUBLICATION = re.compile(r"©|copyright|\(c\)", re.IGNORECASE)
_EARLIEST_YEAR = 1995


def shown_date(root, zone: tzinfo, anywhere: bool = False) -> datetime | None:
    """The date the page shows (with its clock time when shown) in its first short element marked as a date
    (`<time>`, a class with "date", "time", "publish", "posted", "meta", "info"…), or with `anywhere` in its first
    short text outside footers, navigation, sidebars and comments; in `zone`, as UTC. Copyright lines are no date."""
    if anywhere:
        texts = [str(text) for text in root.xpath(_BODY_TEXTS)[:_BODY_TEXT_NODES]]
    else:
        texts = [element.text_content() for element in root.xpath(_MARKED_DATE_ELEMENTS)[:_MARKED_ELEMENTS]]
    for text in texts:
        text = " ".join(text.split())
        if not text or len(text) > _SHOWN_DATE_CHARS or not any(c.isdigit() for c in text) \
                or _NOT_A_PUBLICATION.search(text):
            continue
        for pattern in _SHOWN_DATES:
            if (match := pattern.search(text)) and (moment := _shown_moment(match)):
                return in_zone(moment, zone)
    return None


def _shown_moment(match: re.Match) -> datetime | None:
    parts = match.groupdict()
    year = int(parts["year"])
    year = year + 2000 if year < 100 else year
    if year < _EARLIEST_YEAR:
        return None
    month = _MONTHS[parts["month_name"].lower()] if parts.get("month_name") else int(parts["month"])
    hour, minute = int(parts["hour"] or 0), int(parts["minute"] or 0)
    if parts["half"] and parts["half"][0].lower() == "p" and hour < 12:
        hour += 12
    elif parts["half"] and parts["half"][0].lower() == "a" and hour == 12:
        hour = 0
    try:
        return datetime(year, month, int(parts["day"]), hour, minute)
    except ValueError:
        return None


def url_date(url: str | None) -> datetime | None:
    """The day a URL's path names (`/2023/10/30/`), at midnight UTC."""
    match = _URL_DATE.search(url) if url else None
    if not match:
        return None
    try:
        day = date(int(match.group("year")), int(match.group("month")), int(match.group("day")))
    except ValueError:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


def htmldate_day(root, url: str | None) -> datetime | None:
    """The publication day htmldate (trafilatura's date library) finds in the page, at midnight UTC: the last resort
    when neither structured data nor a date the page shows in the places we read gives one. htmldate reads a copy of
    the tree without quoted or embedded posts and does no I/O; any failure of it is no date."""
    try:
        import htmldate

        page = copy.deepcopy(root)  # without quoted and embedded posts: their dates are never the page's
        for element in page.xpath(f"//body//*[{_QUOTED.replace('ancestor-or-self::', 'self::')}]"):
            if element.getparent() is not None:
                element.drop_tree()
        with warnings.catch_warnings():  # dateutil warns about zone names it does not know, on pages' own text
            warnings.simplefilter("ignore")
            found = htmldate.find_date(page, url=url, original_date=True)
    except Exception:
        return None
    try:
        day = date.fromisoformat(found) if found else None
    except ValueError:
        return None
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc) if day else None
