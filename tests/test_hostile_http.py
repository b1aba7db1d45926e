"""Hostile HTTP servers on 127.0.0.1: dripping bodies and headers, a robots.txt that drips, a server that never
answers, an endless body; and pages whose charset is not declared. Each fetch must end within total_timeout (+ a
margin) with a cause that names the URL, the limit and the setting, and each page must be stored as it was written.

The slow servers are raw sockets (http.server cannot drip headers); each gives up after `SERVER_PATIENCE` seconds,
so on a fetcher without a deadline these tests fail instead of hanging.
"""
from __future__ import annotations

import dataclasses
import itertools
import socket
import threading
import time
from pathlib import Path
from typing import Callable

import pytest

from pipeline.fetch import Fetcher
from pipeline.fetch.decode import decode_body
from pipeline.runs import ingest
from tests.fetch_support import Reply
from tests.warehouse_rows import rows

TOTAL = 2.0  # total_timeout for these tests
MARGIN = 3.0  # what "ends at total_timeout" may overshoot by, generously
SERVER_PATIENCE = 15.0  # a slow server stops after this long (closing the connection), so no test hangs
PAGE = b"<!doctype html><html><head><title>Fine</title></head><body><article><p>A fine page.</p></article></body></html>"


class SlowServer:
    """A raw HTTP server on 127.0.0.1: `route(path, script)`; a script gets the socket and the stop event."""

    def __init__(self) -> None:
        self.routes: dict[str, Callable[[socket.socket, threading.Event], None]] = {}
        self.stop = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.threads: list[threading.Thread] = []
        self.accepter = threading.Thread(target=self._accept, daemon=True)
        self.accepter.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def route(self, path: str, script: Callable[[socket.socket, threading.Event], None]) -> None:
        self.routes[path] = script

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(SERVER_PATIENCE)
            request = b""
            try:
                while b"\r\n\r\n" not in request:
                    data = conn.recv(4096)
                    if not data:
                        return
                    request += data
                path = request.split(b" ", 2)[1].decode()
                script = self.routes.get(path)
                if script is None:
                    conn.sendall(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    return
                script(conn, self.stop)
            except OSError:
                pass  # the client hung up: what a deadline does

    def close(self) -> None:
        self.stop.set()
        self.listener.close()
        self.accepter.join(5)
        for thread in self.threads:
            thread.join(5)


def drip(conn: socket.socket, stop: threading.Event, data: bytes, every: float) -> None:
    """Send `data` one byte every `every` seconds, for at most SERVER_PATIENCE seconds."""
    until = time.monotonic() + SERVER_PATIENCE
    for byte in data:
        if stop.wait(every) or time.monotonic() > until:
            return
        conn.sendall(bytes([byte]))


def dripping_body(conn, stop):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 100000\r\n\r\n")
    drip(conn, stop, b"<html><body>" + b"x" * 99988, every=0.5)


def dripping_headers(conn, stop):
    headers = b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-Drip-%d: %d\r\n" % (n, n) for n in range(100))
    until = time.monotonic() + SERVER_PATIENCE
    for line in headers.splitlines(keepends=True):  # one header line a second
        if stop.wait(0.5 if line.startswith(b"HTTP") else 1.0) or time.monotonic() > until:
            return
        conn.sendall(line)
    conn.sendall(b"Content-Type: text/html\r\nContent-Length: %d\r\n\r\n%s" % (len(PAGE), PAGE))


def never_answers(conn, stop):
    stop.wait(SERVER_PATIENCE)


def dripping_robots(conn, stop):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n")
    drip(conn, stop, (b"User-agent: *\nAllow: /\n" * 50)[:1000], every=0.5)


def page_ok(conn, stop):
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                 % (len(PAGE), PAGE))


@pytest.fixture
def slow():
    srv = SlowServer()
    yield srv
    srv.close()


@pytest.fixture
def hostile(settings):
    """One attempt, a short total_timeout, and a read timeout longer than it: only the deadline can end a drip."""
    return dataclasses.replace(settings, total_timeout=TOTAL, read_timeout=10.0, max_retries=0)


def timed_fetch(settings, url: str):
    with Fetcher(settings) as fetcher:
        started = time.monotonic()
        result = fetcher.fetch(url)
        return result, time.monotonic() - started


def assert_timed_out(result, elapsed: float, url: str) -> None:
    assert elapsed < TOTAL + MARGIN, f"the fetch took {elapsed:.1f} s"
    assert result.outcome == "retry_exhausted" and result.document is None
    assert url in result.cause and f"total_timeout ({TOTAL:g} s" in result.cause
    assert "raise total_timeout for this source" in result.cause and "\n" not in result.cause


@pytest.mark.parametrize("script, progress", [
    (dripping_body, "bytes of the body had arrived"),
    (dripping_headers, "the headers had not all arrived"),
    (never_answers, "the headers had not all arrived"),
])
def test_a_server_that_drips_or_stalls_is_cut_at_total_timeout(slow, hostile, script, progress):
    slow.route("/page", script)
    result, elapsed = timed_fetch(dataclasses.replace(hostile, obey_robots=False), slow.url("/page"))
    assert_timed_out(result, elapsed, slow.url("/page"))
    assert progress in result.cause


def test_a_robots_txt_that_drips_is_cut_at_total_timeout_and_the_page_not_fetched(slow, hostile):
    slow.route("/robots.txt", dripping_robots)
    slow.route("/page", page_ok)
    result, elapsed = timed_fetch(hostile, slow.url("/page"))
    assert_timed_out(result, elapsed, slow.url("/robots.txt"))
    assert "could not be read" in result.cause


