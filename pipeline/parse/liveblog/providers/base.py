"""What every ticker provider module shares: its error and the request a page's embed code names."""
from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.parse.liveblog.raw_entry import RawEntry


class ProviderError(ValueError):
    """A provider's answer that cannot be read as its entries (not JSON, not the provider's shape)."""


@dataclass(frozen=True, slots=True)
class ProviderRequest:
    """One JSON address a page's embed code names, and the provider module that reads the answer."""

    provider: object
    url: str


@dataclass(slots=True)
class ProviderAnswer:
    """The entries one provider answer holds, and whether they are the blog's whole entry list (not one page of
    several, not the latest N only)."""

    entries: list[RawEntry] = field(default_factory=list)
    whole: bool = False
