"""Where the two warehouses differ, behind one interface (`base.Backend`): a DuckDB file (`file.py`, the default) or
a DuckLake with its catalog in PostgreSQL (`lake.py`); the extensions and object-storage secret a lake needs
(`extensions.py`); what the store raises (`errors.py`). `backend_for` picks one from the warehouse settings
(`pipeline.settings.WarehouseSettings`)."""
from __future__ import annotations

import os
from pathlib import Path

from pipeline.settings import WarehouseSettings
from pipeline.store.backend.base import Backend
from pipeline.store.backend.errors import (LakeUnavailable, LoadFailed, PublishFailed, StoreError, ViewsFailed,
                                           WarehouseBusy, WarehouseMissing, WarehouseUnusable, close_quietly,
                                           first_line, os_trouble)
from pipeline.store.backend.extensions import (OBJECT_STORE_SCHEME, _sql_literal, _wheel_extension, extension_files,
                                               is_object_store, object_store_secret)
from pipeline.store.backend.file import (FileBackend, compact_working_copy, connect_file, copy_live, open_failure,
                                         open_warehouse_file)
from pipeline.store.backend.lake import (LAKE_ALIAS, LAKE_PREFIX, LOCK_TIME, SCHEMA_LOCK, LakeBackend, LockTime,
                                         adapt_views)

__all__ = ["Backend", "FileBackend", "LAKE_ALIAS", "LAKE_PREFIX", "LOCK_TIME", "LakeBackend", "LakeUnavailable",
           "LoadFailed", "LockTime", "OBJECT_STORE_SCHEME", "PublishFailed", "SCHEMA_LOCK", "StoreError",
           "ViewsFailed", "WarehouseBusy", "WarehouseMissing", "WarehouseUnusable", "_sql_literal",
           "_wheel_extension", "adapt_views", "backend_for", "close_quietly", "compact_working_copy", "connect_file",
           "copy_live", "extension_files", "first_line", "is_object_store", "object_store_secret", "open_failure",
           "open_warehouse_file", "os_trouble"]


def backend_for(warehouse: WarehouseSettings | str | os.PathLike) -> Backend:
    """The backend the settings name: `ducklake:postgres:<libpq string>` is a lake, anything else a file path. A bare
    address stands for `WarehouseSettings.of(address)` (lake data folder from the environment)."""
    warehouse = WarehouseSettings.of(warehouse)
    db = warehouse.db
    if warehouse.is_lake:
        if not db.startswith(LAKE_PREFIX):
            raise LakeUnavailable(f"{db!r}: only a PostgreSQL catalog is supported; write "
                                  f"'{LAKE_PREFIX}dbname=NAME host=HOST user=USER'")
        return LakeBackend(db[len(LAKE_PREFIX):], warehouse.lake_data)
    return FileBackend(Path(db))
