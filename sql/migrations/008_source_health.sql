-- Which source of the source list each read was for, and what each run found per source: a source that stops
-- yielding (a moved feed, changed markup) shows in report_source_health while every run is green.

ALTER TABLE fetch_log ADD COLUMN source_name VARCHAR;
COMMENT ON COLUMN fetch_log.source_name IS 'The source (the name column of the source list, seeds/sources.csv) this attempt read for: its feed, sitemap, page or file, or a page found in them; null for the CLI''s ingest of paths and URLs, reparse and enrichment.';

CREATE TABLE run_source_counts (
    run_id       VARCHAR NOT NULL,
    source_name  VARCHAR NOT NULL,
    reads        BIGINT NOT NULL,
    pages        BIGINT NOT NULL,
    posts        BIGINT NOT NULL,
    pages_new    BIGINT NOT NULL,
    items_new    BIGINT NOT NULL,
    posts_new    BIGINT NOT NULL,
    PRIMARY KEY (run_id, source_name)
);
COMMENT ON TABLE run_source_counts IS 'Per run and source of the source list: what was read and what was new (first seen in that run). A source with reads but nothing parsed (a failed feed, an unchanged page) has a row of zeros.';
COMMENT ON COLUMN run_source_counts.run_id IS 'The run.';
COMMENT ON COLUMN run_source_counts.source_name IS 'The source (the name column of the source list).';
COMMENT ON COLUMN run_source_counts.reads IS 'Read and fetch attempts made for the source (fetch_log rows: its feed or sitemap and its pages).';
COMMENT ON COLUMN run_source_counts.pages IS 'Pages of the source parsed and loaded.';
COMMENT ON COLUMN run_source_counts.posts IS 'Distinct posts those pages embed.';
COMMENT ON COLUMN run_source_counts.pages_new IS 'Pages the warehouse had not seen before this run.';
COMMENT ON COLUMN run_source_counts.items_new IS 'Key points, live-blog entries and thread items of its pages the warehouse had not seen before.';
COMMENT ON COLUMN run_source_counts.posts_new IS 'Posts embedded in its pages the warehouse had not seen before.';
