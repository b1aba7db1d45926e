"""Politeness and settings without the network: a fake clock shows the waits the gate imposes."""
from __future__ import annotations

import pytest

from pipeline.fetch import FetchSettings
from pipeline.fetch.polite import HostGate, host_key
from pipeline.fetch.retry import retry_after_seconds
from pipeline.fetch.robots import RobotsAnswer, RobotsCache


class Clock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 3))
        self.now += seconds


def test_min_delay_between_request_starts_per_host():
    clock = Clock()
    gate = HostGate(clock=clock, sleep=clock.sleep)
    for _ in range(3):
        with gate.slot("news.example", min_delay=5.0, concurrency=2):
            pass
    with gate.slot("other.example", min_delay=5.0, concurrency=2):
        pass
    assert clock.slept == [5.0, 5.0]  # the second and third request to one host waited; the other host did not


def test_pause_after_429_delays_the_next_request():
    clock = Clock()
    gate = HostGate(clock=clock, sleep=clock.sleep)
    gate.pause("news.example", 30.0)
    with gate.slot("news.example", min_delay=0.0, concurrency=1):
        pass
    assert clock.slept == [30.0]


def test_down_host_is_remembered_then_forgotten():
    clock = Clock()
    gate = HostGate(clock=clock, sleep=clock.sleep)
    gate.mark_down("news.example", 600.0, "connection refused")
    assert gate.down("news.example") == (600.0, "connection refused")
    clock.now += 601
    assert gate.down("news.example") is None


def test_robots_cache_expires_and_reads_crawl_delay():
    clock = Clock()
    calls = []

    def loader(url):
        calls.append(url)
        return RobotsAnswer(200, "User-agent: Threadline\nCrawl-delay: 7\nDisallow: /x\n")

    cache = RobotsCache(clock=clock)
    verdict = cache.verdict("https://News.example/page", loader, "Threadline", ttl=3600, error_ttl=60)
    assert verdict.allowed and verdict.crawl_delay == 7.0
    assert not cache.verdict("https://news.example/x/1", loader, "Threadline", ttl=3600, error_ttl=60).allowed
    assert calls == ["https://news.example/robots.txt"]
    clock.now += 3601
    cache.verdict("https://news.example/page", loader, "Threadline", ttl=3600, error_ttl=60)
    assert len(calls) == 2


def test_host_key():
    assert host_key("https://WWW.Example.com:8443/a") == "www.example.com:8443"
    assert host_key("http://[::1]:8080/") == "[::1]:8080"


def test_retry_after_forms():
    assert retry_after_seconds("120") == 120.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past: no wait
    assert retry_after_seconds("soon") is None


def test_settings_overrides_from_csv_text():
    base = FetchSettings(contact_url="https://x.test")
    custom = base.with_overrides({"min_delay": "9", "obey_robots": "no", "max_bytes": "", "retry_statuses": "503;429"})
    assert custom.min_delay == 9.0 and custom.obey_robots is False and custom.max_bytes == base.max_bytes
    assert custom.retry_statuses == (503, 429)
    assert "Threadline/" in custom.user_agent and "https://x.test" in custom.user_agent
    with pytest.raises(ValueError, match="unknown fetch setting 'min_dealy'"):
        base.with_overrides({"min_dealy": "3"})
    with pytest.raises(ValueError, match="not a valid float"):
        base.with_overrides({"min_delay": "soon"})


def test_retry_is_decided_by_the_exceptions_type_not_its_text():
    from requests import exceptions as rex

    from pipeline.fetch.guard import AddressRefused
    from pipeline.fetch.retry import send_failure

    settings = FetchSettings(contact_url="https://x.test")
    url = "https://news.example/live"
    wrapped = rex.ConnectionError("connection failed")  # the guard's refusal inside, its words nowhere outside
    wrapped.__context__ = AddressRefused("news.example is not a public host (10.0.0.1 is a private address)")
    refused = send_failure(wrapped, url, settings)
    assert refused.outcome == "refused" and not refused.retry and "10.0.0.1" in refused.cause
    lookalike = send_failure(rex.ConnectionError("(address guard) in the text only"), url, settings)
    assert lookalike.outcome == "error" and lookalike.retry and lookalike.connect_failure
    assert not send_failure(rex.SSLError("certificate verify failed"), url, settings).retry
    read_timeout = send_failure(rex.ReadTimeout("read timed out"), url, settings)
    assert read_timeout.retry and not read_timeout.connect_failure


def test_a_robots_txt_host_the_guard_refuses_refuses_the_url():
    cache = RobotsCache(clock=Clock())
    verdict = cache.verdict("https://intranet.example/page",
                            lambda url: RobotsAnswer(None, error="intranet.example is not a public host", refused=True),
                            "Threadline", ttl=3600, error_ttl=60)
    assert verdict.refused and not verdict.allowed and verdict.cause == "intranet.example is not a public host"
