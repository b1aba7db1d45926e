"""Builds the labelled sets that `bench/extract.py --sets DIR` scores, from the source projects' repositories, without
downloading anything: give each repository as a bare git directory (read at the commit pinned below) or as a checkout
folder (read as it stands), and an output folder outside the project.

Each set becomes `OUT/<set>/pages/<page>.html` (the page's bytes as the repository holds them, gzip undone),
`OUT/<set>/truth.json` (`{page: {url, title, authors | authors_raw, date, body, with, without}}`, a field present only
when the source project labels it; `authors: []` where it labels a page as having no author) and `OUT/<set>/ORIGIN.txt` (repository, commit, paths, licence). A set whose
repository is not given is skipped. bench/README.md lists the sets.

usage: python bench/labelled_sets.py OUT [--fundus PATH] [--readability PATH] [--scrapinghub PATH] [--htmldate PATH]
       [--trafilatura PATH] [--goose3 PATH] [--newspaper PATH]
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import urlparse

# set: (repository, pinned commit, licence, paths read)
SETS = {
    "fundus": ("github.com/flairNLP/fundus", "18da6e5", "MIT", ["tests/resources/parser/test_data"]),
    "readability": ("github.com/mozilla/readability", "ab4027a", "Apache-2.0", ["test/test-pages"]),
    "scrapinghub": ("github.com/scrapinghub/article-extraction-benchmark", "4a3bc97", "MIT",
                    ["html", "ground-truth.json"]),
    "htmldate": ("github.com/adbar/htmldate", "b895282", "Apache-2.0",
                 ["tests/eval_default.json", "tests/eval_mediacloud_2020.json", "tests/test_set", "tests/cache",
                  "tests/eval"]),
    "trafilatura": ("github.com/adbar/trafilatura", "e90b0ef", "Apache-2.0",
                    ["tests/evaldata.json", "tests/cache", "tests/eval"]),
    "goose3": ("github.com/goose3/goose3", "c5a8902", "Apache-2.0",
               ["tests/data/title", "tests/data/authors", "tests/data/publishdate", "tests/data/content"]),
    "newspaper": ("github.com/codelucas/newspaper", "1618b54", "MIT",
                  ["tests/data/html", "tests/data/text", "tests/data/fulltext_url_list.txt"]),
}


class Repository:
    """The files under some paths of a repository: a bare git directory at a commit, or a checkout folder."""

    def __init__(self, path: Path, commit: str, paths: list[str]):
        self.files: dict[str, bytes] = {}
        self.commit = commit
        if (path / "objects").is_dir() and (path / "HEAD").is_file():  # a bare git directory
            run = subprocess.run(["git", "--git-dir", str(path), "archive", "--format=tar", commit, "--", *paths],
                                 capture_output=True)
            if run.returncode:
                raise SystemExit(f"{path}: git archive {commit} failed: {run.stderr.decode(errors='replace').strip()}")
            with tarfile.open(fileobj=io.BytesIO(run.stdout)) as archive:
                for member in archive.getmembers():
                    if member.isfile():
                        self.files[member.name] = archive.extractfile(member).read()
            return
        if not path.is_dir():
            raise SystemExit(f"{path}: neither a git directory nor a checkout folder")
        head = subprocess.run(["git", "-C", str(path), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        self.commit = head.stdout.strip() or "unknown (not a git checkout)"
        for name in paths:
            target = path / name
            found = [target] if target.is_file() else sorted(p for p in target.rglob("*") if p.is_file())
            for file in found:
                self.files[file.relative_to(path).as_posix()] = file.read_bytes()

    def under(self, folder: str) -> dict[str, bytes]:
        """{path relative to folder: bytes} of the files under folder."""
        prefix = folder.rstrip("/") + "/"
        return {name[len(prefix):]: data for name, data in sorted(self.files.items()) if name.startswith(prefix)}

    def json(self, name: str):
        return json.loads(self.files[name])


def _html_text(html: str) -> str:
    import lxml.html

    return lxml.html.fromstring(html).text_content() if html.strip() else ""


def fundus(repo: Repository):
    """One page per `<country>/<Publisher>_<date>.html.gz`; its labels are the version of `<Publisher>.json` whose
    title the page holds (fundus maps versions to pages by crawl date through its parsers; the title names the same
    page without them), else the versions and pages of a publisher taken in order."""
    files = repo.under("tests/resources/parser/test_data")
    for country in sorted({name.split("/")[0] for name in files if "/" in name}):
        meta = json.loads(files.get(f"{country}/meta.info", b"{}"))
        for labels in sorted(name for name in files if name.startswith(country + "/") and name.endswith(".json")):
            publisher = labels[len(country) + 1:-len(".json")]
            versions = json.loads(files[labels])
            ordered = [versions[key] for key in sorted(versions, key=lambda k: (len(k), k))]
            pages = sorted(name for name in files
                           if name.startswith(f"{country}/{publisher}_") and name.endswith(".html.gz"))
            for position, name in enumerate(pages):
                html = gzip.decompress(files[name])
                text = html.decode("utf-8", errors="replace")
                chosen = next((v for v in ordered if v.get("title") and v["title"][:40] in text), None)
                if chosen is None and position < len(ordered):
                    chosen = ordered[position]
                if chosen is None:
                    continue
                parts = [*chosen.get("body", {}).get("summary", [])]
                for section in chosen.get("body", {}).get("sections", []):
                    parts += section.get("headline", []) + section.get("paragraphs", [])
                file = name.split("/")[-1][:-len(".gz")]
                truth = {"url": meta.get(file + ".gz", {}).get("url"), "title": chosen.get("title"),
                         "authors": chosen.get("authors") or [], "date": chosen.get("publishing_date"),
                         "body": "\n".join(parts)}
                yield f"{country}_{file}", html, truth


def readability(repo: Repository):
    """One page per `test/test-pages/<name>/source.html`; title, byline and publishedTime from expected-metadata.json,
    the body the text of expected.html."""
    files = repo.under("test/test-pages")
    for folder in sorted({name.split("/")[0] for name in files}):
        if f"{folder}/source.html" not in files:
            continue
        metadata = json.loads(files.get(f"{folder}/expected-metadata.json", b"{}"))
        expected = files.get(f"{folder}/expected.html", b"").decode("utf-8", errors="replace")
        truth = {"title": metadata.get("title"), "authors_raw": metadata.get("byline"),
                 "date": metadata.get("publishedTime"), "body": _html_text(expected)}
        yield f"{folder}.html", files[f"{folder}/source.html"], truth


def scrapinghub(repo: Repository):
    """One page per `html/<id>.html.gz`; the body is ground-truth.json's articleBody."""
    truths = repo.json("ground-truth.json")
    for name, data in repo.under("html").items():
        key = name[:-len(".html.gz")]
        if key in truths:
            yield f"{key}.html", gzip.decompress(data), {"url": truths[key].get("url"),
                                                         "body": truths[key].get("articleBody")}


