-- Report page: posts per day for the 8 hashtags used by most posts, over the 30 most recent days with any.
WITH top AS (
    SELECT hashtag, any_value(spelling) AS spelling, sum(posts) AS total
    FROM report_hashtags_daily GROUP BY hashtag ORDER BY total DESC, hashtag LIMIT 8
),
days AS (SELECT DISTINCT post_date FROM report_hashtags_daily ORDER BY post_date DESC LIMIT 30)
SELECT h.post_date, t.spelling AS hashtag, h.posts
FROM report_hashtags_daily h JOIN top t USING (hashtag) JOIN days USING (post_date)
ORDER BY h.post_date, t.total DESC, t.hashtag;
