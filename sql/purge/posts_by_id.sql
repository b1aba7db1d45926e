-- The posts a post request names (table purge_wanted(value): post ids), as stored.
SELECT post_id, platform, native_id, author_handle, posted_at, text, url, first_seen_at
FROM social_posts WHERE post_id IN (SELECT value FROM purge_wanted);
