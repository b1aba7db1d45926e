"""Secrets out of every message: `redact(text)` replaces passwords, keys and tokens with `***`.

What it hides (docs/security.md):
- the password of a URL's user info: `postgresql://user:PW@host/db` → `postgresql://user:***@host/db`;
- libpq `password=…` (quoted or not), and `PGPASSWORD=…`, `AWS_SECRET_ACCESS_KEY=…`, `AWS_SESSION_TOKEN=…`;
- the values of PGPASSWORD, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN from this process's environment, wherever
  they appear;
- `SECRET '…'` and `SESSION_TOKEN '…'` in DuckDB's `CREATE SECRET` SQL;
- query-string credentials (`token=`, `access_token=`, `api_key=`, `key=`, `sig=`, `signature=`, `X-Amz-Signature=`,
  … see QUERY_SECRETS) and `Bearer …` tokens.

It is applied in one place per channel: what the CLI prints (`redacted_output`, pipeline/cli.py), every log record
(`RedactFilter`, installed for the whole process by `install_log_filter` when `pipeline` is imported), the
exceptions the store raises (pipeline/store/backend/errors.py), the text columns staged for the warehouse
(pipeline/stage.py, load_attempts in pipeline/store/warehouse.py) and the warehouse name the report page and the
Airflow page show. Airflow's own log lines (a task's returned value) do not pass through `logging`: the ingest DAG
hands the secrets `secrets_in` finds to Airflow's masker instead (plugins/threadline_airflow/masking.py).

What it cannot know: a secret of another shape (a password in a URL path, a key in a custom header or parameter
name not listed here, a percent-encoded one). Raw responses in the WARC archive and XCom values keep addresses
whole, as the fetch and reparse need them.
"""
from __future__ import annotations

import contextlib
import logging
import os
import re
import sys
import traceback
from collections.abc import Iterator

MASK = "***"

# Environment variables whose values are secrets wherever they show up.
SECRET_ENV = ("PGPASSWORD", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")
# Shorter values are not searched for (a one-letter password would mask every such letter in a message).
MIN_ENV_SECRET = 4

# Query-string parameters whose values are credentials (case-insensitive).
QUERY_SECRETS = ("token", "access_token", "refresh_token", "id_token", "auth", "auth_token", "api_key", "apikey",
                 "key", "secret", "client_secret", "password", "passwd", "sig", "signature", "x-amz-signature",
                 "x-amz-security-token", "x-amz-credential", "x-goog-signature", "x-goog-credential")

# Each pattern's group `s` is the secret: it becomes MASK, the text around it stays.
_PATTERNS: list[re.Pattern] = [
    # scheme://user:PASSWORD@host — the password may hold '@' (the last '@' before the path ends the user info).
    re.compile(r"(?i)\b[a-z][a-z0-9+.\-]*://[^\s:/?#@'\"]*:(?P<s>[^\s/?#'\"]*)@"),
    # SECRET '…' / SESSION_TOKEN '…' in DuckDB secret SQL ('' is an escaped quote inside the literal).
    re.compile(r"(?i)\b(?:SECRET|SESSION_TOKEN)\s+'(?P<s>(?:[^']|'')*)'"),
    # libpq password=… (quoted with backslash escapes, or up to the next space), and secret environment settings; a
    # value already masked (`password=***)` in a message made from a redacted name) is left as it is.
    re.compile(r"(?i)\b(?:password|passwd|pgpassword|aws_secret_access_key|aws_session_token)\s*=\s*"
               r"(?!\*\*\*(?:[\s)]|$))(?P<s>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|(?:\\.|[^\s'\"\\])+)"),
    # ?token=…&sig=… in a URL (a value ends before '&', '#', a space or a quote, and before punctuation that ends it:
    # `URL?token=X: cause`).
    re.compile(r"(?i)[?&;](?:" + "|".join(re.escape(name) for name in QUERY_SECRETS) + r")="
               r"(?P<s>(?:[^&#\s'\"]*[^&#\s'\":,.;)])?)"),
    # Authorization: Bearer …
    re.compile(r"(?i)\bbearer\s+(?P<s>[A-Za-z0-9\-._~+/]+=*)"),
]


def env_secrets() -> list[str]:
    """The values of SECRET_ENV set in this process's environment (long enough to search for)."""
    return [value for value in (os.environ.get(name) for name in SECRET_ENV) if value and len(value) >= MIN_ENV_SECRET]


def _masked(match: re.Match) -> str:
    whole, start = match.group(0), match.start()
    return whole[:match.start("s") - start] + MASK + whole[match.end("s") - start:]


def redact(text: object) -> str:
    """`text` (any object, as str) with every secret we know the shape of replaced by `***`."""
    text = "" if text is None else str(text)
    for value in env_secrets():
        text = text.replace(value, MASK)
    for pattern in _PATTERNS:
        text = pattern.sub(_masked, text)
    return text


def secrets_in(text: str) -> list[str]:
    """The secrets `redact` would hide in `text`, as they are written there (for a masker that needs the values,
    like Airflow's: plugins/threadline_airflow/masking.py)."""
    found = [value for value in env_secrets() if value in text]
    for pattern in _PATTERNS:
        found += [match.group("s") for match in pattern.finditer(text) if match.group("s")]
    return found


def redact_optional(text: str | None) -> str | None:
    """`redact` for a value that may be missing (a nullable column): None stays None."""
    return None if text is None else redact(text)


class RedactFilter(logging.Filter):
    """Redacts a log record in place: its message (with the arguments merged in) and any traceback it carries."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "redacted", False):
            return True
        if isinstance(record.msg, dict):  # a structured event (structlog through logging): its text values
            record.msg = {key: redact(value) if isinstance(value, str) else value for key, value in record.msg.items()}
        else:
            try:
                message = record.getMessage()
            except Exception:  # a malformed format string: let the handler report it as it always does
                return True
            record.msg, record.args = redact(message), ()
        if record.exc_info and record.exc_info[0] is not None:
            shown = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
            if redact(shown) != shown:  # the traceback holds a secret: keep it only as redacted text
                record.msg = f"{record.msg}\n{redact(shown)}"
                record.exc_info, record.exc_text = None, None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        record.redacted = True
        return True


_FILTER = RedactFilter()


def install_log_filter() -> None:
    """Redact every log record this process creates, whichever logger and handler it goes through (the CLI's
    stderr, an Airflow task's log): the filter runs when the record is made, before any handler sees it."""
    current = logging.getLogRecordFactory()
    if getattr(current, "redacts", False):
        return

    def make_record(*args, **kwargs) -> logging.LogRecord:
        record = current(*args, **kwargs)
        _FILTER.filter(record)
        return record

    make_record.redacts = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make_record)


class _RedactingStream:
    """A text stream that redacts what is written to it, passing everything else to the stream it wraps."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(redact(text))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name):
        return getattr(self._stream, name)


@contextlib.contextmanager
def redacted_output() -> Iterator[None]:
    """Everything printed to stdout and stderr meanwhile goes out redacted."""
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _RedactingStream(sys.stdout), _RedactingStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved
