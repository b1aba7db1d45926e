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
`FetchSettings.allow_networks` are let through (tests allow 127.0.0.1/32 for their own servers).
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

ALLOWED_SCHEMES = ("http", "https")
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
            embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
            if embedded is not None:
                inner = self.refusal(embedded)
                return f"{ip} embeds {embedded}: {inner}" if inner else None
        if any(ip in net for net in self.allowed):
            return None
        return address_kind_refusal(ip)


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
        return f"{url!r} is not a valid URL ({exc}); fix the link or the source list"
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        return f"{url!r} uses the scheme {parts.scheme or '(none)'!r}; only http and https are fetched"
    if not host:
        return f"{url!r} has no host name; only absolute http(s) URLs are fetched"
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        return None
    reason = policy.refusal(literal)
    return f"{url} points at {reason}; not fetched (address guard)" if reason else None


def connect_guarded(host: str, port: int, timeout, policy: AddressPolicy, source_address=None, socket_options=None):
    """Resolve `host`, connect to the first allowed address, check the peer; AddressRefused when none is allowed."""
    infos = socket.getaddrinfo(host, port, 0, socket.SOCK_STREAM)
    refusals: list[str] = []
    last_error: OSError | None = None
    for family, socktype, proto, _name, sockaddr in infos:
        reason = policy.refusal(sockaddr[0].split("%", 1)[0])
        if reason:
            refusals.append(reason)
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
                continue
            return sock
        except OSError as exc:
            sock.close()
            last_error = exc
    if refusals and last_error is None:
        raise AddressRefused(f"{host} resolves to {'; '.join(dict.fromkeys(refusals))}; not fetched (address guard)")
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

