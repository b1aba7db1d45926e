-- daily_post_volume: one row per UTC day, site and platform, from the social posts the pages of that site embed.
--   day        the day the post was posted (UTC; NULL when the page gave no date for it)
--   site       the embedding page's site (articles.site)
--   platform   x, bluesky, mastodon, … (social_posts.platform)
--   posts      distinct posts embedded by that site that day
--   embeds     places those posts are embedded (a post embedded twice on one page counts twice)
--   pages      distinct pages of that site embedding them
-- A view, so it is always as fresh as the last published load; threadline_report re-creates it after each load.
CREATE OR REPLACE VIEW daily_post_volume AS
SELECT
    CAST(timezone('UTC', p.posted_at) AS DATE) AS day,
    a.site,
    p.platform,
    count(DISTINCT p.post_id) AS posts,
    count(*) AS embeds,
    count(DISTINCT ap.article_id) AS pages
FROM article_posts AS ap
JOIN articles AS a ON a.article_id = ap.article_id
JOIN social_posts AS p ON p.post_id = ap.post_id
GROUP BY ALL
ORDER BY day NULLS LAST, site, platform;
