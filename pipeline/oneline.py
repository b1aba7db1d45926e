"""Text from outside shown on one line: a file name, a URL or a cause cannot break a log or output line in two, or
forge one, and a URL can be cut to a length a line can hold."""
from __future__ import annotations


def one_line(text: str, limit: int | None = None) -> str:
    """`text` with control characters (newlines, carriage returns, line separators) escaped as Python writes them,
    cut to `limit` characters (with an ellipsis) when one is given."""
    if limit is not None and len(text) > limit:
        text = text[:limit - 1] + "…"
    return text if text.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
