"""The DuckDB extensions a lake needs, and the object-storage secret its sessions get.

Every session (file or lake) gets `_CONFIG`: no extension is downloaded or autoloaded at run time. A lake loads
`ducklake` and `postgres` by path from the PyPI wheels (`extension_files`), and `httpfs` too when its data is under
`s3://…`, with a session secret built from the standard AWS_* variables (`object_store_secret`).
"""
from __future__ import annotations

import importlib.util
import os
import tempfile
from pathlib import Path
from typing import Mapping

import duckdb

from pipeline.store.backend.errors import LakeUnavailable

OBJECT_STORE_SCHEME = "s3://"  # a lake's data path in S3-compatible storage; anything else is a folder

# Built-in extensions only (json, parquet, icu) unless loaded by path below: nothing is downloaded at run time, and an
# unsigned extension file is refused.
_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False,
           "allow_unsigned_extensions": False}


def _wheel_extension(package: str, file: str) -> Path:
    """The extension file a PyPI wheel (`duckdb-extension-<name>`) installed for this DuckDB version."""
    version = f"v{duckdb.__version__}"
    wheel = package.replace("_", "-")
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise LakeUnavailable(f"the DuckLake backend needs the DuckDB extension package {wheel}=={duckdb.__version__} "
                              f"(pip install {wheel}=={duckdb.__version__}); extensions are never downloaded at run time")
    path = Path(list(spec.submodule_search_locations)[0]) / "extensions" / version / file
    if not path.is_file():
        have = sorted(p.name for p in path.parent.parent.glob("v*")) if path.parent.parent.is_dir() else []
        raise LakeUnavailable(f"{wheel} has no extension for duckdb {duckdb.__version__} "
                              f"(it has {', '.join(have) or 'none'}); install the matching version")
    return path


def extension_files() -> dict[str, Path]:
    """The ducklake and postgres extension files installed by the PyPI wheels, for this DuckDB version.

    The postgres wheel ships `postgres.duckdb_extension`, but DuckDB checks that a file's name matches the name
    the extension was built under (`postgres_scanner`), so it is linked under that name in a private folder.
    """
    version = f"v{duckdb.__version__}"
    found = {"ducklake": _wheel_extension("duckdb_extension_ducklake", "ducklake.duckdb_extension"),
             "postgres_scanner": _wheel_extension("duckdb_extension_postgres", "postgres.duckdb_extension")}
    link_dir = Path(tempfile.gettempdir()) / f"threadline-duckdb-extensions-{os.getuid()}" / version
    link_dir.mkdir(parents=True, exist_ok=True)
    link = link_dir / "postgres_scanner.duckdb_extension"
    if not (link.is_symlink() and Path(os.readlink(link)) == found["postgres_scanner"]):
        temporary = link_dir / f".postgres_scanner.{os.getpid()}"
        temporary.unlink(missing_ok=True)
        temporary.symlink_to(found["postgres_scanner"])
        os.replace(temporary, link)
    found["postgres_scanner"] = link
    return found


def is_object_store(data: str | None) -> bool:
    """Whether a lake's data path is in S3-compatible object storage (AWS S3, MinIO, Ceph, R2, …) rather than a folder."""
    return bool(data) and data.startswith(OBJECT_STORE_SCHEME)


def object_store_secret(data: str, env: Mapping[str, str] | None = None) -> str:
    """The `CREATE SECRET` statement that lets a session read and write the lake's data under `data` (`s3://…`).

    Credentials come from the standard AWS variables, as every S3 tool reads them: AWS_ACCESS_KEY_ID and
    AWS_SECRET_ACCESS_KEY (required), AWS_SESSION_TOKEN, AWS_REGION or AWS_DEFAULT_REGION (default us-east-1), and
    AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL for a store other than AWS (e.g. `http://minio:9000`: path-style URLs,
    and TLS only for https). The secret is temporary (this session only) and scoped to the lake's bucket.
    """
    env = os.environ if env is None else env
    missing = [name for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY") if not env.get(name)]
    if missing:
        raise LakeUnavailable(f"the lake's data is in object storage ({data}): set {' and '.join(missing)} "
                              f"(and AWS_ENDPOINT_URL for a store other than AWS S3)")
    bucket = data[len(OBJECT_STORE_SCHEME):].split("/", 1)[0]
    if not bucket:
        raise LakeUnavailable(f"{data!r} names no bucket: write s3://BUCKET/PREFIX/")
    options = {"TYPE": "s3", "KEY_ID": env["AWS_ACCESS_KEY_ID"], "SECRET": env["AWS_SECRET_ACCESS_KEY"],
               "REGION": env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1"}
    if env.get("AWS_SESSION_TOKEN"):
        options["SESSION_TOKEN"] = env["AWS_SESSION_TOKEN"]
    endpoint = env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL")
    if endpoint:
        scheme, _, rest = endpoint.rpartition("://")
        if scheme not in ("", "http", "https") or not rest.strip("/"):
            raise LakeUnavailable(f"AWS_ENDPOINT_URL {endpoint!r} is not a store's address: write http(s)://HOST:PORT")
        options.update(ENDPOINT=rest.strip("/"), URL_STYLE="path", USE_SSL=scheme != "http")
    options["SCOPE"] = f"{OBJECT_STORE_SCHEME}{bucket}"
    body = ", ".join(f"{key} {value if isinstance(value, bool) or key == 'TYPE' else _sql_literal(value)}"
                     for key, value in options.items())
    return f"CREATE OR REPLACE TEMPORARY SECRET threadline_lake_data ({body})"


def _sql_literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"
