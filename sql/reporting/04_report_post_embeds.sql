-- Each place a page embeds a post, with when it did and how long after the post that was.
CREATE OR REPLACE VIEW report_post_embeds AS
SELECT
    ap.post_id,
    s.platform,
    s.author_handle,
    s.posted_at,
    s.posted_at_precision,
    ap.article_id,
    p.outlet,
    ap.occurrence,
    coalesce(e.published_at, a.published_at, ap.first_seen_at) AS embedded_at,
    CASE WHEN e.published_at IS NOT NULL THEN 'entry'
         WHEN a.published_at IS NOT NULL THEN 'page'
         ELSE 'first_seen' END AS embedded_at_basis,
    round((epoch(coalesce(e.published_at, a.published_at, ap.first_seen_at)) - epoch(s.posted_at)) / 60.0, 1)
        AS lag_minutes
FROM article_posts ap
JOIN social_posts s ON s.post_id = ap.post_id
JOIN articles a ON a.article_id = ap.article_id
JOIN report_pages p ON p.article_id = ap.article_id
LEFT JOIN update_items e ON e.item_id = ap.item_id;
COMMENT ON VIEW report_post_embeds IS 'One row per place a page embeds a post (article_posts), with when the page embedded it and the lag from the post''s own time.';
COMMENT ON COLUMN report_post_embeds.post_id IS 'The embedded post.';
COMMENT ON COLUMN report_post_embeds.platform IS 'The post''s platform.';
COMMENT ON COLUMN report_post_embeds.author_handle IS 'The post''s author handle without @.';
COMMENT ON COLUMN report_post_embeds.posted_at IS 'When the post was published (UTC).';
COMMENT ON COLUMN report_post_embeds.posted_at_precision IS 'How precise posted_at is (day, minute, second, millisecond): with day, lag_minutes is only good to a day.';
COMMENT ON COLUMN report_post_embeds.article_id IS 'The embedding page.';
COMMENT ON COLUMN report_post_embeds.outlet IS 'The embedding page''s outlet.';
COMMENT ON COLUMN report_post_embeds.occurrence IS '1 for the post''s first place on the page, 2 for its second, …';
COMMENT ON COLUMN report_post_embeds.embedded_at IS 'When the page embedded the post: the live-blog entry''s time, else the page''s publication time, else when a run first saw the embed (UTC).';
COMMENT ON COLUMN report_post_embeds.embedded_at_basis IS 'Which time embedded_at is: entry, page or first_seen.';
COMMENT ON COLUMN report_post_embeds.lag_minutes IS 'Minutes from posted_at to embedded_at (negative when the page''s time is earlier than the post''s, e.g. a page updated without a new time).';
