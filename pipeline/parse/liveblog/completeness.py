"""Whether a read of a live blog showed its whole list of entries: what lets a later load say an entry was removed.

A read is complete only when the page's own markup held the entry stream, read by microdata or by a site
adapter whose markup shows every entry (`WHOLE_LIST`: JSON-LD alone often lists only the latest entries, the
generic fallback may miss blocks, a site that pages its live blog shows a part), the page points to no further
page of entries (`rel="next"`, the HTML standard's pagination link), and every entry the JSON-LD names by id is
among the HTML entries (HTML that shows fewer entries than the page lists is a part). Any doubt is incomplete: a
missing entry then stays as it was.
"""
from __future__ import annotations

_NEXT_PAGE = "//link[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]" \
             " | //a[contains(concat(' ', normalize-space(@rel), ' '), ' next ')]"


def entries_complete(root, blog) -> bool:
    """`blog` is the page's `LiveBlog` after its entries were read (pipeline/parse/liveblog)."""
    if not blog.is_liveblog or not blog.html_entries or not blog.whole_list:
        return False
    if root.xpath(_NEXT_PAGE):
        return False
    in_html = {entry.native_id for entry in blog.html_entries if entry.native_id}
    listed = {entry.native_id for entry in blog.json_entries if entry.native_id}
    return listed <= in_html
