"""Article text on real pages beyond the labels' samples: where the first cut read chrome or missed paragraphs."""
from __future__ import annotations

from pipeline.parse import parse
from tests.labelled import document, load_labels


def _page(name: str):
    label = next(label for label in load_labels() if name in label["id"])
    return parse(document(label))


def test_reuters_paragraphs_written_as_divs_are_the_body_and_the_page_chrome_is_not():
    result = _page("Reuters_2024_03_07")
    body = result.page.body_text
    assert body.startswith("BEIRUT/THE HAGUE, March 7 (Reuters) - An Israeli tank crew killed a Reuters reporter")
    assert "Skip to main content" not in body and "Read Next" not in body
    assert not any("no article element" in warning for warning in result.warnings)


def test_ap_gallery_captions_share_bar_and_author_box_are_not_body():
    body = _page("APNews_2024_09_03").page.body_text
    assert body.startswith("LA CROSSE, Wis. (AP) — After a summer of historic tumult")
    assert "1 of 12" not in body and "Flipboard" not in body and not body.endswith("THOMAS BEAUMONT")


def test_a_news_ticker_key_point_list_under_a_bold_lead_line():
    page = _page("BR_2024_08_27").page
    assert [item.text for item in page.key_points] == [
        "Offenbar mehrere Kinder bei israelischen Angriffen getötet (11.39 Uhr)",
        "Palästinenser mutmaßlich von Siedlern erschossen (11.13 Uhr)",
        "Mittlerweile 640 Tote im Westjordanland (05.19 Uhr)",
    ]


def test_a_page_without_a_declared_language_gets_one_from_its_words():
    result = _page("videos-1")
    assert result.page.language == "en"
    assert "the page declares no language; 'en' is guessed from its words" in result.warnings
