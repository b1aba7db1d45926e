-- The raw archive keeps responses for as long as the operator says (THREADLINE_ARCHIVE_KEEP_DAYS,
-- THREADLINE_ARCHIVE_MAX_BYTES); each WARC file it prunes is a row here. fetch_log rows that point into a pruned file
-- (archive_path, archive_offset) stay: their raw response is gone, and `reparse` names those pages.
CREATE TABLE archive_pruned (
    path              VARCHAR NOT NULL,
    first_fetched_at  TIMESTAMPTZ,
    last_fetched_at   TIMESTAMPTZ,
    records           BIGINT NOT NULL,
    bytes             BIGINT NOT NULL,
    pruned_at         TIMESTAMPTZ NOT NULL,
    reason            VARCHAR NOT NULL,
    PRIMARY KEY (path)
);
COMMENT ON TABLE archive_pruned IS 'One row per WARC file of the raw archive that retention removed (pipeline archive prune).';
COMMENT ON COLUMN archive_pruned.path IS 'The WARC file removed (absolute path); fetch_log.archive_path names it by the same file name.';
COMMENT ON COLUMN archive_pruned.first_fetched_at IS 'Fetch time of the oldest response in the file (UTC); null when it held none.';
COMMENT ON COLUMN archive_pruned.last_fetched_at IS 'Fetch time of the newest response in the file (UTC); null when it held none.';
COMMENT ON COLUMN archive_pruned.records IS 'Responses (and revisits of unchanged bodies) the file held: one per archived fetch.';
COMMENT ON COLUMN archive_pruned.bytes IS 'Size of the file on disk when it was removed.';
COMMENT ON COLUMN archive_pruned.pruned_at IS 'When it was removed (UTC).';
COMMENT ON COLUMN archive_pruned.reason IS 'age: its newest response was older than THREADLINE_ARCHIVE_KEEP_DAYS; size: the archive was larger than THREADLINE_ARCHIVE_MAX_BYTES and it was among the oldest files.';
COMMENT ON COLUMN fetch_log.archive_path IS 'The WARC file holding the raw request and response; when a row of archive_pruned names the same file, retention removed it and the response is gone.';
