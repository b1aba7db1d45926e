"""Lazy and deferred embeds on real saved pages (tests/fixtures/lazy_embeds/, origins in tests/fixtures/SOURCES.md):
each post found once, with its platform, id and place, however the page defers it.

The pages come into tests/fixtures/ from the team corpus (shared/corpus); a test whose page is not there yet skips and
names it."""
from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from pipeline.keys import post_id
from pipeline.model import Document
from pipeline.parse import parse

FIXTURES = Path(__file__).parent / "fixtures" / "lazy_embeds"


def _page(name: str, url: str):
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"{name}: the real page is not in tests/fixtures/lazy_embeds/ yet (origin in tests/fixtures/SOURCES.md)")
    html = gzip.decompress(path.read_bytes()).decode("utf-8")
    return parse(Document(source=url, url=url, content=html, kind="html")).page


# Each form as its page has it: the embed's markup copied unchanged from the page named (tests/fixtures/SOURCES.md), in
# the element that holds it there, inside a bare article. These run while the whole pages are not in tests/fixtures/.
MOTORSPORT_TWEET = (  # motorsport-magazin.com, MotorSportMagazin_2024_04_24 (fundus)
    '<div class="tweet_row"><blockquote class="lazy-content" data-loader="ContentLoader" data-twitter="twitter-tweet"'
    ' data-lang="de" align="center"><div class="exc" data-type="twitter"></div>'
    '<a href="https://twitter.com/WorldSBK/status/1783121817189679206" rel="nofollow"></a></blockquote></div>'
)
KNOWTECHIE_FRAME = (  # knowtechie.com.rally (trafilatura): a3 Lazy Load's frame and its <noscript> copy, in one <p>
    '<p><iframe  data-lazy-type="iframe" data-src="https://www.youtube.com/embed/BItSgrSYAXA" width="854" height="400"'
    ' frameborder="0" allowfullscreen="allowfullscreen"><span data-mce-type="bookmark" style="display: inline-block;'
    ' width: 0px; overflow: hidden; line-height: 0;" class="lazy lazy-hidden mce_SELRES_start">\ufeff</span></iframe>'
    '<noscript><iframe src="https://www.youtube.com/embed/BItSgrSYAXA" width="854" height="400" frameborder="0"'
    ' allowfullscreen="allowfullscreen"><span data-mce-type="bookmark" style="display: inline-block; width: 0px;'
    ' overflow: hidden; line-height: 0;" class="mce_SELRES_start">\ufeff</span></iframe></noscript></p>'
)
OSTBELGIEN_PLAYER = (  # Ostbelgiendirekt.be-ARD-Doku (trafilatura): WP Rocket's player and its <noscript> copy
    '<div class="responsive-embed"><div class="rll-youtube-player" data-src="https://www.youtube.com/embed/Iuobpte4ndQ"'
    ' data-id="Iuobpte4ndQ" data-query="feature=oembed" data-alt="Loriot &quot;Ich will hier nur sitzen&quot;"></div>'
    '<noscript><iframe title="Loriot &quot;Ich will hier nur sitzen&quot;" width="500" height="375"'
    ' src="https://www.youtube.com/embed/Iuobpte4ndQ?feature=oembed" frameborder="0" allow="accelerometer; autoplay;'
    ' clipboard-write; encrypted-media; gyroscope; picture-in-picture; web-share" allowfullscreen></iframe></noscript></div>'
)
LAREPUBLICA_IMAGE = (  # larepublica.pe-minedu (trafilatura)
    '<img class="raw-htm-embed" data-src="https://www.youtube.com/embed/lJuHMpxaSU8" height="150" width="150"'
    ' alt="Lazy loaded component"/>'
)
TODAY_INSTAGRAM = (  # today.com, NAEB 05260e064d1cebe84a03944297d71555
    '<iframe data-src="https://www.instagram.com/p/C1JGsX0MPTM/?img_index=1" loading="lazy"'
    ' src="//iframe.nbcnews.com/PpHNcbN?_showcaption=false&amp;app=1" allowfullscreen=""></iframe>'
)
TODAY_YOUTUBE = (  # today.com, NAEB 0e3865b8105807ab6f3c3f65e2f4ec07
    '<iframe data-src="https://www.youtube.com/watch?v=8KVsaoveTbw" loading="lazy"'
    ' src="//iframe.nbcnews.com/zORO9lE?_showcaption=true" allowfullscreen="" scrolling="no" allow="accelerometer *;'
    ' clipboard-write *; encrypted-media *; gyroscope *; picture-in-picture *; web-share *;"></iframe>'
)
PEOPLE_FRAME = (  # people.com (postlight parser)
    '<iframe id="mntl-sc-block_1-0-7-iframe" class="mntl-sc-block-embed--iframe lazyload" allowfullscreen="false"'
    ' frameborder="0" sandbox="allow-forms allow-popups allow-popups-to-escape-sandbox allow-same-origin allow-scripts'
    ' allow-top-navigation-by-user-activation" title="" data-expand="300"'
    ' data-src="/embed?url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3DvpTEYV-f_LQ&amp;id=mntl-sc-block_1-0-7-iframe'
    '&amp;options=e30%3D&amp;docId=5878638"></iframe>'
)
KOTAKU_INSET = (  # kotaku.com, NAEB 04dc243e6a84b1f11a63f65971bd258e
    '<iframe data-src="https://kotaku.com/embed/inset/iframe?id=twitter-1737575758393176168&amp;autosize=1"'
    ' autoresize="true" id="twitter-1737575758393176168" data-recommended="false" class="core-inset lazyload"'
    ' frameborder="0" scrolling="no" allowfullscreen="" webkitallowfullscreen="webkitAllowFullScreen"'
    ' mozallowfullscreen="mozallowfullscreen"></iframe>'
)
DEADSPIN_INSET = (  # deadspin.com--video (postlight parser)
    '<iframe data-src="https://deadspin.com/embed/inset/iframe?id=youtube-video-LlbUwLx785k&amp;start=0"'
    ' data-chomp-id="LlbUwLx785k" data-recommend-id="youtube://LlbUwLx785k" id="youtube-LlbUwLx785k"'
    ' data-recommended="false" width="800" height="450" class="core-inset lazyload" frameborder="0" scrolling="no"'
    ' allowfullscreen webkitallowfullscreen="webkitAllowFullScreen" mozallowfullscreen="mozallowfullscreen"></iframe>'
)


