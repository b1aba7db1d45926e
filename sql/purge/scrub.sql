-- What is left of a purged post's text or a purged page's address inside other rows (a flattened page's body, a
-- live-blog entry, a failure message naming the page) taken out, one needle (variable purge_needle) at a time; each
-- "-- step:" counts the rows it changed.

-- step: articles
UPDATE articles SET body_text = replace(body_text, getvariable('purge_needle'), '')
WHERE contains(body_text, getvariable('purge_needle'));

-- step: update_items
UPDATE update_items SET text = replace(text, getvariable('purge_needle'), '')
WHERE contains(text, getvariable('purge_needle'));

-- step: item_revisions
UPDATE item_revisions SET text = replace(text, getvariable('purge_needle'), '')
WHERE contains(text, getvariable('purge_needle'));

-- step: fetch_log
UPDATE fetch_log SET cause = replace(cause, getvariable('purge_needle'), '[purged]')
WHERE contains(cause, getvariable('purge_needle'));

-- step: ingest_runs
UPDATE ingest_runs SET cause = replace(cause, getvariable('purge_needle'), '[purged]')
WHERE contains(cause, getvariable('purge_needle'));

-- step: load_attempts
UPDATE load_attempts SET error = replace(error, getvariable('purge_needle'), '[purged]')
WHERE contains(error, getvariable('purge_needle'));
