"""What an erasure request names, as the `pipeline purge` command line gives it: a post (platform and id, or its URL),
an account (platform and handle) or a page (URL). Parsing only; nothing here reads the warehouse."""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.platforms import PLATFORMS
from pipeline.platforms import x_status_id
from pipeline.redact import redact
from pipeline.urls import canonical_url, is_http

KINDS = ("post", "account", "page")


class TargetError(ValueError):
    """A target the command line cannot name (a usage error: exit 2)."""


@dataclass(frozen=True)
class Target:
    """One request's target. `value` is the native id (post), the handle (account) or the URL (post URL, page)."""

    kind: str
    given: str  # as the operator wrote it (recorded redacted)
    platform: str | None = None
    native_id: str | None = None
    handle: str | None = None
    url: str | None = None

    @property
    def recorded(self) -> str:
        return redact(self.given)


def _platform_and(value: str, what: str, flag: str) -> tuple[str, str]:
    platform, sep, rest = value.partition(":")
    platform = platform.strip().lower()
    rest = rest.strip()
    if not sep or not rest:
        raise TargetError(f"{flag} {value!r}: write it as PLATFORM:{what} (e.g. x:{'1869731234567890123' if what == 'ID' else 'someone'})")
    if platform not in PLATFORMS:
        raise TargetError(f"{flag} {value!r}: unknown platform {platform!r}; one of {', '.join(PLATFORMS)}")
    return platform, rest


def post(value: str) -> Target:
    """`--post PLATFORM:ID`: the post `platform:native_id`."""
    platform, native_id = _platform_and(value, "ID", "--post")
    return Target("post", value, platform=platform, native_id=native_id)


def post_url(value: str) -> Target:
    """`--post-url URL`: a post by its address. An X status URL gives its id at once; any other is looked up among
    the posts the warehouse holds (`social_posts.url`)."""
    if not is_http(value):
        raise TargetError(f"--post-url {value!r}: not an http(s) URL")
    found = x_status_id(value)
    if found:
        return Target("post", value, platform="x", native_id=found[0], url=canonical_url(value))
    return Target("post", value, url=canonical_url(value))


def account(value: str) -> Target:
    """`--account PLATFORM:HANDLE`: every post of that account (handle without @, any case)."""
    platform, handle = _platform_and(value, "HANDLE", "--account")
    return Target("account", value, platform=platform, handle=handle.lstrip("@").casefold())


def page(value: str) -> Target:
    """`--page URL`: an article or live blog by its URL (or canonical URL)."""
    if not is_http(value):
        raise TargetError(f"--page {value!r}: not an http(s) URL")
    return Target("page", value, url=canonical_url(value))
