-- What the fetch layer knows about each attempt: where redirects led, the validators for the next conditional
-- request, the body's hash (an unchanged body is not parsed again) and where the raw response is archived.
ALTER TABLE fetch_log ADD COLUMN final_url VARCHAR;
ALTER TABLE fetch_log ADD COLUMN content_type VARCHAR;
ALTER TABLE fetch_log ADD COLUMN etag VARCHAR;
ALTER TABLE fetch_log ADD COLUMN last_modified VARCHAR;
ALTER TABLE fetch_log ADD COLUMN content_hash VARCHAR;
ALTER TABLE fetch_log ADD COLUMN archive_path VARCHAR;
ALTER TABLE fetch_log ADD COLUMN archive_offset BIGINT;
COMMENT ON COLUMN fetch_log.final_url IS 'Where the redirects led, when the response came from another URL.';
COMMENT ON COLUMN fetch_log.content_type IS 'The response''s Content-Type header, as sent.';
COMMENT ON COLUMN fetch_log.etag IS 'The ETag the server sent (or kept, on a 304): sent back as If-None-Match next time.';
COMMENT ON COLUMN fetch_log.last_modified IS 'The Last-Modified the server sent: sent back as If-Modified-Since next time.';
COMMENT ON COLUMN fetch_log.content_hash IS 'SHA-256 of the decompressed body; an equal hash next time means unchanged, not parsed again.';
COMMENT ON COLUMN fetch_log.archive_path IS 'The WARC file holding the raw request and response.';
COMMENT ON COLUMN fetch_log.archive_offset IS 'Byte offset of the response record in that WARC file.';
