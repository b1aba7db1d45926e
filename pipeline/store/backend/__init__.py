"""Where the two warehouses differ (being split into a package; for now everything is in `file.py`)."""
from pipeline.store.backend.file import (LAKE_ALIAS, LAKE_PREFIX, LOCK_TIME, OBJECT_STORE_SCHEME, SCHEMA_LOCK,
                                         FileBackend, LakeBackend, LakeUnavailable, LoadFailed, LockTime,
                                         PublishFailed, StoreError, ViewsFailed, WarehouseBusy, WarehouseMissing,
                                         WarehouseUnusable, _sql_literal, _wheel_extension, adapt_ddl, adapt_views,
                                         backend_for, close_quietly, connect_file, extension_files, first_line,
                                         is_lake, is_object_store, object_store_secret, open_failure,
                                         open_warehouse_file, os_trouble)
