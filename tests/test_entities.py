"""Entities of a post's text: hashtags, mentions, links, media, cashtags."""
from hypothesis import given, strategies as st

from pipeline.model import Entity
from pipeline.parse.entities import entities_from_text


def test_seed_posts_entities():
    new_arab = "👉 Russia evacuated 4,000 Iranian fighters from Syria: Putin🔴 Live blog: https://t.co/w1oxigfedT"
    anadolu = "#BREAKING Russian President Putin says Moscow hopes Israel will leave Syria pic.twitter.com/ElKHjm2hOm"
    assert entities_from_text(new_arab) == [Entity("url", "https://t.co/w1oxigfedT")]
    assert entities_from_text(anadolu) == [
        Entity("hashtag", "BREAKING"),
        Entity("media", "https://pic.twitter.com/ElKHjm2hOm"),
    ]


def test_all_kinds_in_order_of_appearance():
    text = "@Inc's list: $TSLA up, see t.co/AbC12 and www.example.com/a. #Drupal pic.x.com/Xy9"
    assert entities_from_text(text) == [
        Entity("mention", "Inc"),
        Entity("cashtag", "TSLA"),
        Entity("url", "https://t.co/AbC12"),
        Entity("url", "https://www.example.com/a"),  # the sentence's full stop is not part of the link
        Entity("hashtag", "Drupal"),
        Entity("media", "https://pic.twitter.com/Xy9"),  # pic.x.com is the same media host
    ]


def test_each_entity_once_and_as_written():
    text = "#Oscars night! #Oscars #オスカー @andyserkis @andyserkis"
    assert entities_from_text(text) == [
        Entity("hashtag", "Oscars"),
        Entity("hashtag", "オスカー"),
        Entity("mention", "andyserkis"),
    ]


def test_not_entities():
    text = "mail me at press@example.com, it costs $5, item #1, see https://example.com/page#section"
    assert entities_from_text(text) == [Entity("url", "https://example.com/page#section")]


@given(st.text())
def test_every_value_is_in_the_text(text):
    for entity in entities_from_text(text):
        if entity.kind in ("hashtag", "mention", "cashtag"):
            assert entity.value in text


def test_a_hashtag_followed_by_a_hash_or_a_scheme_is_none():
    assert entities_from_text("mov ntdll:NtOpenProcess, #31C0C21000#") == []
    assert [e.value for e in entities_from_text("#Oscars! #ok")] == ["Oscars", "ok"]
