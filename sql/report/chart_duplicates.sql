-- Report page: rows inserted and rows seen again (deduplicated) per run, all tables together, the 20 latest runs.
WITH runs AS (SELECT DISTINCT run_id, started_at FROM report_duplicates_prevented ORDER BY started_at DESC LIMIT 20)
SELECT run_id, any_value(d.started_at) AS started_at, any_value(command) AS command,
       sum(inserted) AS inserted, sum(seen_again) AS seen_again
FROM report_duplicates_prevented d JOIN runs USING (run_id)
GROUP BY run_id
ORDER BY started_at, run_id;
