-- How far each post travelled: how many outlets and pages embedded it, who was first and how fast, and how many
-- pages showed it inside an embedded post that quotes it (post_relations).
CREATE OR REPLACE VIEW report_post_reach AS
WITH ranked AS (
    SELECT *, row_number() OVER (PARTITION BY post_id ORDER BY embedded_at, outlet, article_id) AS nth
    FROM report_post_embeds
),
embedded AS (
    SELECT
        r.post_id,
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
    GROUP BY r.post_id
),
quoted AS (
    SELECT
        q.related_post_id AS post_id,
        count(DISTINCT q.post_id) AS quoted_by_posts,
        count(DISTINCT e.article_id) AS quoted_pages,
        count(DISTINCT e.outlet) AS quoted_outlets
    FROM post_relations q
    JOIN report_post_embeds e ON e.post_id = q.post_id
    WHERE q.kind = 'quote'
    GROUP BY q.related_post_id
),
reached AS (
    SELECT post_id FROM embedded
    UNION
    SELECT post_id FROM quoted
)
SELECT
    s.post_id,
    s.platform,
    s.author_handle,
    s.posted_at,
    coalesce(e.outlets, 0) AS outlets,
    coalesce(e.pages, 0) AS pages,
    coalesce(e.embeds, 0) AS embeds,
    e.first_outlet,
    e.first_article_id,
    e.first_embedded_at,
    e.last_embedded_at,
    e.first_embedded_at_basis,
    e.first_lag_minutes,
    e.median_lag_minutes,
    coalesce(q.quoted_by_posts, 0) AS quoted_by_posts,
    coalesce(q.quoted_pages, 0) AS quoted_pages,
    coalesce(q.quoted_outlets, 0) AS quoted_outlets
FROM reached
JOIN social_posts s USING (post_id)
LEFT JOIN embedded e USING (post_id)
LEFT JOIN quoted q USING (post_id);
COMMENT ON VIEW report_post_reach IS 'One row per post embedded by a page or quoted by an embedded post: how many outlets and pages embedded it, which outlet did first and how long after the post (lags per embed in report_post_embeds), and how many embedded posts, pages and outlets showed it quoted.';
COMMENT ON COLUMN report_post_reach.post_id IS 'The post.';
COMMENT ON COLUMN report_post_reach.platform IS 'The post''s platform.';
COMMENT ON COLUMN report_post_reach.author_handle IS 'The post''s author handle without @.';
COMMENT ON COLUMN report_post_reach.posted_at IS 'When the post was published (UTC).';
COMMENT ON COLUMN report_post_reach.outlets IS 'Distinct outlets embedding the post (0 for a post only quoted).';
COMMENT ON COLUMN report_post_reach.pages IS 'Distinct pages embedding the post (0 for a post only quoted).';
COMMENT ON COLUMN report_post_reach.embeds IS 'Places embedding the post (a page embedding it twice counts twice).';
COMMENT ON COLUMN report_post_reach.first_outlet IS 'The outlet of the earliest embed (by embedded_at; ties by outlet name); null for a post only quoted, like the other first_ and last_ columns and the lags.';
COMMENT ON COLUMN report_post_reach.first_article_id IS 'The page of the earliest embed.';
COMMENT ON COLUMN report_post_reach.first_embedded_at IS 'When the post was first embedded (UTC).';
COMMENT ON COLUMN report_post_reach.last_embedded_at IS 'When the post was last embedded (UTC).';
COMMENT ON COLUMN report_post_reach.first_embedded_at_basis IS 'Which time first_embedded_at is: entry, page, or first_seen (the page gives no time; the lag is then only an upper bound).';
COMMENT ON COLUMN report_post_reach.first_lag_minutes IS 'Minutes from the post to its first embed.';
COMMENT ON COLUMN report_post_reach.median_lag_minutes IS 'Median minutes from the post to each of its embeds.';
COMMENT ON COLUMN report_post_reach.quoted_by_posts IS 'Embedded posts that quote the post (post_relations kind quote).';
COMMENT ON COLUMN report_post_reach.quoted_pages IS 'Distinct pages embedding a post that quotes the post: pages that showed it quoted, whether or not they embedded it too.';
COMMENT ON COLUMN report_post_reach.quoted_outlets IS 'Distinct outlets of those pages.';
