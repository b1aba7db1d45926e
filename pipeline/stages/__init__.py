"""The ingest DAG's stages: the same calls as the CLI's runs (pipeline/runs.py), split where Airflow hands data between
tasks. `params` checks a run's parameters, `discovery` lists what a run reads in batches of `entries` (JSON between
tasks), `staging` reads and parses a batch into Parquet and loads the staged batches, `cleanup` removes old runs'
staged batches."""
