-- Posts that only the purged pages (table purge_articles) embed: they go with the pages.
SELECT p.post_id, p.platform, p.native_id, p.author_handle, p.posted_at, p.text, p.url, p.first_seen_at
FROM social_posts p
WHERE p.post_id IN (SELECT post_id FROM article_posts WHERE article_id IN (SELECT article_id FROM purge_articles))
  AND p.post_id NOT IN (SELECT post_id FROM article_posts
                        WHERE article_id NOT IN (SELECT article_id FROM purge_articles));
