-- Every post of an account: the platform ($1) and the handle ($2, lower case, any case stored).
SELECT post_id, platform, native_id, author_handle, posted_at, text, url, first_seen_at
FROM social_posts WHERE platform = $1 AND lower(author_handle) = $2;