def _by_file(repo: Repository, labels: dict, folders: list[str]):
    """(file, bytes, url, label) of an evaluation file keyed by URL, each page found in the first folder holding it."""
    contents = [repo.under(folder) for folder in folders]
    for url, label in labels.items():
        data = next((files[label["file"]] for files in contents if label["file"] in files), None)
        if data is not None:
            yield label["file"], data, url, label


def htmldate(repo: Repository):
    """One page per entry of tests/eval_mediacloud_2020.json and tests/eval_default.json (URL: {file, date}), the
    page looked up in test_set/, cache/ then eval/ as htmldate's evaluation does."""
    labels = {}
    for name in ("tests/eval_mediacloud_2020.json", "tests/eval_default.json"):
        labels.update(repo.json(name))
    for file, data, url, label in _by_file(repo, labels, ["tests/test_set", "tests/cache", "tests/eval"]):
        yield file, data, {"url": url, "date": label.get("date")}


def trafilatura(repo: Repository):
    """One page per entry of tests/evaldata.json (URL: {file, with, without, title, author, date}), the page looked up
    in cache/ then eval/ as trafilatura's evaluation does."""
    for file, data, url, label in _by_file(repo, repo.json("tests/evaldata.json"), ["tests/cache", "tests/eval"]):
        author = label.get("author")
        truth = {"url": url, "title": label.get("title"), "date": label.get("date"), "with": label.get("with"),
                 "without": label.get("without")}
        truth["authors" if isinstance(author, list) else "authors_raw"] = author
        yield file, data, truth


