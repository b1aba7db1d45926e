-- Every page with the two facts most reports group by: its outlet and its day (both in UTC).
CREATE OR REPLACE VIEW report_pages AS
SELECT
    a.article_id,
    coalesce(a.site, nullif(regexp_extract(coalesce(a.canonical_url, a.url), '^[a-z]+://([^/:?#]+)', 1), ''),
             '(unknown)') AS outlet,
    a.title,
    a.is_liveblog,
    coalesce(a.published_at, a.first_seen_at) AS page_at,
    timezone('UTC', coalesce(a.published_at, a.first_seen_at))::DATE AS page_date,
    a.published_at IS NULL AS page_at_is_first_seen,
    a.source
FROM articles a;
COMMENT ON VIEW report_pages IS 'One row per page with its outlet and day: the base the other report_ views group by.';
COMMENT ON COLUMN report_pages.article_id IS 'The page (articles.article_id).';
COMMENT ON COLUMN report_pages.outlet IS 'The site name the page declares, else the host of its canonical URL or URL, else (unknown) (a local text file declares neither).';
COMMENT ON COLUMN report_pages.title IS 'The page headline; null for flattened text.';
COMMENT ON COLUMN report_pages.is_liveblog IS 'True when the page is a live blog.';
COMMENT ON COLUMN report_pages.page_at IS 'When the page says it was published, else when a run first read it (UTC).';
COMMENT ON COLUMN report_pages.page_date IS 'The UTC day of page_at.';
COMMENT ON COLUMN report_pages.page_at_is_first_seen IS 'True when the page gives no publication time, so page_at is when we first read it.';
COMMENT ON COLUMN report_pages.source IS 'Where the page was last read from (URL, local path or WARC record).';
