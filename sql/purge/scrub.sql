-- What is left of a purged post's text, id or address, or of a purged page's address, inside other rows (a flattened
-- page's body, a live-blog entry, a failure message naming the page) taken out, one pattern (variable purge_pattern,
-- from pipeline/purge/tables.py: its one group is what followed the match, kept) at a time; each "-- step:" counts
-- the rows it changed.

-- step: articles
UPDATE articles SET body_text = regexp_replace(body_text, getvariable('purge_pattern'), '\1', 'g')
WHERE regexp_matches(body_text, getvariable('purge_pattern'));

-- step: update_items
UPDATE update_items SET text = regexp_replace(text, getvariable('purge_pattern'), '\1', 'g')
WHERE regexp_matches(text, getvariable('purge_pattern'));

-- step: item_revisions
UPDATE item_revisions SET text = regexp_replace(text, getvariable('purge_pattern'), '\1', 'g')
WHERE regexp_matches(text, getvariable('purge_pattern'));

-- step: fetch_log
UPDATE fetch_log SET cause = regexp_replace(cause, getvariable('purge_pattern'), '[purged]\1', 'g')
WHERE regexp_matches(cause, getvariable('purge_pattern'));

-- step: ingest_runs
UPDATE ingest_runs SET cause = regexp_replace(cause, getvariable('purge_pattern'), '[purged]\1', 'g')
WHERE regexp_matches(cause, getvariable('purge_pattern'));

-- step: load_attempts
UPDATE load_attempts SET error = regexp_replace(error, getvariable('purge_pattern'), '[purged]\1', 'g')
WHERE regexp_matches(error, getvariable('purge_pattern'));
