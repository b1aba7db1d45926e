-- Erasure requests (pipeline purge): a post, an account or a page removed from every table, the raw archive and the
-- latest export. Each request is a row here: what was named, when, why and how much was removed, never the removed
-- content. Later reads check the parser's output against these rows (pipeline/purge/blocklist.py), so a purged post,
-- account or page does not come back; a purged page is not fetched again.
CREATE TABLE purge_requests (
    request_id       VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL,
    target           VARCHAR NOT NULL,
    platform         VARCHAR,
    handle           VARCHAR,
    post_ids         VARCHAR[],
    article_ids      VARCHAR[],
    urls             VARCHAR[],
    reason           VARCHAR NOT NULL,
    requested_at     TIMESTAMPTZ NOT NULL,
    rows_removed     BIGINT NOT NULL,
    archive_records  BIGINT NOT NULL,
    export_rows      BIGINT NOT NULL,
    snapshots_expired BIGINT NOT NULL,
    PRIMARY KEY (request_id)
);
COMMENT ON TABLE purge_requests IS 'One row per erasure request carried out by pipeline purge: what was named, when, why and how much was removed (never the removed content). Reads and loads skip what these rows name.';
COMMENT ON COLUMN purge_requests.request_id IS 'The request: UTC time to the microsecond and a random suffix.';
COMMENT ON COLUMN purge_requests.kind IS 'post (one post, by platform and id or by its URL), account (every post of a platform account) or page (an article or live blog, by URL).';
COMMENT ON COLUMN purge_requests.target IS 'What the request named, as given: platform:id, a post URL, platform:handle, or a page URL (secrets in it shown as ***).';
COMMENT ON COLUMN purge_requests.platform IS 'The platform of a post or account request; null for a page.';
COMMENT ON COLUMN purge_requests.handle IS 'The account handle (without @, lower case) of an account request; null otherwise.';
COMMENT ON COLUMN purge_requests.post_ids IS 'The post_id values the request covers: the post''s platform:native_id and platform:h:<hash> of its copies read from flattened text (for an account: its posts held when it was purged). Never loaded again.';
COMMENT ON COLUMN purge_requests.article_ids IS 'The article_id values of a page request (the page as the warehouse held it). Never loaded again.';
COMMENT ON COLUMN purge_requests.urls IS 'The page addresses of a page request (as given, canonical form, and the URL and canonical URL the warehouse held): never fetched or loaded again.';
COMMENT ON COLUMN purge_requests.reason IS 'Why, as the operator gave it (a legal request, a takedown, a deleted account).';
COMMENT ON COLUMN purge_requests.requested_at IS 'When the purge was carried out (UTC).';
COMMENT ON COLUMN purge_requests.rows_removed IS 'Rows deleted from the warehouse''s tables (social_posts, article_posts, post_entities, update_items, item_revisions, quotes, articles, fetch_log).';
COMMENT ON COLUMN purge_requests.archive_records IS 'WARC records removed from the raw archive (responses holding it, with their requests, metadata and revisits).';
COMMENT ON COLUMN purge_requests.export_rows IS 'Rows removed from the latest export (pipeline export --out, Parquet or DuckDB).';
COMMENT ON COLUMN purge_requests.snapshots_expired IS 'Lake snapshots expired because they still held what was removed (time travel to them ends); 0 on a DuckDB file.';
COMMENT ON COLUMN fetch_log.archive_path IS 'The WARC file holding the raw request and response; when a row of archive_pruned names the same file, retention removed it and the response is gone; null once pipeline purge removed the response (purge_requests).';
COMMENT ON COLUMN fetch_log.archive_offset IS 'Byte offset of the response record in that WARC file (moved when pipeline purge rewrote the file).';
