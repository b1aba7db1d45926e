-- How many rows did each run recognise as already stored (instead of duplicating them)?
SELECT run_id, command, started_at,
       sum(inserted) AS inserted, sum(seen_again) AS seen_again,
       round(100.0 * sum(seen_again) / nullif(sum(rows_read), 0), 1) AS seen_again_pct
FROM report_duplicates_prevented
GROUP BY run_id, command, started_at
ORDER BY started_at, run_id;
