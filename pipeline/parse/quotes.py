"""Statements quoted in an article's own paragraphs, with who said them (`“…,” Putin said`, `„…“, sagte Scholz`)."""
from __future__ import annotations

import re

from pipeline.keys import clean_text
from pipeline.model import Quote

# A quoted span: curly quotes, a pair of straight double quotes, German „…“ and guillemets «…» / »…«.
_QUOTED = re.compile(
    r"“(?P<curly>[^“”]+)”|\"(?P<straight>[^\"]+)\"|„(?P<german>[^„“”]+)[“”]|«\s?(?P<guillemet>[^«»]+?)\s?»"
    r"|»(?P<reversed>[^«»]+)«"
)
_VERBS = (
    r"said|says|say|told|tells|added|adds|asked|asks|wrote|writes|stated|states|explained|explains|warned|warns"
    r"|insisted|insists|noted|notes|replied|replies|claimed|claims|declared|declares|argued|argues|continued"
    r"|tweeted|posted|announced|announces|acknowledged|acknowledges|remarked|urged|urges|reported|reports"
    # German, Spanish, French, Italian: the forms that follow a quote ("…", sagte Scholz / dijo Sánchez).
    r"|sagte|sagt|erklärte|erklärt|betonte|betont|schrieb|schreibt|warnte|warnt"
    r"|dijo|dice|afirmó|afirma|declaró|señaló|explicó|aseguró|añadió|escribió"
    r"|a déclaré|a dit|déclare|dit|a affirmé|affirme|a expliqué|explique|a ajouté|ajoute|a écrit|selon"
    r"|ha detto|dice|ha dichiarato|dichiara|ha affermato|afferma|ha spiegato|spiega|ha aggiunto|ha scritto|secondo"
)
# After the closing quote: `, Putin said`, `, he said`, `, said Putin`, `, according to (the) Kremlin`.
_WORD = r"[^\s,.;:!?“”\"]+"
_AFTER_SPEAKER_VERB = re.compile(rf"^[\s,]*(?P<speaker>{_WORD}(?:\s+{_WORD}){{0,4}}?)\s+(?:{_VERBS})\b")
_AFTER_VERB_SPEAKER = re.compile(rf"^[\s,]*(?:{_VERBS})\s+(?P<speaker>[^,.;:!?“”\"]+)")
_AFTER_ACCORDING_TO = re.compile(r"^[\s,]*according\s+to\s+(?:the\s+)?(?P<speaker>[^,.;:!?“”\"]+)", re.IGNORECASE)
# Before the opening quote: `Putin said: “`, `Putin told reporters, “` (the speaker is read off the words before).
_BEFORE_VERB = re.compile(rf"\b(?:{_VERBS})\b[^“”\".!?]{{0,60}}[:,]\s*$")
_PRONOUNS = {"he", "she", "they", "er", "sie", "él", "ella", "ellos", "il", "elle", "ils", "lui", "lei", "loro"}
# Lower-case words that may sit inside a name: "Bashar al-Assad", "Ursula von der Leyen".
_NAME_PARTICLES = {"al", "bin", "ibn", "de", "da", "del", "der", "di", "du", "la", "le", "van", "von"}
_NAME_WORD_LIMIT = 5


def find_quotes(paragraphs: list[str]) -> list[Quote]:
    """Quoted statements with an attribution next to them, in order, numbered from 1.

    A quote counts when a speech verb and its speaker sit right after the closing quote (`“…,” Putin said`,
    `“…,” said Putin`, `“…”, according to Putin`) or right before the opening one (`Putin said: “…”`).
    The speaker is a capitalised name; he/she/they stand for the last named speaker (None before any).
    The text is what is inside the quotes, without a trailing comma.
    """
    quotes: list[Quote] = []
    last_named_speaker: str | None = None
    for paragraph in paragraphs:
        for match in _QUOTED.finditer(paragraph):
            speaker_found, speaker = _attribution(paragraph[: match.start()], paragraph[match.end():])
            if not speaker_found:
                continue
            if speaker and speaker.lower() in _PRONOUNS:
                speaker = last_named_speaker
            elif speaker:
                last_named_speaker = speaker
            quoted = next(group for group in match.groups() if group)
            text = clean_text(quoted).rstrip(",").rstrip()
            if text:
                quotes.append(Quote(text=text, speaker=speaker, position=len(quotes) + 1))
    return quotes


def _attribution(before: str, after: str) -> tuple[bool, str | None]:
    """(whether the quote is attributed, the speaker as written: a name or a pronoun)."""
    match = _AFTER_SPEAKER_VERB.match(after)
    if match and (speaker := _speaker(match.group("speaker"), whole=True)):
        return True, speaker
    for pattern in (_AFTER_VERB_SPEAKER, _AFTER_ACCORDING_TO):
        match = pattern.match(after)
        if match and (speaker := _speaker(match.group("speaker"), whole=False)):
            return True, speaker
    match = _BEFORE_VERB.search(before)
    if match and (speaker := _speaker_ending(before[: match.start()])):
        return True, speaker
    return False, None


def _speaker(phrase: str, whole: bool) -> str | None:
    """A pronoun, or the name the phrase starts with (`whole`: the phrase must be only that name)."""
    words = phrase.split()
    if not words:
        return None
    if words[0].lower() in _PRONOUNS and (len(words) == 1 or not whole):
        return words[0]
    name: list[str] = []
    for word in words:
        if _is_name_word(word) or (name and word.lower() in _NAME_PARTICLES):
            name.append(word)
        else:
            break
    while name and name[-1].lower() in _NAME_PARTICLES:
        name.pop()
    if not name or len(name) > _NAME_WORD_LIMIT or (whole and len(name) != len(words)):
        return None
    return " ".join(name)


def _speaker_ending(text: str) -> str | None:
    """The pronoun or name that ends the text and starts its clause (`In Moscow, Putin`), else None."""
    words = text.split()
    name: list[str] = []
    while words and (_is_name_word(words[-1]) or (name and words[-1].lower() in _NAME_PARTICLES)):
        name.insert(0, words.pop())
    if not name and words and words[-1].lower() in _PRONOUNS:
        name.insert(0, words.pop())
    while name and name[0].lower() in _NAME_PARTICLES:
        name.pop(0)
    starts_clause = not words or words[-1][-1] in ".,;:!?)"
    if not name or len(name) > _NAME_WORD_LIMIT or not starts_clause:
        return None
    return " ".join(name)


def _is_name_word(word: str) -> bool:
    """A capitalised word (or `al-Assad`) not closing a clause; `J.` is an initial."""
    if word[-1] in ",;:!?)" or (word[-1] == "." and len(word) > 2):
        return False
    return word[0].isupper() or (word.lower().startswith("al-") and len(word) > 3 and word[3].isupper())
