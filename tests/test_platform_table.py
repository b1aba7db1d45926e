"""The platform table (`pipeline.platforms.PLATFORMS`) is complete: every platform in it has a reader module, URL
shapes that read its example post, a canonical post URL, a label check, and an enrichment endpoint that exists.

`test_every_platform_supports_what_its_row_says` prints what each platform supports (run with `-s` to see it) and
fails naming the platform and the gap. A platform without a reader module fails sooner: importing the embed registry
(`pipeline.parse.embeds`, below) raises an ImportError naming the missing module."""
from __future__ import annotations

import pytest

from pipeline.enrich.endpoints import ENDPOINTS
from pipeline.parse.embeds import EMBED_KINDS, reader_module
from pipeline.parse.embeds.lazy import MARKER_CLASSES
from pipeline.platforms import PLATFORMS
from tests.labels import POST_ID


def _support(name: str) -> dict[str, object]:
    platform = PLATFORMS[name]
    reader = reader_module(name)
    kinds = reader.KINDS
    post = platform.post_from_url(platform.example)
    return {
        "reader forms": ", ".join(dict.fromkeys(kind.form for kind in kinds)) or "—",
        "url shapes": len(platform.url_shapes),
        "id → time": platform.id_time_precision or "—",
        "placeholders": "yes" if platform.placeholder_hints else "—",
        "lazy forms": ", ".join(getattr(reader, "MARKER_CLASSES", ()) + getattr(reader, "FRAMES", ())) or "—",
        "enrichment": platform.enrichment or "—",
        "example id": post.native_id if post else "—",
    }


def test_every_platform_supports_what_its_row_says():
    table = {name: _support(name) for name in PLATFORMS}
    columns = list(next(iter(table.values())))
    print("\n" + "\t".join(["platform", *columns]))
    for name, row in table.items():
        print("\t".join([name, *(str(row[column]) for column in columns)]))
    gaps = [f"{name}: its reader module pipeline/parse/embeds/{name}.py declares no KINDS"
            for name, row in table.items() if row["reader forms"] == "—"]
    gaps += [f"{name}: no URL shape" for name, row in table.items() if not row["url shapes"]]
    gaps += [f"{name}: its URL shapes do not read its example {PLATFORMS[name].example}"
             for name, row in table.items() if row["example id"] == "—"]
    gaps += [f"{name}: no label check in tests/labels.py POST_ID" for name in PLATFORMS if name not in POST_ID]
    gaps += [f"{name}: enrichment endpoint {PLATFORMS[name].enrichment!r} not in pipeline.enrich.endpoints.ENDPOINTS"
             for name in PLATFORMS if PLATFORMS[name].enrichment and PLATFORMS[name].enrichment not in ENDPOINTS]
    assert not gaps, "\n".join(gaps)


@pytest.mark.parametrize("name", list(PLATFORMS))
def test_reader_kinds_are_registered_under_their_platform(name):
    kinds = reader_module(name).KINDS
    assert kinds and all(kind.platform == name for kind in kinds), f"{name}.py declares kinds of another platform"
    assert set(kinds) <= set(EMBED_KINDS)


@pytest.mark.parametrize("name", list(PLATFORMS))
def test_example_url_gives_a_labelled_id_and_a_canonical_url(name):
    platform = PLATFORMS[name]
    post = platform.post_from_url(platform.example)
    assert post is not None and post.platform == name
    assert any(shape.search(platform.example) for shape in platform.url_shapes)
    assert POST_ID[name].match(f"{name}:{post.native_id}"), f"{name}:{post.native_id}"
    # The canonical URL is itself a post URL of the platform, naming the same post, and is its own canonical form.
    again = platform.post_from_url(post.url)
    assert again is not None and (again.native_id, again.url) == (post.native_id, post.url)
    if platform.id_time is not None:
        assert post.posted_at is not None and post.posted_at_precision == platform.id_time_precision


def test_every_endpoint_serves_a_platform():
    used = {platform.enrichment for platform in PLATFORMS.values()} - {None}
    assert used == set(ENDPOINTS), f"endpoints no platform names: {sorted(set(ENDPOINTS) - used)}"


def test_a_placeholder_names_posts_of_the_platforms_with_hints_only():
    from pipeline.parse.embeds.placeholder import post_from_url

    for platform in PLATFORMS.values():
        found = post_from_url(platform.example)
        if platform.placeholder_hints:
            assert found is not None and found.platform == platform.name
        else:
            assert found is None or found.platform != platform.name


def test_lazy_forms_are_collected_from_the_readers():
    for name in PLATFORMS:
        assert set(getattr(reader_module(name), "MARKER_CLASSES", ())) <= set(MARKER_CLASSES), name