def _embeds(markup: str):
    html = f"<html><body><article><p>Intro paragraph of the article.</p>{markup}</article></body></html>"
    return parse(Document(source="t", content=html, kind="html")).page.embeds


def test_each_lazy_form_as_its_page_has_it():
    cases = [
        (MOTORSPORT_TWEET, [("blockquote", "x:1783121817189679206")]),
        (KNOWTECHIE_FRAME, [("iframe", "youtube:BItSgrSYAXA")]),  # the <noscript> copy is the same embed
        (OSTBELGIEN_PLAYER, [("placeholder", "youtube:Iuobpte4ndQ")]),  # likewise
        (LAREPUBLICA_IMAGE, [("iframe", "youtube:lJuHMpxaSU8")]),
        (TODAY_INSTAGRAM, [("iframe", "instagram:C1JGsX0MPTM")]),
        (TODAY_YOUTUBE, [("iframe", "youtube:8KVsaoveTbw")]),
        (PEOPLE_FRAME, [("iframe", "youtube:vpTEYV-f_LQ")]),
        (KOTAKU_INSET, [("iframe", "x:1737575758393176168")]),
        (DEADSPIN_INSET, [("iframe", "youtube:LlbUwLx785k")]),
    ]
    for markup, expected in cases:
        assert [(e.form, post_id(e.post)) for e in _embeds(markup)] == expected, markup[:80]


def test_lazy_forms_in_a_row_keep_their_places():
    embeds = _embeds(f"<p>First.</p>{MOTORSPORT_TWEET}<p>Second.</p>{KNOWTECHIE_FRAME}<p>Third.</p>{TODAY_INSTAGRAM}")
    assert [(e.position, e.post.platform, e.post.native_id) for e in embeds] == [
        (1, "x", "1783121817189679206"), (2, "youtube", "BItSgrSYAXA"), (3, "instagram", "C1JGsX0MPTM"),
    ]


def test_an_x_embed_whose_marker_class_moved_to_a_data_attribute():
    """motorsport-magazin.com: `<blockquote class="lazy-content" data-twitter="twitter-tweet">` holding only the
    status link, twice, between the article's paragraphs."""
    page = _page("lazy__fundus__MotorSportMagazin_2024_04_24.html.gz",
                 "https://www.motorsport-magazin.com/superbike/news-288299-superbike-hammer-erklaert-kawasaki-steigt-"
                 "ende-2024-aus-und-doch-wieder-nicht/")
    assert [(e.position, e.form, post_id(e.post)) for e in page.embeds] == [
        (1, "blockquote", "x:1783121817189679206"),
        (2, "blockquote", "x:1783139544423973076"),
    ]
    first = page.embeds[0].post
    assert (first.platform, first.author_handle, first.url) == ("x", "WorldSBK", "https://x.com/i/status/1783121817189679206")
    assert first.posted_at.isoformat().startswith("2024-04-24")  # from the snowflake id
    # The body keeps the paragraphs around each embed and none of the embed's markup.
    body = page.body_text
    assert "Seit 2019 gehören Kawasaki 49,9% der Anteile der Motorradschmiede." in body
    assert "In diesem Lichte ist auch zu sehen" in body
    assert "twitter.com" not in body


def test_a_lazy_frame_and_its_noscript_copy_are_one_embed():
    """knowtechie.com: `<iframe data-src=…youtube…>` (a3 Lazy Load), then `<noscript><iframe src=…>` with the same
    video, in one paragraph."""
    page = _page("lazy__trafilatura__knowtechie.com.rally.html.gz",
                 "https://knowtechie.com/rocket-pass-4-in-rocket-league-brings-with-it-a-new-rally-inspired-car/")
    assert [(e.position, e.form, post_id(e.post)) for e in page.embeds] == [(1, "iframe", "youtube:BItSgrSYAXA")]


