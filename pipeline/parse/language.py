"""A page's language from its words, for pages that do not declare one: the language whose commonest short words
(articles, pronouns, prepositions) make up the largest share of the text. Good enough for news prose in the
languages of our sources; None when the text is short or no language stands out."""
from __future__ import annotations

import re

_STOPWORDS = {
    "en": "the and of to in is that for it was on with as he she at by this from have are be not but they his her"
          " which you were has had will their said an or been would who",
    "de": "der die und in den von zu das mit sich des auf für ist im dem nicht ein eine als auch es an werden aus er"
          " hat dass sie nach wird bei einer um am sind noch wie einem über",
    "fr": "le la les de des et en du un une est que qui dans pour pas sur au par plus il elle ne se ce avec son sont"
          " mais comme ont été aux cette",
    "es": "el la los las de del y en que un una es por con para se no su al lo como más pero sus le ha fue este"
          " entre cuando muy sin sobre también",
    "it": "il la le di del della e che un una per non in con si da è al dei gli sono alla come più anche ha nel"
          " questo ma delle sul",
    "pt": "o a os as de do da dos das e em que um uma para com não por se na no mais ao como mas foi é seu sua ou"
          " ser quando muito",
    "nl": "de het een en van in is dat op te zijn met voor niet aan er ook als bij door maar om dan nog wordt uit"
          " naar heeft",
}
_WORDS = {language: frozenset(words.split()) for language, words in _STOPWORDS.items()}
_TOKEN = re.compile(r"[^\W\d_]+", re.UNICODE)
_MIN_WORDS = 30
_MIN_SHARE = 0.12
_MIN_LEAD = 1.5  # the best language's share must be this many times the runner-up's


def guess_language(text: str) -> str | None:
    tokens = [token.lower() for token in _TOKEN.findall(text[:20_000])]
    if len(tokens) < _MIN_WORDS:
        return None
    shares = sorted(
        ((sum(token in words for token in tokens) / len(tokens), language) for language, words in _WORDS.items()),
        reverse=True,
    )
    (best, language), (second, _) = shares[0], shares[1]
    if best < _MIN_SHARE or best < second * _MIN_LEAD:
        return None
    return language
