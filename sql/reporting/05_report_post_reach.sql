-- How far each post travelled: how many outlets and pages embedded it, who was first and how fast.
CREATE OR REPLACE VIEW report_post_reach AS
WITH ranked AS (
    SELECT *, row_number() OVER (PARTITION BY post_id ORDER BY embedded_at, outlet, article_id) AS nth
    FROM report_post_embeds
)
SELECT
    r.post_id,
    any_value(r.platform) AS platform,
    any_value(r.author_handle) AS author_handle,
    any_value(r.posted_at) AS posted_at,
    count(DISTINCT r.outlet) AS outlets,
    count(DISTINCT r.article_id) AS pages,
    count(*) AS embeds,
    any_value(r.outlet) FILTER (WHERE r.nth = 1) AS first_outlet,
    any_value(r.article_id) FILTER (WHERE r.nth = 1) AS first_article_id,
    min(r.embedded_at) AS first_embedded_at,
    max(r.embedded_at) AS last_embedded_at,
    any_value(r.embedded_at_basis) FILTER (WHERE r.nth = 1) AS first_embedded_at_basis,
    any_value(r.lag_minutes) FILTER (WHERE r.nth = 1) AS first_lag_minutes,
    median(r.lag_minutes) AS median_lag_minutes
FROM ranked r
GROUP BY r.post_id;
COMMENT ON VIEW report_post_reach IS 'One row per embedded post: how many outlets and pages embedded it, which outlet did first, and how long after the post (lags per embed in report_post_embeds).';
COMMENT ON COLUMN report_post_reach.post_id IS 'The post.';
COMMENT ON COLUMN report_post_reach.platform IS 'The post''s platform.';
COMMENT ON COLUMN report_post_reach.author_handle IS 'The post''s author handle without @.';
COMMENT ON COLUMN report_post_reach.posted_at IS 'When the post was published (UTC).';
COMMENT ON COLUMN report_post_reach.outlets IS 'Distinct outlets embedding the post.';
COMMENT ON COLUMN report_post_reach.pages IS 'Distinct pages embedding the post.';
COMMENT ON COLUMN report_post_reach.embeds IS 'Places embedding the post (a page embedding it twice counts twice).';
COMMENT ON COLUMN report_post_reach.first_outlet IS 'The outlet of the earliest embed (by embedded_at; ties by outlet name).';
COMMENT ON COLUMN report_post_reach.first_article_id IS 'The page of the earliest embed.';
COMMENT ON COLUMN report_post_reach.first_embedded_at IS 'When the post was first embedded (UTC).';
COMMENT ON COLUMN report_post_reach.last_embedded_at IS 'When the post was last embedded (UTC).';
COMMENT ON COLUMN report_post_reach.first_embedded_at_basis IS 'Which time first_embedded_at is: entry, page, or first_seen (the page gives no time; the lag is then only an upper bound).';
COMMENT ON COLUMN report_post_reach.first_lag_minutes IS 'Minutes from the post to its first embed.';
COMMENT ON COLUMN report_post_reach.median_lag_minutes IS 'Median minutes from the post to each of its embeds.';
