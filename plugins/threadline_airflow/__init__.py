"""Threadline's Airflow glue that DAGs and the UI plugin share (on sys.path through Airflow's plugins folder)."""