def goose3(repo: Repository):
    """One page per `tests/data/{title,authors,publishdate,content}/<name>.html`; title, authors and publish_date from
    the `expected` of its JSON file (content texts are prefixes: the body is not labelled)."""
    for folder in ("title", "authors", "publishdate", "content"):
        files = repo.under(f"tests/data/{folder}")
        for name in files:
            if not name.endswith(".html") or name[:-5] + ".json" not in files:
                continue
            label = json.loads(files[name[:-5] + ".json"])
            expected = label.get("expected") or {}
            truth = {"url": label.get("url"), "title": expected.get("title"), "authors": expected.get("authors"),
                     "date": expected.get("publish_date")}
            yield f"{folder}_{name}", files[name], truth


def newspaper(repo: Repository):
    """One page per URL of tests/data/fulltext_url_list.txt, named `<domain><n>` as newspaper's full-text test names
    them (the n-th URL of a base domain); the body is `text/<name>.txt`."""
    html, text = repo.under("tests/data/html"), repo.under("tests/data/text")
    counters: dict[str, int] = {}
    for url in repo.files["tests/data/fulltext_url_list.txt"].decode().split():
        domain = urlparse(url).netloc
        ends = domain.split(".")[-3:] if ".".join(domain.split(".")[-2:]) in ("co.uk", "com.au", "au.com") \
            else domain.split(".")[-2:]
        base = ".".join(ends)
        counters[base] = counters.get(base, 0) + 1
        name = f"{base}{counters[base]}"
        if f"{name}.html" in html:
            body = text.get(f"{name}.txt", b"").decode("utf-8", errors="replace")
            yield f"{name}.html", html[f"{name}.html"], {"url": url, "body": body}


READERS = {"fundus": fundus, "readability": readability, "scrapinghub": scrapinghub, "htmldate": htmldate,
           "trafilatura": trafilatura, "goose3": goose3, "newspaper": newspaper}


def build(name: str, source: Path, out: Path) -> int:
    """Writes one set under out/name from its repository at source; returns its page count."""
    repository, commit, licence, paths = SETS[name]
    repo = Repository(source, commit, paths)
    folder = out / name
    (folder / "pages").mkdir(parents=True, exist_ok=True)
    truths = {}
    for page, data, truth in READERS[name](repo):
        (folder / "pages" / page).write_bytes(data)
        # an empty author list is a label ("no author"), kept; other empty fields are unlabelled
        truths[page] = {key: value for key, value in truth.items() if value or (key == "authors" and value == [])}
    (folder / "truth.json").write_text(json.dumps(truths, ensure_ascii=False, indent=1, sort_keys=True))
    (folder / "ORIGIN.txt").write_text(
        f"repository: {repository}\ncommit: {repo.commit}\npaths: {' '.join(paths)}\nlicence: {licence} (the "
        f"repository's; the pages remain their publishers')\nbuilt by: threadline bench/labelled_sets.py\n"
        f"pages: {len(truths)}\n")
    return len(truths)


def main() -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("out", type=Path, help="output folder (outside the project)")
    for name, (repository, commit, _, _) in SETS.items():
        arguments.add_argument(f"--{name}", type=Path, metavar="PATH",
                               help=f"{repository}: a bare git directory (read at {commit}) or a checkout folder")
    options = arguments.parse_args()
    given = {name: getattr(options, name) for name in SETS if getattr(options, name)}
    if not given:
        raise SystemExit("no repository given: pass at least one of " + ", ".join(f"--{n}" for n in SETS))
    for name, source in given.items():
        print(f"{name:12} {build(name, source, options.out):5} pages  {SETS[name][0]}")
    for name in SETS.keys() - given.keys():
        print(f"{name:12} skipped (no repository given)", file=sys.stderr)


if __name__ == "__main__":
    main()
