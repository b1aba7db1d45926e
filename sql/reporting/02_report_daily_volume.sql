-- Daily volume: pages and embedded posts per day, outlet and platform.
CREATE OR REPLACE VIEW report_daily_volume AS
SELECT
    p.page_date,
    p.outlet,
    coalesce(s.platform, '(none)') AS platform,
    count(DISTINCT p.article_id) AS pages,
    count(ap.post_id) AS embeds,
    count(DISTINCT ap.post_id) AS posts
FROM report_pages p
LEFT JOIN article_posts ap ON ap.article_id = p.article_id
LEFT JOIN social_posts s ON s.post_id = ap.post_id
GROUP BY ALL;
COMMENT ON VIEW report_daily_volume IS 'One row per page day, outlet and platform embedded: how many pages, embeds and distinct posts. Pages embedding no post count under platform (none).';
COMMENT ON COLUMN report_daily_volume.page_date IS 'The UTC day the page was published (else first read).';
COMMENT ON COLUMN report_daily_volume.outlet IS 'The page''s outlet (report_pages.outlet).';
COMMENT ON COLUMN report_daily_volume.platform IS 'Platform of the embedded posts; (none) for pages that embed no post.';
COMMENT ON COLUMN report_daily_volume.pages IS 'Pages of that day and outlet embedding at least one post of that platform (or none, for (none)). A page embedding two platforms counts under each.';
COMMENT ON COLUMN report_daily_volume.embeds IS 'Places where those pages embed a post of that platform (article_posts rows).';
COMMENT ON COLUMN report_daily_volume.posts IS 'Distinct posts of that platform those pages embed.';
