-- What deduplication saved: per run and table, rows seen again (merged into existing rows) against rows inserted.
CREATE OR REPLACE VIEW report_duplicates_prevented AS
SELECT
    c.run_id,
    r.command,
    r.started_at,
    r.status,
    c.table_name,
    c.inserted,
    c.updated,
    c.unchanged,
    c.updated + c.unchanged AS seen_again,
    c.inserted + c.updated + c.unchanged AS rows_read,
    round(100.0 * (c.updated + c.unchanged) / nullif(c.inserted + c.updated + c.unchanged, 0), 1) AS seen_again_pct
FROM run_table_counts c
JOIN ingest_runs r ON r.run_id = c.run_id;
COMMENT ON VIEW report_duplicates_prevented IS 'One row per run and table (run_table_counts): rows that matched an existing row, so were merged instead of inserted again, against new rows. Duplicates inside one batch are merged before counting and are not in these figures.';
COMMENT ON COLUMN report_duplicates_prevented.run_id IS 'The run.';
COMMENT ON COLUMN report_duplicates_prevented.command IS 'What ran: ingest, reparse or airflow.';
COMMENT ON COLUMN report_duplicates_prevented.started_at IS 'When the run started (UTC).';
COMMENT ON COLUMN report_duplicates_prevented.status IS 'The run''s status: running, ok, partial, failed or abandoned.';
COMMENT ON COLUMN report_duplicates_prevented.table_name IS 'The table.';
COMMENT ON COLUMN report_duplicates_prevented.inserted IS 'New rows.';
COMMENT ON COLUMN report_duplicates_prevented.updated IS 'Rows seen again with something new (merged into the existing row).';
COMMENT ON COLUMN report_duplicates_prevented.unchanged IS 'Rows seen again with nothing new.';
COMMENT ON COLUMN report_duplicates_prevented.seen_again IS 'updated + unchanged: rows that would have been duplicates without deduplication.';
COMMENT ON COLUMN report_duplicates_prevented.rows_read IS 'inserted + seen_again.';
COMMENT ON COLUMN report_duplicates_prevented.seen_again_pct IS 'seen_again as a percentage of rows_read.';
