"""Publishers' own placeholders that name a post only in a `data-*` attribute (`div.embed[data-url=…]`,
`figure[data-embed-url=…]`): found by what the value looks like, a post URL of one of our platforms, whatever the
attribute or class is called. Links, frames, blockquotes and scripts are left to the platform modules, and so is
any element holding one of those (the placeholder then wraps an embed another kind reads)."""
from __future__ import annotations

from bs4 import Tag

from pipeline.model import SocialPost
from pipeline.parse.embeds.base import EmbedError, EmbedKind
from pipeline.platforms import PLATFORMS

# The platforms whose posts publishers' placeholders are searched for (a row's `placeholder_hints`), in table order.
_SEARCHED = tuple(platform for platform in PLATFORMS.values() if platform.placeholder_hints)


def _hint_test(hint: str | tuple[str, ...]) -> str:
    parts = (hint,) if isinstance(hint, str) else hint
    test = " and ".join(f"contains(., '{part}')" for part in parts)
    return test if len(parts) == 1 else f"({test})"


_POST_URL_TESTS = tuple(_hint_test(hint) for platform in _SEARCHED for hint in platform.placeholder_hints)
XPATH = (
    ".//*[not(self::a or self::iframe or self::blockquote or self::script or self::link or self::meta or self::img"
    " or self::source or self::video or self::amp-twitter)]"
    f"[@*[starts-with(name(), 'data-') and not(contains(name(), 'tweet')) and ({' or '.join(_POST_URL_TESTS)})]]"
    "[not(.//blockquote or .//iframe or .//amp-twitter or ancestor::blockquote or ancestor::amp-twitter)]"
)


def post_from_url(value: str) -> SocialPost | None:
    """The post a URL names, on any platform searched in placeholders, with no more than the URL tells."""
    for platform in _SEARCHED:
        if post := platform.post_from_url(value):
            return post
    return None


def read(element: Tag) -> SocialPost:
    for name, value in element.attrs.items():
        if name.startswith("data-") and isinstance(value, str) and (post := post_from_url(value)):
            return post
    raise EmbedError("no post URL in the element's data attributes")


KINDS = (
    EmbedKind(name="data-attribute placeholder", platform="any", xpath=XPATH, form="placeholder", read=read),
)
