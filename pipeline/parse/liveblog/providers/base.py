"""What every ticker provider module shares: its error and the request a page's embed code names."""
from __future__ import annotations

from dataclasses import dataclass


class ProviderError(ValueError):
    """A provider's answer that cannot be read as its entries (not JSON, not the provider's shape)."""


@dataclass(frozen=True, slots=True)
class ProviderRequest:
    """One JSON address a page's embed code names, and the provider module that reads the answer."""

    provider: object
    url: str
