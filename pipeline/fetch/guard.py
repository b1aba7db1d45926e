"""The address guard: links found in pages are fetched only over http(s) and only from public addresses.

Two checks, both needed:
- `url_refusal(url)` before a request: the scheme, the host's presence, an IP-literal host.
- `GuardedAdapter` at connect time: the host name is resolved once, every address is checked, and the socket
  is opened to an address that passed; the peer address is checked again after connecting. The address we check is
  the address we talk to, so a name that resolves to a public address for the check and a private one for the
  connection (DNS rebinding) gets nowhere. Every redirect hop opens its connection through the same adapter.

Refused: loopback, private (RFC 1918, ULA), link-local (169.254/16, which holds the cloud metadata service
169.254.169.254), shared CGNAT space (100.64/10), multicast, reserved and unspecified addresses, IPv4 addresses
mapped or embedded in IPv6, and anything else Python's `ipaddress` does not call global. Networks listed in
`FetchSettings.allow_networks` are let through (tests allow 127.0.0.1/32 for their own servers); a refusal names
that setting (THREADLINE_FETCH_ALLOW_NETWORKS, or a source's `allow_networks` column), except for the metadata
service. URLs in causes are cut to `SHOWN_URL_CHARS`, so a hostile 1 MB link cannot flood a log line.
"""
from __future__ import annotations

import ipaddress
import socket
from typing import Iterable
from urllib.parse import urlsplit

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from pipeline.fetch.deadline import WatchedConnection
from pipeline.fetch.fetch_settings import ENV_PREFIX
from pipeline.oneline import one_line

ALLOWED_SCHEMES = ("http", "https")
# 200 characters of a URL in a cause: enough for any scheme and host (DNS names stop at 253 bytes, rare past 60).
SHOWN_URL_CHARS = 200
ALLOW_SETTING = f"{ENV_PREFIX}ALLOW_NETWORKS"
_METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
_CGNAT = ipaddress.ip_network("100.64.0.0/10")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressRefused(Exception):
    """A request the guard stopped; the message is the cause to log."""


class AddressPolicy:
    """Which addresses may be connected to: public ones, plus the networks explicitly allowed."""

    def __init__(self, allow_networks: Iterable[str] = ()) -> None:
        self.allowed = tuple(ipaddress.ip_network(net, strict=False) for net in allow_networks)

    def refusal(self, address: str | Address) -> str | None:
        """Why this address may not be connected to, or None when it may."""
        ip = ipaddress.ip_address(address) if isinstance(address, str) else address
        if isinstance(ip, ipaddress.IPv6Address):
            embedded = _embedded(ip)
            if embedded is not None:
                inner = self.refusal(embedded)
                return f"{ip} embeds {embedded}: {inner}" if inner else None
        if any(ip in net for net in self.allowed):
            return None
        return address_kind_refusal(ip)


def _embedded(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    return ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)


def shown(url: str) -> str:
    """A URL as a cause shows it: at most SHOWN_URL_CHARS characters, control characters escaped (a link cannot
    break a log line in two or forge one)."""
    return one_line(url, SHOWN_URL_CHARS)


def allow_hint(addresses: Iterable[Address]) -> str:
    """The setting that lets these refused addresses through, as the end of a cause ("" for the metadata service,
    which nobody should allow by accident)."""
    ips = list(dict.fromkeys((_embedded(ip) if isinstance(ip, ipaddress.IPv6Address) else None) or ip
                             for ip in addresses))
    if not ips or any(ip in _METADATA for ip in ips):
        return ""
    nets = ",".join(f"{ip}/{ip.max_prefixlen}" for ip in ips)
    return f"; set {ALLOW_SETTING}={nets} (or the source's allow_networks) to allow it"