def test_a_lazy_player_placeholder_and_its_noscript_frame_are_one_embed():
    """ostbelgiendirekt.be: WP Rocket's `div.rll-youtube-player[data-src]`, then `<noscript><iframe src=…>`."""
    page = _page("lazy__trafilatura__Ostbelgiendirekt.be-ARD-Doku.html.gz",
                 "https://ostbelgiendirekt.be/tv-tipp-loriot-100-367167")
    assert [(e.position, post_id(e.post)) for e in page.embeds] == [(1, "youtube:Iuobpte4ndQ")]


def test_an_image_that_stands_for_a_lazy_player_frame():
    """larepublica.pe: `<img class="raw-htm-embed" data-src="https://www.youtube.com/embed/…">`, twice."""
    page = _page("lazy__trafilatura__larepublica.pe-minedu.html.gz",
                 "https://larepublica.pe/datos-lr/respuestas/2022/05/02/"
                 "cronograma-minedu-2022-cuando-seran-las-vacaciones-escolares-atmp/")
    assert [(e.position, e.form, post_id(e.post)) for e in page.embeds] == [
        (1, "iframe", "youtube:lJuHMpxaSU8"),
        (2, "iframe", "youtube:stSwFl2YmVU"),
    ]


def test_iframely_frames_keep_the_post_url_in_data_src_and_a_proxy_in_src():
    """today.com: `<iframe data-src="https://www.instagram.com/p/…" src="//iframe.nbcnews.com/…">`, and the same with a
    YouTube watch URL."""
    instagram = _page("lazy__article-extraction-dataset__05260e064d1cebe84a03944297d71555.html.gz",
                      "https://www.today.com/popculture/music/beyonce-surprise-appearance-brazil-renaissance-event-rcna130888")
    assert [(e.position, e.form, post_id(e.post)) for e in instagram.embeds] == [
        (1, "iframe", "instagram:C1JQVQ2ukpA"),
        (2, "iframe", "instagram:C1JGsX0MPTM"),
    ]
    assert instagram.embeds[1].post.url == "https://www.instagram.com/p/C1JGsX0MPTM/"
    youtube = _page("lazy__article-extraction-dataset__0e3865b8105807ab6f3c3f65e2f4ec07.html.gz",
                    "https://www.today.com/popculture/movies/the-iron-claw-chris-von-erich-left-out-rcna130362")
    assert [(e.form, post_id(e.post)) for e in youtube.embeds] == [("iframe", "youtube:8KVsaoveTbw")]


def test_a_publishers_own_lazy_frame_names_the_post_in_its_url_parameter():
    """people.com: `<iframe class="… lazyload" data-src="/embed?url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3D…">`."""
    page = _page("lazy__parser__people.com.html.gz", "https://people.com/style/jennifer-aniston-coat-tags-jimmy-kimmel/")
    assert [(e.position, e.form, post_id(e.post)) for e in page.embeds] == [(1, "iframe", "youtube:vpTEYV-f_LQ")]


def test_kinja_lazy_inset_frames_name_the_post_in_their_id_parameter():
    """kotaku.com and deadspin.com: `<iframe class="core-inset lazyload"
    data-src="https://kotaku.com/embed/inset/iframe?id=twitter-<status id>&autosize=1">`, `id=youtube-video-<id>`."""
    kotaku = _page("lazy__article-extraction-dataset__04dc243e6a84b1f11a63f65971bd258e.html.gz",
                   "https://kotaku.com/metal-gear-solid-5-v-david-hayter-keifer-sutherland-1851118205")
    assert [(e.position, e.form, post_id(e.post)) for e in kotaku.embeds] == [
        (1, "iframe", "x:1737575758393176168"),
        (2, "iframe", "x:1722325585152929961"),
    ]
    assert kotaku.embeds[0].post.posted_at.date().isoformat() == "2023-12-20"  # from the snowflake id
    deadspin = _page("lazy__parser__deadspin.com--video.html.gz",
                     "https://deadspin.com/remember-when-donald-trump-got-booed-for-butchering-ta-1788216229")
    assert [(e.form, post_id(e.post)) for e in deadspin.embeds] == [("iframe", "youtube:LlbUwLx785k")]


def test_a_lazy_address_that_is_not_a_url_loses_nothing():
    """Hostile input: a `data-src` urllib cannot split must not cost the page its other embeds."""
    html = ("<html><body><article><p>An article paragraph long enough to be the content of this page.</p>"
            '<iframe data-src="http://[oops/embed?url=https%3A%2F%2Fwww.youtube.com%2Fwatch%3Fv%3DvpTEYV-f_LQ"></iframe>'
            '<blockquote class="lazy-content" data-twitter="twitter-tweet">'
            '<a href="https://twitter.com/WorldSBK/status/1783121817189679206"></a></blockquote></article></body></html>')
    result = parse(Document(source="t", content=html, kind="html"))
    assert [post_id(e.post) for e in result.page.embeds] == ["x:1783121817189679206"]
    assert not [w for w in result.warnings if "embeds could not be read" in w]
