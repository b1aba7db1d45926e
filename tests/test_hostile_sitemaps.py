"""Hostile sitemaps and sitemap indexes: where a link came from decides what it may be (pipeline/provenance.py).

A sitemap fetched over the web may only list (and point its index at) http(s) URLs that pass the address guard; a
local sitemap the operator named may also name files and child sitemaps inside its own folder. Everything else is
refused — a `refused` row in fetch_log and a line of the run naming the sitemap, the entry and the cause — and never
opened.
"""
from __future__ import annotations

import os
from pathlib import Path

from pipeline.discover.discover import MAX_REFUSALS_LISTED
from tests.fetch_support import Reply
from tests.hostile_support import page, run_stages, write_sources


def urlset(*locs: str) -> bytes:
    urls = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{urls}</urlset>").encode("utf-8")


def index(*locs: str) -> bytes:
    children = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locs)
    return (f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{children}</sitemapindex>").encode("utf-8")


def xml(body: bytes) -> Reply:
    return Reply(body=body, content_type="application/xml")


def test_a_remote_sitemap_index_cannot_point_at_local_files(server, local_fetching, secrets, tmp_path):
    # A real sitemap on disk, naming the private file: read, it would lead straight to it.
    (secrets / "sitemap.xml").write_bytes(urlset((secrets / "passwd.txt").as_uri()))
    local_children = {"file-host": f"file://x{secrets / 'sitemap.xml'}", "file-abs": (secrets / "sitemap.xml").as_uri()}
    other_children = {"ftp": "ftp://127.0.0.1/sitemap.xml", "data": "data:application/xml;base64,PHVybHNldC8+",
                      "private": "http://10.0.0.1/sitemap.xml", "forged-line": "http://10.0.0.2/a\u2028FAILED forged"}
    server.route("/index.xml", xml(index(server.url("/day.xml"), *local_children.values(), *other_children.values())))
    bad_entries = {"file": (secrets / "passwd.txt").as_uri(), "javascript": "javascript:alert(1)",
                   "metadata": "http://169.254.169.254/latest/meta-data/"}
    server.route("/day.xml", xml(urlset(server.url("/good"), *bad_entries.values())))
    server.route("/good", Reply(body=page("Good story", "It loads.")))
    run = run_stages(write_sources(tmp_path, f"site,sitemap,{server.url('/index.xml')}\n"), tmp_path)

    assert not run.leaked() and run.titles() == ["Good story"]
    assert all(url.startswith(server.url("/")) for url in run.opened())  # the local sitemap was never opened
    refused = run.fetch_log("refused")
    for name, link in {**local_children, **other_children}.items():
        link = link.replace("\u2028", "\\u2028")  # a line separator is shown escaped, never as a second line
        assert refused[link].startswith(f"listed by {server.url('/index.xml')}: "), name
    for name, link in bad_entries.items():
        assert refused[link].startswith(f"listed by {server.url('/day.xml')}: "), name
    assert "scheme 'file'" in refused[local_children["file-host"]] and "private address" in refused[
        other_children["private"]]
    line = next(p for p in run.problems if "file://x" in p)
    assert line == (f"site: {server.url('/index.xml')} lists an entry that was not opened: "
                    f"{local_children['file-host']!r} uses the scheme 'file'; only http and https are fetched")
    assert len(run.problems) == len(local_children) + len(other_children) + len(bad_entries)
    assert all(len(problem.splitlines()) == 1 for problem in run.problems)


def test_a_remote_sitemap_redirecting_to_a_local_file_is_not_read(server, local_fetching, secrets, tmp_path):
    (secrets / "sitemap.xml").write_bytes(urlset((secrets / "passwd.txt").as_uri()))
    server.route("/sitemap.xml", Reply(302, headers={"Location": (secrets / "sitemap.xml").as_uri()}))
    run = run_stages(write_sources(tmp_path, f"site,sitemap,{server.url('/sitemap.xml')}\n"), tmp_path)

    assert run.articles() == []
    [(url, cause)] = run.fetch_log("refused").items()
    assert url == server.url("/sitemap.xml") and cause.startswith(f"redirected from {server.url('/sitemap.xml')}: ")
    assert run.problems == [f"site: {cause}"]


def test_a_flood_of_refused_entries_is_reported_in_bounded_lines(server, local_fetching, tmp_path):
    flood = [f"file:///etc/hostile-{n}" for n in range(MAX_REFUSALS_LISTED + 30)]
    server.route("/sitemap.xml", xml(urlset(*flood, server.url("/good"))))
    server.route("/good", Reply(body=page("Good story", "It loads.")))
    run = run_stages(write_sources(tmp_path, f"site,sitemap,{server.url('/sitemap.xml')}\n"), tmp_path)

    assert run.titles() == ["Good story"]
    assert len(run.fetch_log("refused")) == MAX_REFUSALS_LISTED
    assert len(run.problems) == MAX_REFUSALS_LISTED + 1
    assert run.problems[-1] == (f"site: {server.url('/sitemap.xml')}: 30 more entries refused "
                                f"(the first {MAX_REFUSALS_LISTED} are listed)")


def test_a_local_sitemap_index_may_name_only_sitemaps_and_pages_inside_its_folder(local_fetching, secrets, tmp_path):
    bundle = tmp_path / "bundle"
    (bundle / "days").mkdir(parents=True)
    (bundle / "pages").mkdir()
    (bundle / "pages" / "one.html").write_bytes(page("Bundled one", "Named from a child sitemap by ../"))
    (bundle / "pages" / "two.html").write_bytes(page("Bundled two", "Named by a file: URL inside the folder."))
    (secrets / "sitemap.xml").write_bytes(urlset((secrets / "passwd.txt").as_uri()))
    os.symlink(secrets / "sitemap.xml", bundle / "days" / "linked.xml")
    os.symlink(secrets / "notes.html", bundle / "pages" / "linked.html")
    # A child in a subfolder may climb back with .. as long as it stays in the bundle.
    (bundle / "days" / "day.xml").write_bytes(urlset("../pages/one.html", (bundle / "pages" / "two.html").as_uri(),
                                                     "../../private/passwd.txt", "../pages/linked.html",
                                                     str(secrets / "notes.html")))
    children = {"inside": "days/day.xml", "dotdot": "../private/sitemap.xml", "absolute": str(secrets / "sitemap.xml"),
                "symlink": "days/linked.xml", "file-outside": (secrets / "sitemap.xml").as_uri(),
                "file-host": f"file://x{secrets / 'sitemap.xml'}"}
    (bundle / "index.xml").write_bytes(index(*children.values()))
    run = run_stages(write_sources(tmp_path, "bundle,sitemap,bundle/index.xml\n"), tmp_path)

    assert not run.leaked()
    assert run.titles() == ["Bundled one", "Bundled two"]
    refused = run.fetch_log("refused")
    assert set(refused) == {*list(children.values())[1:], "../../private/passwd.txt", "../pages/linked.html",
                            str(secrets / "notes.html")}
    assert refused[children["dotdot"]] .startswith(f"listed by {bundle / 'index.xml'}: ")
    assert refused["../../private/passwd.txt"].startswith(f"listed by {bundle / 'days' / 'day.xml'}: ")
    assert "climbs out of the folder with '..'" in refused["../../private/passwd.txt"]
    assert "through a symlink" in refused[children["symlink"]] and "through a symlink" in refused["../pages/linked.html"]
    assert "absolute path" in refused[children["absolute"]]
    assert "is outside the folder" in refused[children["file-outside"]]
    assert "host 'x'" in refused[children["file-host"]]
    assert not any(str(secrets) in url for url in run.opened())
    assert {Path(url).name for url in run.opened()} == {"index.xml", "day.xml", "one.html", "two.html"}


def test_a_remote_text_sitemap_gets_the_same_rules(server, local_fetching, secrets, tmp_path):
    long_link = server.url("/" + "a" * 9000)
    lines = [(secrets / "passwd.txt").as_uri(), "gopher://127.0.0.1/1", server.url("/good"), long_link]
    server.route("/sitemap.txt", Reply(body="\n".join(lines).encode(), content_type="text/plain"))
    server.route("/good", Reply(body=page("Good story", "It loads.")))
    run = run_stages(write_sources(tmp_path, f"site,sitemap,{server.url('/sitemap.txt')}\n"), tmp_path)

    assert not run.leaked() and run.titles() == ["Good story"]
    refused = run.fetch_log("refused")
    assert len(refused) == 3 and "scheme 'file'" in refused[(secrets / "passwd.txt").as_uri()]
    assert "scheme 'gopher'" in refused["gopher://127.0.0.1/1"]
    [(shown, cause)] = [(url, cause) for url, cause in refused.items() if url.startswith(server.url("/aaa"))]
    assert len(shown) == 200 and "9,0" in cause and "characters long" in cause
    assert server.hits("/" + "a" * 9000) == []


def test_a_local_sitemap_naming_a_pipe_fails_alone_and_does_not_block(tmp_path):
    import threading

    from pipeline.discover.discover import discover_source_pages
    from pipeline.discover.source_list import Source

    os.mkfifo(tmp_path / "child.xml")  # no writer ever opens it: reading it would wait for ever
    (tmp_path / "day.xml").write_bytes(urlset("page.html"))
    (tmp_path / "page.html").write_text("<html><body><p>a page</p></body></html>")
    (tmp_path / "index.xml").write_bytes(index("child.xml", "day.xml"))
    found = []
    worker = threading.Thread(target=lambda: found.append(
        discover_source_pages(Source("bundle", "sitemap", str(tmp_path / "index.xml")), None)), daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert found, "discovery blocked on a named pipe"
    result = found[0]
    assert [Path(entry.url).name for entry in result.entries] == ["page.html"]
    assert [record.outcome for record in result.records if record.url.endswith("child.xml")] == ["error"]
    assert any("child.xml" in problem and "not a regular file" in problem for problem in result.problems)
