-- The posts a post request names by address (table purge_wanted(value): the URL as given and its canonical form).
SELECT post_id, platform, native_id, author_handle, posted_at, text, url, first_seen_at
FROM social_posts WHERE url IN (SELECT value FROM purge_wanted);
