"""Fetcher throughput against its bound: N pages from a local server that answers after a fixed latency.

With one host, per-host concurrency C and latency L, no fetcher can beat C / L pages per second; the script prints
pages/s, that bound, the ratio, and the peak RSS of the process. Politeness delay is 0 here (a local server);
in production the per-host bound is 1 / min_delay.

    python bench/fetch.py [--pages 200] [--latency 0.05] [--concurrency 4] [--size 200000] [--archive]
"""
from __future__ import annotations

import argparse
import dataclasses
import resource
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pipeline.fetch import Fetcher, FetchRequest, FetchSettings, WarcArchive  # noqa: E402


def serve(latency: float, size: int) -> ThreadingHTTPServer:
    body = (b"<!doctype html><html><body>" + b"<p>news text</p>" * (size // 16) + b"</body></html>")

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            time.sleep(latency)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--latency", type=float, default=0.05, help="seconds the server waits before answering")
    parser.add_argument("--concurrency", type=int, default=4, help="per-host concurrency (and worker threads)")
    parser.add_argument("--size", type=int, default=200_000, help="page size in bytes")
    parser.add_argument("--archive", action="store_true", help="also write every response to a WARC archive")
    args = parser.parse_args()

    httpd = serve(args.latency, args.size)
    port = httpd.server_address[1]
    settings = FetchSettings(contact_url="https://threadline.invalid/bench", min_delay=0.0,
                             per_host_concurrency=args.concurrency, obey_robots=False,
                             allow_networks=("127.0.0.1/32",))
    with tempfile.TemporaryDirectory() as tmp:
        archive = WarcArchive(tmp) if args.archive else None
        with Fetcher(settings, archive=archive) as fetcher:
            requests = [FetchRequest(f"http://127.0.0.1:{port}/page/{n}", settings=settings) for n in range(args.pages)]
            start = time.perf_counter()
            outcomes: dict[str, int] = {}
            for result in fetcher.fetch_many(requests, max_workers=args.concurrency):
                outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
            elapsed = time.perf_counter() - start
        archived = sum(p.stat().st_size for p in Path(tmp).glob("*.warc.gz")) if args.archive else 0
    httpd.shutdown()

    rate = args.pages / elapsed
    bound = args.concurrency / args.latency if args.latency else float("inf")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    print(f"pages            {args.pages} x {args.size:,} bytes, latency {args.latency * 1000:.0f} ms, "
          f"concurrency {args.concurrency}{', archived' if args.archive else ''}")
    print(f"outcomes         {outcomes}")
    print(f"elapsed          {elapsed:.2f} s")
    print(f"throughput       {rate:.1f} pages/s")
    print(f"bound            {bound:.1f} pages/s (concurrency / latency)")
    print(f"of bound         {rate / bound:.0%}")
    print(f"peak RSS         {peak_mb:.0f} MB")
    if args.archive:
        print(f"archive          {archived / 1e6:.1f} MB written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
