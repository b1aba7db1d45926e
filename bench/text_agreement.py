"""How well the text parser recovers embedded X posts from a page flattened to text, as trafilatura flattens it:
for every corpus page, the posts `parse_text` finds in `trafilatura.extract(html)` against the posts the HTML parser
finds in the page itself (same author handle, same text up to whitespace). Prints the share that agree and each
post that does not, so a text-parser rule can be judged on real pages before and after.

Needs the bench extra (trafilatura); the corpus as in bench/parse.py.
usage: python bench/text_agreement.py [--corpus DIR]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trafilatura  # noqa: E402

from corpus import corpus_pages  # noqa: E402  (bench/corpus.py)
from pipeline.model import Document  # noqa: E402
from pipeline.parse import parse  # noqa: E402
from pipeline.parse.flat_text import parse_text  # noqa: E402


def squeeze(text: str | None) -> str:
    return " ".join((text or "").split())


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--corpus", type=Path)
    options = arguments.parse_args()
    where, pages = corpus_pages(options.corpus)
    agree = total = 0
    for name, html in pages:
        flattened = trafilatura.extract(html) or ""
        from_text = parse_text(Document(source=f"{name}.txt", content=flattened, kind="text")).page.embeds
        if not from_text:
            continue
        from_html: dict[str, list[str]] = {}
        for embed in parse(Document(source=name, content=html, kind="html")).page.embeds:
            if embed.post.platform == "x" and embed.post.author_handle:
                from_html.setdefault(embed.post.author_handle.lower(), []).append(squeeze(embed.post.text))
        for embed in from_text:
            total += 1
            text = squeeze(embed.post.text)
            if text in from_html.get((embed.post.author_handle or "").lower(), []):
                agree += 1
                continue
            print(f"  {name} @{embed.post.author_handle}\n    text: {text[:120]}\n    html: "
                  f"{' | '.join(t[:120] for t in from_html.get((embed.post.author_handle or '').lower(), [])) or '-'}")
    print(f"text parser vs HTML parser on {where}: {agree} of {total} posts agree ({agree / max(total, 1):.0%})")


if __name__ == "__main__":
    main()