def address_kind_refusal(ip: Address) -> str | None:
    """The kind of non-public address `ip` is, as a cause, or None for a public one."""
    if ip in _METADATA:
        return f"{ip} is the cloud metadata service (link-local)"
    if ip.is_loopback:
        return f"{ip} is a loopback address"
    if ip.is_link_local:
        return f"{ip} is a link-local address"
    if ip.is_multicast:
        return f"{ip} is a multicast address"
    if ip.is_unspecified:
        return f"{ip} is the unspecified address"
    if isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT:
        return f"{ip} is in the shared CGNAT range 100.64.0.0/10"
    if ip.is_private:
        return f"{ip} is a private address"
    if ip.is_reserved or not ip.is_global:
        return f"{ip} is a reserved, non-public address"
    return None


def url_refusal(url: str, policy: AddressPolicy) -> str | None:
    """Why `url` may not be fetched, judged from the URL alone (the connect-time check does the rest)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        return f"{shown(url)!r} is not a valid URL ({exc}); fix the link or the source list"
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        return f"{shown(url)!r} uses the scheme {parts.scheme or '(none)'!r}; only http and https are fetched"
    if not host:
        return f"{shown(url)!r} has no host name; only absolute http(s) URLs are fetched"
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        return None
    reason = policy.refusal(literal)
    if not reason:
        return None
    return f"{shown(url)} points at {reason}; not fetched (address guard){allow_hint([literal])}"


def connect_guarded(host: str, port: int, timeout, policy: AddressPolicy, source_address=None, socket_options=None):
    """Resolve `host`, connect to the first allowed address, check the peer; AddressRefused when none is allowed."""
    infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    refusals: list[str] = []
    refused: list[Address] = []
    last_error: OSError | None = None
    for family, socktype, proto, _name, sockaddr in infos:
        address = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])
        reason = policy.refusal(address)
        if reason:
            refusals.append(reason)
            refused.append(address)
            continue
        sock = socket.socket(family, socktype, proto)
        try:
            for opt in socket_options or ():
                sock.setsockopt(*opt)
            if timeout is not None and timeout is not socket._GLOBAL_DEFAULT_TIMEOUT:  # type: ignore[attr-defined]
                sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(sockaddr)
            peer = sock.getpeername()[0].split("%", 1)[0]
            reason = policy.refusal(peer)
            if reason:  # cannot happen unless the OS rewrote the address; checked anyway
                sock.close()
                refusals.append(reason)
                refused.append(ipaddress.ip_address(peer))
                continue
            return sock
        except OSError as exc:
            sock.close()
            last_error = exc
    if refusals and last_error is None:
        raise AddressRefused(f"{host} is not a public host ({'; '.join(dict.fromkeys(refusals))}); not fetched "
                             f"(address guard){allow_hint(refused)}")
    if last_error is not None:
        raise last_error
    raise OSError(f"{host} resolved to no address")


class _GuardedConnectionMixin:
    policy: AddressPolicy

    def _new_conn(self):  # type: ignore[override]
        try:
            return connect_guarded(
                self._dns_host, self.port, self.timeout, self.policy,  # type: ignore[attr-defined]
                source_address=self.source_address, socket_options=self.socket_options,  # type: ignore[attr-defined]
            )
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc  # type: ignore[attr-defined,arg-type]
        except socket.timeout as exc:
            raise ConnectTimeoutError(self, f"Connection to {self.host} timed out. (connect timeout={self.timeout})") from exc  # type: ignore[attr-defined]
        except AddressRefused:
            raise
        except OSError as exc:
            raise NewConnectionError(self, f"Failed to establish a new connection: {exc}") from exc  # type: ignore[arg-type]


class GuardedAdapter(HTTPAdapter):
    """A requests adapter whose every connection goes through the address guard."""

    def __init__(self, policy: AddressPolicy, **kwargs) -> None:
        self.policy = policy
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        policy = self.policy
        # WatchedConnection: the fetch attempt's deadline can cut the connection (pipeline/fetch/deadline.py)
        http_conn = type("GuardedHTTPConnection", (WatchedConnection, _GuardedConnectionMixin, HTTPConnection),
                         {"policy": policy})
        https_conn = type("GuardedHTTPSConnection", (WatchedConnection, _GuardedConnectionMixin, HTTPSConnection),
                          {"policy": policy})
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("GuardedHTTPConnectionPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
            "https": type("GuardedHTTPSConnectionPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
        }

