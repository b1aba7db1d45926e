-- Source health for the Airflow UI page, the longest silent first (parameter: how many).
SELECT source_name, runs_since_new, last_new_at, last_run_at, pages_per_run_30d, pages_per_run_prev_30d,
       posts_per_run_30d, posts_per_run_prev_30d, failures_30d
FROM report_source_health
ORDER BY runs_since_new DESC, source_name
LIMIT ?;
