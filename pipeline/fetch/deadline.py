"""A wall-clock limit on one fetch attempt (`FetchSettings.total_timeout`) that holds whatever the server does.

A read timeout restarts with every byte, so a server that drips its headers or its body a byte at a time is never
caught by it, and a 64 KiB read of a dripped body blocks for hours. A `Deadline` is the attempt's budget of seconds;
the time spent talking to servers (robots.txt, every redirect hop, headers and body) draws on it, the time spent
waiting for the host's politeness slot does not.

While an exchange runs (`with deadline.running():`), every connection it uses is watched: connections claim the
running exchange as they connect and as they send a request (`WatchedConnection`, mixed into the guarded
connections). When the budget runs out a timer shuts the watched sockets down, so a read blocked on a silent or
dripping server returns at once; the fetcher then sees `expired` and reports the attempt as too slow (`DeadlineExceeded`).
Connect timeouts are cut to the time left (`timeouts`), since a socket that is still connecting cannot be watched.
A connection another exchange has claimed since is left alone, so a pooled connection reused by another thread is
never cut by this attempt's timer.
"""
from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

_running: ContextVar["_Exchange | None"] = ContextVar("threadline_fetch_exchange", default=None)
_lock = threading.Lock()  # guards every claim and every timer firing, so a claim and a cut never interleave


class DeadlineExceeded(Exception):
    """The attempt ran out of time; the message is the one-line cause for the fetch log (`reason`: without the URL)."""

    def __init__(self, url: str, reason: str) -> None:
        super().__init__(f"{url} {reason}")
        self.url, self.reason = url, reason


class _Exchange:
    """One `running()` block: its end time, the sockets it watches, and its timer."""

    def __init__(self, seconds: float) -> None:
        self.end = time.monotonic() + seconds
        self.fired = False
        self.sockets: list[socket.socket] = []  # duplicates of the watched sockets' descriptors, ours to close
        self.timer = threading.Timer(max(0.0, seconds), self._fire)
        self.timer.daemon = True

    def watch(self, sock) -> socket.socket | None:
        """Keep a duplicate of `sock`'s descriptor (a TLS handshake detaches the original object from it)."""
        try:
            dup = socket.fromfd(sock.fileno(), sock.family, sock.type)
        except (OSError, ValueError):
            return None
        self.sockets.append(dup)
        return dup

    def _fire(self) -> None:
        with _lock:
            self.fired = True
            for dup in self.sockets:
                try:
                    dup.shutdown(socket.SHUT_RDWR)  # wakes a recv blocked on the same socket in the fetch thread
                except OSError:
                    pass

    def stop(self) -> None:
        with _lock:
            self.timer.cancel()
            for dup in self.sockets:
                dup.close()
            self.sockets.clear()


class Deadline:
    """`seconds` of talking to servers for one attempt; `what` names the setting that sets it, for causes."""

    def __init__(self, seconds: float, what: str = "total_timeout") -> None:
        self.seconds, self.what = seconds, what
        self.left = seconds
        self._exchange: _Exchange | None = None
        self._fired = False

    @property
    def expired(self) -> bool:
        """Whether the budget has run out (the timer fired, or the clock is past the end)."""
        if self._fired or self.left <= 0:
            return True
        exchange = self._exchange
        return exchange is not None and (exchange.fired or time.monotonic() >= exchange.end)

    @contextmanager
    def running(self) -> Iterator["Deadline"]:
        """Talk to a server within what is left of the budget (check `expired` before sending anything)."""
        exchange = _Exchange(self.left)
        token = _running.set(exchange)
        self._exchange = exchange
        exchange.timer.start()
        try:
            yield self
        finally:
            exchange.stop()
            _running.reset(token)
            self._exchange = None
            self._fired = self._fired or exchange.fired
            self.left = exchange.end - time.monotonic()

    def timeouts(self, connect: float, read: float) -> tuple[float, float]:
        """(connect, read) timeouts for `requests`, each cut to the time left (never below 10 ms)."""
        exchange = self._exchange
        left = self.left if exchange is None else exchange.end - time.monotonic()
        left = max(0.01, left)
        return min(connect, left), min(read, left)

    def exceeded(self, url: str, progress: str) -> DeadlineExceeded:
        """The error to raise when the budget ran out; `progress` says how far the response got."""
        return DeadlineExceeded(url, f"sent no complete response within {self.what} ({self.seconds:g} s; {progress}): "
                                     f"a stalled or very slow server — raise {self.what} for this source if it is "
                                     "genuinely that slow")


class WatchedConnection:
    """Mixed into urllib3 connections: each connection is watched by the exchange that last used it."""

    def _new_conn(self):  # type: ignore[no-untyped-def]
        sock = super()._new_conn()  # type: ignore[misc]
        _claim(self, sock, fresh=True)
        return sock

    def request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        _claim(self, getattr(self, "sock", None))
        return super().request(*args, **kwargs)  # type: ignore[misc]


def _claim(conn, sock, fresh: bool = False) -> None:
    """Make the running exchange (or none) the one that may cut `conn`; the previous one lets go of it.
    `fresh`: `sock` is a new socket of the connection."""
    exchange = _running.get()
    with _lock:
        previous = getattr(conn, "_threadline_watch", None)
        if previous is not None and previous[0] is exchange and previous[1] is not None and not fresh:
            return
        if previous is not None and previous[1] is not None:
            try:
                previous[0].sockets.remove(previous[1])
            except ValueError:
                pass  # that exchange is over and closed it already
            previous[1].close()
        dup = exchange.watch(sock) if exchange is not None and sock is not None and not exchange.fired else None
        conn._threadline_watch = (exchange, dup) if exchange is not None else None
