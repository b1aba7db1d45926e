"""Which warehouse Airflow works on: the optional `threadline_warehouse` connection, else pipeline.settings.

The connection has the type `duckdb` (the type of apache-airflow-providers-duckdb) and its Host is the path of the
published warehouse, e.g. `AIRFLOW_CONN_THREADLINE_WAREHOUSE='{"conn_type": "duckdb", "host": "/data/w.duckdb"}'`
or Admin → Connections in the UI. Only the path is read here: `pipeline.store` remains the only code opening DuckDB.
"""
from __future__ import annotations

CONN_ID = "threadline_warehouse"


def warehouse():
    """The warehouse settings of a task (`pipeline.settings.WarehouseSettings`), built once per task: the
    connection's Host when the connection exists, else $THREADLINE_DB or data/warehouse.duckdb in the data folder; the
    lake data folder from $THREADLINE_LAKE_DATA."""
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    from pipeline.settings import WarehouseSettings

    try:
        conn = BaseHook.get_connection(CONN_ID)
    except AirflowNotFoundException:
        return WarehouseSettings.scheduled()
    if conn.conn_type not in ("duckdb", None, ""):
        raise ValueError(f"connection {CONN_ID} has type {conn.conn_type!r}; it must be 'duckdb' (Host = the "
                         "warehouse path)")
    if not conn.host:
        raise ValueError(f"connection {CONN_ID} has no Host; set it to the warehouse path")
    return WarehouseSettings.resolve(conn.host)
