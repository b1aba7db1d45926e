-- Posts that have gone unavailable (deleted, withheld) since newsrooms embedded them, and where they still appear.
CREATE OR REPLACE VIEW report_unavailable_posts AS
SELECT
    s.post_id,
    s.platform,
    s.author_handle,
    s.posted_at,
    s.url,
    s.checked_at,
    count(DISTINCT ap.article_id) AS pages,
    count(DISTINCT p.outlet) AS outlets,
    max(ap.last_seen_at) AS last_seen_embedded_at
FROM social_posts s
LEFT JOIN article_posts ap ON ap.post_id = s.post_id
LEFT JOIN report_pages p ON p.article_id = ap.article_id
WHERE s.status = 'unavailable'
GROUP BY s.post_id, s.platform, s.author_handle, s.posted_at, s.url, s.checked_at;
COMMENT ON VIEW report_unavailable_posts IS 'One row per post the platform reported gone or withheld when last checked, with the pages that still embed it.';
COMMENT ON COLUMN report_unavailable_posts.post_id IS 'The post.';
COMMENT ON COLUMN report_unavailable_posts.platform IS 'The post''s platform.';
COMMENT ON COLUMN report_unavailable_posts.author_handle IS 'The post''s author handle without @.';
COMMENT ON COLUMN report_unavailable_posts.posted_at IS 'When the post was published (UTC).';
COMMENT ON COLUMN report_unavailable_posts.url IS 'The post''s canonical URL.';
COMMENT ON COLUMN report_unavailable_posts.checked_at IS 'When the platform was last asked about the post (UTC).';
COMMENT ON COLUMN report_unavailable_posts.pages IS 'Pages embedding the post.';
COMMENT ON COLUMN report_unavailable_posts.outlets IS 'Distinct outlets embedding the post.';
COMMENT ON COLUMN report_unavailable_posts.last_seen_embedded_at IS 'When a run last saw a page embedding it (UTC).';
