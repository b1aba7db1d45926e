"""Hostile RSS and Atom feeds: where a link came from decides what it may be (pipeline/provenance.py).

A feed fetched over the web may only give http(s) links that pass the address guard; a local feed the operator named
may also name files inside its own folder. Everything else is refused — a `refused` row in fetch_log and a line of the
run naming the feed, the entry and the cause — and never opened: no local file's text reaches the warehouse, while
the feed's good entries still load.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

from pipeline.stages.entries import SourceEntry
from pipeline.stages.staging import load_staged, stage_sources
from tests.commands import pipeline
from tests.fetch_support import Reply
from tests.hostile_support import SECRET, page, run_stages, write_sources
from tests.warehouse_rows import rows


def rss(*links: str, base: str = "") -> bytes:
    items = "".join(f"<item><title>Item {n}</title><link>{link}</link></item>" for n, link in enumerate(links))
    return (f'<?xml version="1.0"?><rss version="2.0"{base}><channel><title>Wire</title>{items}</channel></rss>'
            ).encode("utf-8")


def atom(*links: str, base: str = "") -> bytes:
    entries = "".join(f'<entry><title>Entry {n}</title><id>urn:e{n}</id><link rel="alternate" href="{link}"/>'
                      f"<updated>2024-08-05T10:00:00Z</updated></entry>" for n, link in enumerate(links))
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"{base}><title>Live'
            f"</title><id>urn:feed</id><updated>2024-08-05T12:00:00Z</updated>{entries}</feed>").encode("utf-8")


def hostile_links(secrets: Path) -> dict[str, str]:
    """What a careful attacker puts in a remote feed to make us read a local file or leave the web."""
    passwd = secrets / "passwd.txt"
    return {
        "file-host": f"file://x{passwd}",
        "file-abs": passwd.as_uri(),
        "ftp": "ftp://127.0.0.1/pub/passwd.txt",
        "data": f"data:text/html,<p>{SECRET} from a data URL</p>",
        "javascript": "javascript:alert(document.cookie)",
        "metadata": "http://169.254.169.254/latest/meta-data/",
    }


def test_a_remote_rss_feed_cannot_make_us_read_local_files_or_leave_the_web(server, local_fetching, secrets,
                                                                           tmp_path):
    bad = hostile_links(secrets)
    # Relative and absolute paths in a remote feed are links on the feed's own site, never local files.
    links = [server.url("/good"), *bad.values(), "private/passwd.txt", str(secrets / "notes.html")]
    server.route("/feed.xml", Reply(body=rss(*links), content_type="application/rss+xml"))
    server.route("/good", Reply(body=page("Good story", "It loads.")))
    run = run_stages(write_sources(tmp_path, f"wire,feed,{server.url('/feed.xml')}\n"), tmp_path)

    assert not run.leaked()
    assert run.titles() == ["Good story"]
    refused = run.fetch_log("refused")  # feedparser may rewrite a link a little (file:/// → file://): match schemes
    assert sorted(url.split(":")[0] for url in refused) == ["data", "file", "file", "ftp", "http", "javascript"]
    for url, cause in refused.items():
        assert cause.startswith(f"listed by {server.url('/feed.xml')}: ")
        assert f"scheme '{url.split(':')[0]}'" in cause or "metadata" in cause
    assert all(url.startswith(server.url("/")) for url in run.opened())  # nothing local was read
    # The relative and the absolute path were fetched from the feed's site (404 there), not read from disk.
    assert server.hits("/private/passwd.txt") and server.hits(str(secrets / "notes.html"))
    # One line per refused entry, naming the source, the feed, the entry and the cause.
    line = next(p for p in run.problems if "file://x" in p)
    assert line == (f"wire: {server.url('/feed.xml')} lists an entry that was not opened: {bad['file-host']!r} uses "
                    "the scheme 'file'; only http and https are fetched")
    assert len(run.problems) == 6 and all("\n" not in p for p in run.problems)


def test_a_remote_atom_feed_with_an_xml_base_pointing_at_the_disk_is_refused(server, local_fetching, secrets,
                                                                            tmp_path):
    # xml:base makes feedparser resolve "passwd.txt" against a file: URL: the result is still what is checked.
    body = atom(server.url("/good"), "passwd.txt", secrets.joinpath("notes.html").as_uri(),
                "data:text/plain,x", base=f' xml:base="{secrets.as_uri()}/"')
    server.route("/atom.xml", Reply(body=body, content_type="application/atom+xml"))
    server.route("/good", Reply(body=page("Good entry", "It loads too.")))
    run = run_stages(write_sources(tmp_path, f"live,feed,{server.url('/atom.xml')}\n"), tmp_path)

    assert not run.leaked() and run.titles() == ["Good entry"]
    refused = run.fetch_log("refused")
    assert sorted(url.split(":")[0] for url in refused) == ["data", "file", "file"]
    assert all(url.startswith(server.url("/")) for url in run.opened())


def test_an_entry_that_redirects_to_a_local_file_or_another_scheme_is_refused(server, local_fetching, secrets,
                                                                              tmp_path):
    targets = {"/to-file": (secrets / "passwd.txt").as_uri(), "/to-ftp": "ftp://127.0.0.1/passwd",
               "/to-data": f"data:text/html,<p>{SECRET}</p>"}
    for path, target in targets.items():
        server.route(path, Reply(302, headers={"Location": target}))
    server.route("/good", Reply(body=page("Good story", "It loads.")))
    server.route("/feed.xml", Reply(body=rss(server.url("/good"), *map(server.url, targets)),
                                    content_type="application/rss+xml"))
    run = run_stages(write_sources(tmp_path, f"wire,feed,{server.url('/feed.xml')}\n"), tmp_path)

    assert not run.leaked() and run.titles() == ["Good story"]
    refused = run.fetch_log("refused")
    for path, target in targets.items():
        cause = refused[server.url(path)]
        assert cause.startswith(f"redirected from {server.url(path)}: ") and target.split(":")[0] in cause
    assert any(server.url("/to-file") in line and "scheme 'file'" in line for line in run.failed)


def test_a_local_feed_may_name_only_files_inside_its_folder(local_fetching, secrets, tmp_path):
    bundle = tmp_path / "bundle"
    (bundle / "pages").mkdir(parents=True)
    (bundle / "pages" / "one.html").write_bytes(page("Bundled one", "A relative entry loads."))
    (bundle / "pages" / "two two.html").write_bytes(page("Bundled two", "A quoted relative entry loads."))
    os.symlink(secrets / "passwd.txt", bundle / "pages" / "escape.txt")
    os.symlink(secrets, bundle / "private")
    links = {
        "relative": "pages/one.html",
        "quoted": "pages/two%20two.html",
        "dotdot": "../private/passwd.txt",
        "deep-dotdot": "pages/../../private/notes.html",
        "absolute": str(secrets / "passwd.txt"),
        "file-url-outside": (secrets / "passwd.txt").as_uri(),
        "file-url-host": f"file://x{secrets / 'passwd.txt'}",
        "symlink-file": "pages/escape.txt",
        "symlink-folder": "private/notes.html",
        "ftp": "ftp://127.0.0.1/passwd",
    }
    (bundle / "feed.xml").write_bytes(rss(*links.values()))
    run = run_stages(write_sources(tmp_path, "bundle,feed,bundle/feed.xml\n"), tmp_path)

    assert not run.leaked()
    assert run.titles() == ["Bundled one", "Bundled two"]
    # feedparser writes file:///path as file://path, so a feed names its files by relative path (sitemaps keep
    # file: URLs as written: tests/test_hostile_sitemaps.py); either way a file: URL out of the folder is refused.
    refused = {url.replace("file:///", "file://"): cause for url, cause in run.fetch_log("refused").items()}
    causes = {name: refused[link.replace("file:///", "file://")] for name, link in links.items()
              if link.replace("file:///", "file://") in refused}
    assert set(causes) == set(links) - {"relative", "quoted"}
    assert "climbs out of" in causes["dotdot"] and "climbs out of" in causes["deep-dotdot"]
    assert "absolute path" in causes["absolute"]
    assert "may name only files inside" in causes["file-url-outside"]
    assert "host 'x'" in causes["file-url-host"]
    assert "through a symlink" in causes["symlink-file"] and "through a symlink" in causes["symlink-folder"]
    assert "scheme 'ftp'" in causes["ftp"]
    assert all(cause.startswith(f"listed by {bundle / 'feed.xml'}: ") for cause in causes.values())
    assert not any(str(secrets) in url for url in run.opened())


def test_the_offline_seed_bundle_still_loads(local_fetching, tmp_path):
    root = Path(__file__).resolve().parents[1]
    run = run_stages(root / "seeds" / "sources.csv", tmp_path)
    assert run.problems == [] and run.failed == [] and len(run.articles()) == 2


def test_a_staged_entry_reaches_a_local_read_only_when_its_origin_allows_it(secrets, tmp_path):
    inside = tmp_path / "bundle"
    inside.mkdir()
    (inside / "ok.txt").write_text("A bundled paragraph that loads.", encoding="utf-8")
    passwd = str(secrets / "passwd.txt")
    entries = [
        SourceEntry(passwd),  # no origin: treated as found on the web
        SourceEntry(passwd, origin="web"),
        SourceEntry(f"file://x{passwd}", origin="web"),
        SourceEntry(passwd, origin="local", root=str(inside)),
        SourceEntry(passwd, origin="local"),
        SourceEntry(str(inside / "ok.txt"), origin="local", root=str(inside)),
    ]
    db = str(tmp_path / "w.duckdb")
    staged = stage_sources(entries, tmp_path / "staging" / "batch-0000", db)
    assert staged["sources_ok"] == 1 and len(staged["failed"]) == 5
    assert all("not opened" in line or "outside" in line for line in staged["failed"])
    load_staged(db, [staged["folder"]], command="test")
    assert [body for (body,) in rows(db, "SELECT body_text FROM articles")] == ["A bundled paragraph that loads."]
    assert {outcome for (outcome,) in rows(db, "SELECT outcome FROM fetch_log WHERE url <> "
                                               f"'{inside / 'ok.txt'}'")} == {"refused"}


def test_ingest_of_localhost_names_the_setting_that_allows_it(server, tmp_path):
    server.route("/page", Reply(body=page("Local", "Served on loopback.")))
    done = pipeline("ingest", f"http://localhost:{server.port}/page", f"http://127.0.0.1:{server.port}/page",
                    "--db", str(tmp_path / "w.duckdb"), cwd=tmp_path,
                    env={"THREADLINE_FETCH_ALLOW_NETWORKS": None, "THREADLINE_FETCH_MIN_DELAY": "0"})
    assert done.returncode == 1
    failed = [line for line in done.stdout.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 2 and all("loopback address" in line for line in failed)
    # localhost may resolve to ::1 as well: the setting then lists both
    assert all(re.search(r"; set THREADLINE_FETCH_ALLOW_NETWORKS=\S*127\.0\.0\.1/32\S* \(or the source's "
                         r"allow_networks\) to allow it$", line) for line in failed), failed
    assert not any("robots.txt" in line for line in failed)
    assert "Traceback" not in done.stderr and server.requests == []
