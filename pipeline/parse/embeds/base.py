"""What an embed reader declares (`EmbedKind`) and raises (`EmbedError`), and where a platform's reader is; see the
package docstring."""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from types import ModuleType
from typing import Callable

from bs4 import Tag

from pipeline.model import SocialPost


class EmbedError(Exception):
    """An embed that cannot be read as a post; the message says why."""


@dataclass(frozen=True, slots=True)
class EmbedKind:
    """One markup form of one platform's embeds."""

    name: str  # names the form in warnings, e.g. "x blockquote"
    platform: str
    xpath: str  # lxml XPath from the content element to the embed's outermost element
    form: str  # the `Embed.form` it stands for: blockquote, iframe, amp, placeholder, bare_url
    read: Callable[[Tag], SocialPost]


def has_class(name: str) -> str:
    """XPath test that an element's class attribute holds the class `name`."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def reader_module(platform: str) -> ModuleType:
    """The reader module of a platform of the table (`pipeline.platforms.PLATFORMS`): `pipeline.parse.embeds.<name>`."""
    name = f"pipeline.parse.embeds.{platform}"
    try:
        return import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        raise ImportError(f"the platform {platform!r} of pipeline/platforms.py has no reader module "
                          f"pipeline/parse/embeds/{platform}.py (docs/adding-a-platform.md)", name=name) from None
