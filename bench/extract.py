"""Title, authors, published date and body text against the source projects' own labels, for Threadline and
trafilatura side by side in the same run. Downloads nothing.

The folder is the shared corpus (`../shared/corpus` next to the repository) unless one is given: HTML pages with a
`_truth/INDEX.json` mapping each page to its truth files, and optionally a `MANIFEST.tsv` giving each page's URL.
Truth files understood: fundus (`publishing_date`, `authors`, `title`, `body`), a JSON file at the top of
`_truth/` keyed by page name (htmldate's and trafilatura's evaluation data: `url`, `title`, `author`, `date`), readability (`expected-metadata.json`, `expected.html`), newspaper3k
(body text) and NAEB (`title`, `authors`, `date`, `articleBody`). A field a truth leaves empty is not scored.

With `--sets DIR`, every sub-folder of DIR that holds `truth.json` and `pages/` is a set: `truth.json` maps each
page file in `pages/` to its expected `url`, `title`, `authors` (a list; empty for a page labelled as having no
author, where naming none scores 1 and naming any 0) or `authors_raw` (a byline string, split on ";", ",", "&", "and"
after a "By" prefix), `date`, `body`, and `with` / `without` (phrases the body must or must not
hold: trafilatura's own evaluation). Scores are printed per set and field, Threadline and trafilatura side by side.
The sets we measure on are built from public repositories, kept outside the project so that they stay a fair test
(see bench/README.md for their origin and licence).

Scores: title exact (after squeezing whitespace), authors set F1 (case-folded names), published date within one day,
body word F1 (bags of case-folded words, in Unicode NFC), body phrases (share of `with` phrases present and `without`
phrases absent).
Pages where one contender failed count as wrong for it.
usage: python bench/extract.py [--corpus DIR | --sets DIR [--only SET] [--limit N]] [--cache FILE]
       [--verbose [FIELD]] [--scores FILE]
"""
from __future__ import annotations

import argparse
import csv
import json
import pickle
import re
import sys
import unicodedata
from collections import Counter
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.model import Document  # noqa: E402
from pipeline.parse import parse  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
_WORD = re.compile(r"\w+")


def squeeze(text: str | None) -> str:
    return " ".join((text or "").split())


def _html_text(html: str) -> str:
    import lxml.html

    return lxml.html.fromstring(html).text_content() if html.strip() else ""


def _fundus_body(body: dict) -> str:
    parts = [*body.get("summary", [])]
    for section in body.get("sections", []):
        parts += section.get("headline", []) + section.get("paragraphs", [])
    return "\n".join(parts)


def _split_names(value) -> list[str]:
    """Names in a truth author field: a list, or one string joined by ";" (trafilatura's convention) or ","."""
    if isinstance(value, list):
        return [squeeze(v) for v in value if squeeze(v)]
    if not value:
        return []
    value = re.sub(r"^\s*(?:by|von|par|por)\s+", "", value, flags=re.IGNORECASE)
    return [squeeze(v) for v in re.split(r";|,|&| and ", value) if squeeze(v)]


def load_truth(folder: Path, page: str, html: str, files: list[str]) -> dict:
    """{"title", "authors", "date", "body"} as far as the page's truth files give them."""
    truth: dict = {}
    for name in files:
        path = folder / "_truth" / name
        if name.startswith("fundus/"):
            variants = json.loads(path.read_text()).values()
            # the file holds several versions of a publisher's pages: the one whose title is in this page
            chosen = next((v for v in variants if v.get("title") and v["title"][:40] in html), None)
            if chosen is None:
                continue
            truth.setdefault("title", chosen.get("title"))
            truth.setdefault("authors", _split_names(chosen.get("authors")))
            truth.setdefault("date", chosen.get("publishing_date"))
            if chosen.get("body"):
                truth.setdefault("body", _fundus_body(chosen["body"]))
        elif name.endswith(".json") and "/" not in name:  # {page: {"url", "title", "author", "date"}}
            entry = json.loads(path.read_text()).get(page, {})
            for key, field in (("title", "title"), ("author", "authors"), ("date", "date"), ("url", "url")):
                if entry.get(key):
                    truth.setdefault(field, _split_names(entry[key]) if field == "authors" else entry[key])
        elif name.startswith("readability/"):
            path = path.parent if path.is_file() else path  # the index names the folder or a file in it
            metadata = json.loads((path / "expected-metadata.json").read_text())
            truth.setdefault("title", metadata.get("title"))
            if metadata.get("byline"):
                truth.setdefault("authors", _split_names(metadata["byline"]))
            truth.setdefault("date", metadata.get("publishedTime"))
            truth.setdefault("body", _html_text((path / "expected.html").read_text()))
        elif name.startswith("newspaper3k/"):
            truth.setdefault("body", path.read_text())
        elif name.startswith("naeb/"):
            entry = json.loads(path.read_text())
            truth.setdefault("title", entry.get("title"))
            truth.setdefault("authors", _split_names(entry.get("authors")))
            truth.setdefault("date", entry.get("date"))
            truth.setdefault("body", entry.get("articleBody"))
    return {key: value for key, value in truth.items() if value}


