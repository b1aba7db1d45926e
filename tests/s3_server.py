"""An S3-compatible server of our own on 127.0.0.1 for the object-storage lake tests: moto's server mode
(`moto_server`, started as a process, as MinIO would be in a deployment) answering the S3 API that DuckDB's httpfs
speaks. It accepts any access key, so the credentials tests check are the ones our code demands, not the store's.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests


@dataclass
class S3Server:
    endpoint: str  # http://127.0.0.1:PORT

    def env(self) -> dict[str, str]:
        """The AWS_* variables a pipeline process needs to use this store."""
        return {"AWS_ACCESS_KEY_ID": "threadline-test", "AWS_SECRET_ACCESS_KEY": "threadline-test-secret",
                "AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL": self.endpoint}

    def create_bucket(self, name: str) -> None:
        requests.put(f"{self.endpoint}/{name}", timeout=10).raise_for_status()

    def keys(self, bucket: str, prefix: str = "") -> list[str]:
        """Every object key under `prefix` (ListObjectsV2, following continuation tokens)."""
        import xml.etree.ElementTree as ET

        ns = "{http://s3.amazonaws.com/doc/2006-03-01/}"
        keys, token = [], None
        while True:
            params = {"list-type": "2", "prefix": prefix, **({"continuation-token": token} if token else {})}
            reply = requests.get(f"{self.endpoint}/{bucket}", params=params, timeout=10)
            reply.raise_for_status()
            root = ET.fromstring(reply.content)
            keys += [node.findtext(f"{ns}Key") for node in root.iter(f"{ns}Contents")]
            token = root.findtext(f"{ns}NextContinuationToken")
            if not token:
                return sorted(keys)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def s3_server(log_dir: Path) -> Iterator[S3Server]:
    """Start `moto_server` on a free port of 127.0.0.1 and stop it afterwards (its log in `log_dir`)."""
    program = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or shutil.which("moto_server")
    if program is None:
        pytest.fail("moto_server is missing: `make install` installs the dev extra (moto[s3], flask, flask-cors)")
    port = _free_port()
    log = open(log_dir / "moto_server.log", "wb")
    process = subprocess.Popen([program, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, "MOTO_ALLOW_NONEXISTENT_REGION": "true"})
    server = S3Server(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 60
        while True:
            try:  # its first answer imports botocore's models: seconds on a busy machine
                requests.get(f"{server.endpoint}/", timeout=10)
                break
            except (requests.ConnectionError, requests.Timeout):
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"moto_server did not start on port {port}: see {log_dir / 'moto_server.log'}")
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
