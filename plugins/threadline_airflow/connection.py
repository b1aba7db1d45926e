"""Which warehouse Airflow works on: the optional `threadline_warehouse` connection, else pipeline.settings.

The connection has the type `duckdb` (the type of apache-airflow-providers-duckdb) and its Host is the path of the
published warehouse, e.g. `AIRFLOW_CONN_THREADLINE_WAREHOUSE='{"conn_type": "duckdb", "host": "/data/w.duckdb"}'`
or Admin → Connections in the UI. Only the path is read here: `pipeline.store` remains the only code opening DuckDB.
"""
from __future__ import annotations

CONN_ID = "threadline_warehouse"


def warehouse_path() -> str:
    """The connection's Host when the connection exists, else $THREADLINE_DB or data/warehouse.duckdb."""
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    from pipeline import settings

    try:
        conn = BaseHook.get_connection(CONN_ID)
    except AirflowNotFoundException:
        return settings.warehouse_path()
    if conn.conn_type not in ("duckdb", None, ""):
        raise ValueError(f"connection {CONN_ID} has type {conn.conn_type!r}; it must be 'duckdb' (Host = the "
                         "warehouse path)")
    if not conn.host:
        raise ValueError(f"connection {CONN_ID} has no Host; set it to the warehouse path")
    return conn.host