def _day(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None


def _set_f1(found: list[str], expected: list[str]) -> float:
    found_set = {squeeze(name).casefold() for name in found if squeeze(name)}
    expected_set = {squeeze(name).casefold() for name in expected}
    if not found_set or not expected_set:
        return float(found_set == expected_set)
    shared = len(found_set & expected_set)
    return 2 * shared / (len(found_set) + len(expected_set))


def _words(text: str) -> Counter:
    """Case-folded words of a text in Unicode NFC: a decomposed "ü" (u and a combining mark) is the same word as "ü"."""
    return Counter(_WORD.findall(unicodedata.normalize("NFC", text).casefold()))


def _word_f1(found: str, expected: str) -> float:
    found_words, expected_words = _words(found), _words(expected)
    shared = sum((found_words & expected_words).values())
    if not shared:
        return 0.0
    precision, recall = shared / sum(found_words.values()), shared / sum(expected_words.values())
    return 2 * precision * recall / (precision + recall)


def threadline(name: str, html: str, url: str | None) -> dict:
    page = parse(Document(source=name, content=html, kind="html", url=url)).page
    return {"title": page.title, "authors": page.authors, "date": page.published_at, "body": page.body_text}


def trafilatura_extract(name: str, html: str, url: str | None) -> dict:
    import trafilatura

    result = trafilatura.bare_extraction(html, url=url, with_metadata=True)
    if result is None:
        return {}
    get = (lambda key: result.get(key)) if isinstance(result, dict) else (lambda key: getattr(result, key, None))
    return {"title": get("title"), "authors": [a for a in (get("author") or "").split("; ") if a],
            "date": get("date"), "body": get("text") or ""}


def score(field: str, found: dict, expected) -> float:
    if field == "title":
        return float(squeeze(found.get("title")) == squeeze(expected))
    if field == "authors":
        return _set_f1(found.get("authors") or [], expected)
    if field == "date":
        day, want = _day(found.get("date")), _day(expected)
        return float(day is not None and want is not None and abs((day - want).days) <= 1)
    if field == "phrases":  # soft hyphens are invisible: a phrase matches with or without them
        body = unicodedata.normalize("NFC", squeeze(found.get("body")).replace("\xad", ""))
        expected = {key: [unicodedata.normalize("NFC", phrase.replace("\xad", "")) for phrase in phrases]
                    for key, phrases in expected.items()}
        checks = [phrase in body for phrase in expected["with"]]
        checks += [phrase not in body for phrase in expected["without"]]
        return sum(checks) / max(len(checks), 1)
    return _word_f1(found.get("body") or "", expected)


FIELDS = (("title", "title exact"), ("authors", "authors set F1"), ("date", "date ±1 day"), ("body", "body word F1"),
          ("phrases", "body phrases"))


def set_truth(entry: dict) -> dict:
    """A set's expected values for one page, in the fields `score` reads."""
    truth = {key: entry[key] for key in ("url", "title", "date", "body") if entry.get(key)}
    authors = entry.get("authors") if isinstance(entry.get("authors"), list) else _split_names(entry.get("authors_raw"))
    if authors or "authors" in entry:  # an empty list: the page has no author, and a tool naming none scores 1
        truth["authors"] = authors
    if entry.get("with") or entry.get("without"):
        truth["phrases"] = {"with": [squeeze(p) for p in entry.get("with") or []],
                            "without": [squeeze(p) for p in entry.get("without") or []]}
    return truth


def set_pages(folder: Path, limit: int | None):
    """(page name, html, truth) of one set folder, in name order."""
    index = json.loads((folder / "truth.json").read_text())
    for page in sorted(index)[:limit]:
        path = folder / "pages" / page
        if path.is_file():
            yield page, path.read_bytes().decode("utf-8", errors="replace"), set_truth(index[page])


def corpus_pages(folder: Path):
    """(page name, html, truth) of a folder of saved pages with `_truth/INDEX.json` (shared/corpus), in name order; a
    page's URL from MANIFEST.tsv where it has one."""
    index_path = folder / "_truth" / "INDEX.json"
    if not index_path.is_file():
        raise SystemExit(f"{folder}: no _truth/INDEX.json (the folder must hold pages and their truth files)")
    urls = {}
    if (folder / "MANIFEST.tsv").is_file():
        with open(folder / "MANIFEST.tsv", newline="") as handle:
            urls = {row["file"]: row.get("url") or None for row in csv.DictReader(handle, delimiter="\t")}
    for page, files in sorted(json.loads(index_path.read_text()).items()):
        path = folder / page
        if not path.is_file():
            continue
        html = path.read_bytes().decode("utf-8", errors="replace")
        truth = load_truth(folder, page, html, files)
        if any(field in truth for field, _ in FIELDS):
            yield page, html, {**truth, "url": urls.get(page) or truth.get("url")}


def compare(groups, options, cache: dict) -> None:
    """Both contenders on the same pages of each (name, pages) group; prints per-group, per-field scores. `cache` keeps
    trafilatura's results by page."""
    rows, per_page = [], {}
    for name, pages in groups:
        totals = {contender: {field: [] for field, _ in FIELDS} for contender in ("threadline", "trafilatura")}
        for page, html, truth in pages:
            for contender, extract in (("threadline", threadline), ("trafilatura", trafilatura_extract)):
                key = f"{name}/{page}"
                try:
                    if contender == "trafilatura" and key in cache:
                        found = cache[key]
                    else:
                        found = extract(page, html, truth.get("url"))
                        if contender == "trafilatura":
                            cache[key] = found
                except Exception as exc:  # a contender's failure on one page is a miss, not the end of the bench
                    print(f"  {contender} failed on {key}: {type(exc).__name__}: {exc}"[:200])
                    found = {}
                for field, _ in FIELDS:
                    if field not in truth:
                        continue
                    value = score(field, found, truth[field])
                    totals[contender][field].append(value)
                    per_page[f"{contender} {field} {key}"] = value
                    if (options.verbose and contender == "threadline" and value < 1
                            and options.verbose in ("all", field)):
                        shown = found.get(field) if field not in ("body", "phrases") else squeeze(found.get("body"))[:300]
                        want = truth[field] if field not in ("body",) else squeeze(truth[field])[:300]
                        print(f"  {field:7} {value:.2f} {key}\n      got {shown!r}\n     want {want!r}")
        for field, label in FIELDS:
            ours, theirs = totals["threadline"][field], totals["trafilatura"][field]
            if ours:
                rows.append((name, label, len(ours), sum(ours) / len(ours), sum(theirs) / len(theirs)))
    if options.scores:
        options.scores.write_text(json.dumps(per_page, indent=0, sort_keys=True))
    print(f"{'set':12} {'field':16} {'pages':>5} {'threadline':>11} {'trafilatura':>11}")
    for set_name, label, pages, ours, theirs in rows:
        mark = "" if ours >= theirs else "  <"
        print(f"{set_name:12} {label:16} {pages:5} {ours:11.3f} {theirs:11.3f}{mark}")


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus")
    arguments.add_argument("--sets", type=Path, help="a folder of labelled sets (sub-folders with truth.json)")
    arguments.add_argument("--only", nargs="*", help="with --sets: only these sets")
    arguments.add_argument("--limit", type=int, help="with --sets: the first N pages of each set")
    arguments.add_argument("--cache", type=Path, help="keep trafilatura's results in this file")
    arguments.add_argument("--scores", type=Path, help="write every page's scores to this JSON file")
    arguments.add_argument("--verbose", nargs="?", const="all", default=None,
                           help="print Threadline's misses (of one field if named)")
    options = arguments.parse_args()
    import trafilatura

    cache_key = f"trafilatura {trafilatura.__version__}"
    cache: dict = {}
    if options.cache and options.cache.is_file():
        cache = pickle.loads(options.cache.read_bytes()).get(cache_key, {})
    if options.sets:
        folders = sorted(p for p in options.sets.iterdir() if (p / "truth.json").is_file())
        if options.only:
            folders = [p for p in folders if p.name in options.only]
        compare([(folder.name, set_pages(folder, options.limit)) for folder in folders], options, cache)
    else:
        compare([("corpus", corpus_pages(options.corpus))], options, cache)
    if options.cache:
        options.cache.write_bytes(pickle.dumps({cache_key: cache}))


if __name__ == "__main__":
    main()
