"""Stored text and the keys computed from it (pipeline/keys.py): text already clean is kept as it is, every other
text is cleaned the same way, whichever path it takes."""
from __future__ import annotations

import pytest

from pipeline import keys


@pytest.mark.parametrize("text, stored", [
    ("Gaza death toll reaches 45,129", "Gaza death toll reaches 45,129"),
    ("First line\nSecond line", "First line\nSecond line"),
    ("", ""),
    ("two  spaces", "two spaces"),
    (" leading and trailing ", "leading and trailing"),
    ("line \nbreak", "line\nbreak"),
    ("empty\n\nline", "empty\nline"),
    ("\nstarts and ends\n", "starts and ends"),
    ("tab\there", "tab here"),
    ("windows\r\nline", "windows\nline"),
    ("no\u00a0break", "no break"),
    ("@\u2066name\u2069's post", "@name's post"),
    ("cafe\u0301", "caf\u00e9"),  # decomposed é stored composed (NFC)
    ("line\u2028separator", "line\nseparator"),
])
def test_stored_text_is_clean_whichever_way_it_came(text, stored):
    assert keys.clean_text(text) == stored


def test_a_content_hash_ignores_only_what_cleaning_drops():
    assert keys.content_hash("Title", "Body  text") == keys.content_hash("Title", "Body text")
    assert keys.content_hash("Title", "Body text") != keys.content_hash("Title", "Body text!")
