"""Quoted statements in an article's own paragraphs, with their speaker."""
from hypothesis import given, strategies as st

from pipeline.model import Quote
from pipeline.parse.quotes import find_quotes

SEED_QUOTE = (
    "“We hope that Israel will at some point leave the territory of Syria. But now it is bringing in additional"
    " troops,” Putin said at his annual end-of-year press conference."
)


def test_seed_quote():
    assert find_quotes([SEED_QUOTE]) == [
        Quote(
            text="We hope that Israel will at some point leave the territory of Syria. But now it is bringing in"
            " additional troops",
            speaker="Putin",
            position=1,
        )
    ]


def test_attribution_forms():
    paragraphs = [
        "“We will stay,” said Bashar al-Assad on state television.",
        "Vladimir Putin said: “Russia is not leaving.”",
        '"The bases are secure", according to Dmitry Peskov.',
        "In Moscow, Sergei Lavrov told reporters, “Talks continue.”",
    ]
    assert [(q.speaker, q.text, q.position) for q in find_quotes(paragraphs)] == [
        ("Bashar al-Assad", "We will stay", 1),
        ("Vladimir Putin", "Russia is not leaving.", 2),
        ("Dmitry Peskov", "The bases are secure", 3),
        ("Sergei Lavrov", "Talks continue.", 4),
    ]


def test_pronoun_is_the_last_named_speaker():
    paragraphs = ["“It is too early,” she said.", "“We hope,” Putin said.", "“They will leave,” he added."]
    assert [(q.speaker, q.text) for q in find_quotes(paragraphs)] == [
        (None, "It is too early"),  # no one named yet
        ("Putin", "We hope"),
        ("Putin", "They will leave"),
    ]


def test_unattributed_quotation_marks_are_not_quotes():
    paragraphs = [
        "The so-called “moderate” rebels took the city.",
        "The official who met Putin said: “No comment.”",  # the speaker is the official, not Putin
    ]
    assert find_quotes(paragraphs) == []


@given(st.lists(st.text()))
def test_never_fails(paragraphs):
    for number, quote in enumerate(find_quotes(paragraphs), start=1):
        assert quote.position == number and quote.text


def test_quotes_in_german_spanish_french_and_italian_marks():
    paragraphs = [
        "„Wir werden das prüfen“, sagte Scholz am Montag.",
        "«Es una decisión histórica», dijo Sánchez.",
        "« Nous ne céderons pas », a déclaré Macron.",
        "„Das reicht nicht“, sagte sie.",
    ]
    assert [(q.speaker, q.text) for q in find_quotes(paragraphs)] == [
        ("Scholz", "Wir werden das prüfen"),
        ("Sánchez", "Es una decisión histórica"),
        ("Macron", "Nous ne céderons pas"),
        ("Macron", "Das reicht nicht"),  # "sie" stands for the last named speaker
    ]
