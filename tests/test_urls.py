"""canonical_url: one test per rule (pipeline/urls.py lists them), one per tracking parameter."""
from __future__ import annotations

import pytest

from pipeline.urls import TRACKING_PARAMS, TRACKING_PREFIXES, canonical_url


def test_rule1_whitespace_dropped_and_non_http_unchanged():
    assert canonical_url("  https://example.com/a \n") == "https://example.com/a"
    assert canonical_url("mailto:Desk@Example.com") == "mailto:Desk@Example.com"
    assert canonical_url("/relative/path?utm_source=x") == "/relative/path?utm_source=x"


def test_rule2_scheme_and_host_lower_case():
    assert canonical_url("HTTPS://News.Example.COM/Story") == "https://news.example.com/Story"


def test_rule2_trailing_dot_on_host_dropped():
    assert canonical_url("https://example.com./a") == "https://example.com/a"


def test_rule2_idn_host_becomes_punycode():
    assert canonical_url("https://Bücher.de/") == "https://xn--bcher-kva.de/"


def test_rule3_default_port_dropped():
    assert canonical_url("http://example.com:80/a") == "http://example.com/a"
    assert canonical_url("https://example.com:443/a") == "https://example.com/a"


def test_rule3_other_port_kept():
    assert canonical_url("https://example.com:8443/a") == "https://example.com:8443/a"
    assert canonical_url("http://[2001:db8::1]:8080/x") == "http://[2001:db8::1]:8080/x"


def test_rule4_credentials_dropped():
    assert canonical_url("https://user:secret@example.com/a") == "https://example.com/a"


def test_rule5_fragment_dropped():
    assert canonical_url("https://example.com/live#block-123") == "https://example.com/live"


@pytest.mark.parametrize("name", sorted(TRACKING_PARAMS))
def test_rule6_tracking_param_dropped(name):
    assert canonical_url(f"https://example.com/a?id=7&{name}=x") == "https://example.com/a?id=7"


@pytest.mark.parametrize("prefix", TRACKING_PREFIXES)
def test_rule6_tracking_prefix_dropped(prefix):
    assert canonical_url(f"https://example.com/a?{prefix}source=nl&{prefix.upper()}Medium=e&id=7") == \
        "https://example.com/a?id=7"


def test_rule6_lookalike_params_kept():
    assert canonical_url("https://example.com/a?reference=1&page=2") == "https://example.com/a?page=2&reference=1"


def test_rule7_query_sorted_blank_values_kept_empty_query_dropped():
    assert canonical_url("https://example.com/a?b=2&a=1&c=") == "https://example.com/a?a=1&b=2&c="
    assert canonical_url("https://example.com/a?") == "https://example.com/a"
    assert canonical_url("https://example.com/a?utm_source=x") == "https://example.com/a"


def test_rule8_empty_path_and_dot_segments():
    assert canonical_url("https://example.com") == "https://example.com/"
    assert canonical_url("https://example.com/a/./b/../c") == "https://example.com/a/c"


def test_rule9_percent_encoding_normalised():
    assert canonical_url("https://example.com/%7euser/%e2%82%ac") == "https://example.com/~user/%E2%82%AC"
    assert canonical_url("https://example.com/straße") == "https://example.com/stra%C3%9Fe"


def test_kept_as_they_may_differ():
    assert canonical_url("http://www.example.com/A/") == "http://www.example.com/A/"


def test_malformed_url_comes_back_unchanged():
    assert canonical_url("http://example.com:notaport/") == "http://example.com:notaport/"
