-- Where fetch_log's raw responses moved when a purge rewrote their WARC files (table purge_offsets(file, old_offset,
-- new_offset), file by name): a kept response gets its new offset; a removed one no archive path or offset.
UPDATE fetch_log
SET archive_offset = m.new_offset,
    archive_path = CASE WHEN m.new_offset IS NULL THEN NULL ELSE fetch_log.archive_path END
FROM purge_offsets m
WHERE parse_filename(fetch_log.archive_path) = m.file AND fetch_log.archive_offset = m.old_offset;
