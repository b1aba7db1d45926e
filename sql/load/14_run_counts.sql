-- What this batch did to each table (batch_counts, from batch_counts.sql), added to the run's totals.
MERGE INTO run_table_counts t
USING (SELECT getvariable('run_id') AS run_id, * FROM batch_counts) s
ON t.run_id = s.run_id AND t.table_name = s.table_name
WHEN MATCHED THEN UPDATE SET
    inserted = t.inserted + s.inserted, updated = t.updated + s.updated, unchanged = t.unchanged + s.unchanged
WHEN NOT MATCHED THEN INSERT (run_id, table_name, inserted, updated, unchanged)
VALUES (s.run_id, s.table_name, s.inserted, s.updated, s.unchanged);
