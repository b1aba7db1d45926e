-- Hashtags over time: posts using each hashtag per day the posts were published.
CREATE OR REPLACE VIEW report_hashtags_daily AS
SELECT
    timezone('UTC', coalesce(s.posted_at, s.first_seen_at))::DATE AS post_date,
    lower(e.value) AS hashtag,
    any_value(e.value ORDER BY e.value) AS spelling,
    count(DISTINCT e.post_id) AS posts,
    count(DISTINCT ap.article_id) AS pages
FROM post_entities e
JOIN social_posts s ON s.post_id = e.post_id
LEFT JOIN article_posts ap ON ap.post_id = e.post_id
WHERE e.kind = 'hashtag'
GROUP BY ALL;
COMMENT ON VIEW report_hashtags_daily IS 'One row per day and hashtag: how many posts published that day used it and how many pages embed those posts.';
COMMENT ON COLUMN report_hashtags_daily.post_date IS 'The UTC day the posts were published (else first seen).';
COMMENT ON COLUMN report_hashtags_daily.hashtag IS 'The hashtag without #, lower-cased (#Gaza and #gaza are one).';
COMMENT ON COLUMN report_hashtags_daily.spelling IS 'One spelling of it as a post wrote it.';
COMMENT ON COLUMN report_hashtags_daily.posts IS 'Distinct posts of that day using the hashtag.';
COMMENT ON COLUMN report_hashtags_daily.pages IS 'Distinct pages embedding those posts.';
