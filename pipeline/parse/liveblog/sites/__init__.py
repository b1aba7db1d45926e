"""Site markup of live blogs: one small adapter per publisher family, chosen by what the page's markup looks like.

Each adapter module has `NAME`, `WHOLE_LIST` (whether its markup shows every entry of the live blog, so that an
entry missing from a read was removed), `find(root) -> list` (the entry elements, empty when the page is not of its
family) and `entries(elements, clock) -> list[RawEntry]`. The first adapter that finds at least `MIN_ENTRIES`
entries reads the page; `generic` comes last and only runs for pages already known to be live blogs. An adapter
whose markup always shows every entry of the live blog (no pagination, no "latest N") says so with
`WHOLE_LIST = True`; the read can then be complete (`Page.entries_complete`, liveblog/completeness.py) and an entry
missing from it counts as removed.
"""
from __future__ import annotations

from pipeline.parse.liveblog.sites import commentary, generic, guardian, reach, repubblica, ticker

ADAPTERS = (reach, guardian, repubblica, ticker, commentary)
FALLBACK = generic
# One block of a family's markup is a widget or a teaser; a stream has at least two.
MIN_ENTRIES = 2
