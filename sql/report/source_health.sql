-- Source health (report page, Airflow page, the ingest DAG's check): every source, the longest silent first.
SELECT source_name, runs, last_run_at, last_new_run_id, last_new_at, runs_since_new, runs_30d,
       pages_per_run_30d, pages_per_run_prev_30d, posts_per_run_30d, posts_per_run_prev_30d,
       failures_30d, read_failures_30d, fetch_failures_30d, decode_failures_30d, parse_failures_30d
FROM report_source_health
ORDER BY runs_since_new DESC, source_name;