def test_each_attempt_gets_its_own_deadline(slow, hostile):
    slow.route("/page", dripping_body)
    result, elapsed = timed_fetch(dataclasses.replace(hostile, obey_robots=False, max_retries=1), slow.url("/page"))
    assert [r.outcome for r in result.records] == ["error", "retry_exhausted"]
    assert elapsed < 2 * TOTAL + MARGIN
    assert all("total_timeout" in r.cause for r in result.records)


def test_an_endless_body_at_full_speed_stops_at_max_bytes(server, hostile):
    server.route("/endless", Reply(200, itertools.repeat(b"<p>" + b"x" * 65533)))
    settings = dataclasses.replace(hostile, total_timeout=30.0, max_bytes=2 * 1024 * 1024)
    result, elapsed = timed_fetch(settings, server.url("/endless"))
    assert elapsed < 10
    assert result.outcome == "too_large" and "max_bytes (2,097,152 bytes" in result.cause
    assert result.records[-1].bytes == 2 * 1024 * 1024


def test_a_dripping_page_fails_alone_and_the_run_records_why(slow, server, hostile, tmp_path):
    slow.route("/page", dripping_body)
    server.route("/fine", Reply(200, PAGE))
    db = tmp_path / "w.duckdb"
    started = time.monotonic()
    report = ingest([slow.url("/page"), server.url("/fine")], str(db),
                    settings=dataclasses.replace(hostile, obey_robots=False))
    assert time.monotonic() - started < TOTAL + 20  # the run's own start-up and load included
    [(outcome, cause)] = rows(db, f"SELECT outcome, cause FROM fetch_log WHERE url = '{slow.url('/page')}'")
    assert outcome == "retry_exhausted" and "total_timeout (2 s" in cause
    assert rows(db, "SELECT title FROM articles") == [("Fine",)]
    assert report.status == "partial" and len(report.failed) == 1


# -- charsets nobody declared -------------------------------------------------------------------------------------

CYRILLIC = "Новости дня: президент заявил о важности встречи с министрами и губернаторами регионов."


def test_a_short_latin1_file_without_a_charset_is_stored_right_with_the_guess_recorded(tmp_path):
    page = tmp_path / "note.txt"
    page.write_bytes("café résumé".encode("latin-1"))
    db = tmp_path / "w.duckdb"
    ingest([str(page)], str(db))
    [(body, guessed)] = rows(db, "SELECT body_text, charset_guessed FROM articles")
    assert "café résumé" in body and guessed == "cp1252"


@pytest.mark.parametrize("body, content_type, text, guessed", [
    ("<html><body><article><p>Le président a déclaré à la télévision qu'il était ému.</p></article></body></html>"
     .encode("cp1252"), "text/html", "Le président a déclaré", "cp1252"),
    (f"<html><body><article><p>{CYRILLIC}</p></article></body></html>".encode("cp1251"), "text/html",
     "президент заявил", "cp1251"),
    # declared, and the bytes bear it out: no guess
    ("<html><body><article><p>café résumé</p></article></body></html>".encode("latin-1"),
     "text/html; charset=iso-8859-1", "café résumé", None),
    (("<html><head><meta charset='windows-1251'></head><body><article><p>" + CYRILLIC + "</p></article></body></html>")
     .encode("cp1251"), "text/html", "президент заявил", None),
    ("<html><body><article><p>café résumé, Grüße</p></article></body></html>".encode("utf-8"), "text/html",
     "café résumé, Grüße", None),
])
def test_fetched_pages_keep_their_text_and_say_when_the_charset_was_guessed(server, settings, tmp_path, body,
                                                                             content_type, text, guessed):
    server.route("/page", Reply(200, body, content_type=content_type))
    db = tmp_path / "w.duckdb"
    ingest([server.url("/page")], str(db), settings=settings)
    [(stored, charset)] = rows(db, "SELECT body_text, charset_guessed FROM articles")
    assert text in stored and charset == guessed


@pytest.mark.parametrize("text, encoding, guessed", [
    ("café résumé", "latin-1", "cp1252"),
    ("¿Qué pasó? El niño comió piña en la mañana.", "cp1252", "cp1252"),
    ("Müller über die Straße: Grüße aus München, „schön“ – 5 km².", "cp1252", "cp1252"),
    (CYRILLIC, "cp1251", "cp1251"),
    ("Η κυβέρνηση ανακοίνωσε νέα μέτρα για την οικονομία.", "cp1253", "cp1253"),
    ("خبر عاجل من المدينة اليوم", "cp1256", "cp1256"),
    ("今日のニュースです。東京で会議が開かれた。", "shift_jis", "cp932"),
    ("오늘의 뉴스입니다. 서울에서 회의가 열렸다.", "euc-kr", "cp949"),
    ("今天的新闻。北京召开会议。", "gb18030", "gb18030"),
    ("Zażółć gęślą jaźń. Łódź i Kraków są pięknymi miastami w Polsce.", "cp1250", "cp1250"),
])
def test_undeclared_legacy_text_decodes_right(text, encoding, guessed):
    decoded = decode_body(text.encode(encoding))
    assert decoded.text == text and decoded.guessed == guessed


def test_a_latin1_page_labelled_utf8_reads_as_cp1252_with_a_note():
    decoded = decode_body("<p>café résumé</p>".encode("latin-1"), "utf-8")
    assert decoded.text == "<p>café résumé</p>" and decoded.guessed == "cp1252"
    assert "labelled utf-8" in decoded.note


def test_certain_or_declared_charsets_are_not_guesses():
    assert decode_body("café".encode("utf-8")).guessed is None
    assert decode_body(b"plain").guessed is None
    assert decode_body("café".encode("latin-1"), "windows-1252").guessed is None
    assert decode_body(CYRILLIC.encode("cp1251"), "windows-1251").guessed is None
