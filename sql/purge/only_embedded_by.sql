-- Posts that only the purged pages (table purge_articles) hold: those only they embed, and the posts that only those
-- quote, reply to or repost (post_relations; a quoted post has no place of its own on a page).
WITH only_here AS (
    SELECT post_id FROM article_posts WHERE article_id IN (SELECT article_id FROM purge_articles)
    EXCEPT
    SELECT post_id FROM article_posts WHERE article_id NOT IN (SELECT article_id FROM purge_articles)
), related_only AS (
    SELECT related_post_id AS post_id FROM post_relations WHERE post_id IN (SELECT post_id FROM only_here)
    EXCEPT
    SELECT post_id FROM article_posts
    EXCEPT
    SELECT related_post_id FROM post_relations WHERE post_id NOT IN (SELECT post_id FROM only_here)
)
SELECT p.post_id, p.platform, p.native_id, p.author_handle, p.posted_at, p.text, p.url, p.first_seen_at
FROM social_posts p
WHERE p.post_id IN (SELECT post_id FROM only_here UNION SELECT post_id FROM related_only);
