-- Posts worth asking their platform about (parameters: re-check posts found gone before this time; at most this
-- many): those with a native id never asked, then those found unavailable long enough ago; most recently seen first.
SELECT platform, native_id, url, author_name, author_handle, posted_at, posted_at_precision, text, language, status,
       checked_at
FROM social_posts
WHERE native_id IS NOT NULL
  AND (status = 'unchecked' OR (status = 'unavailable' AND checked_at < ?))
ORDER BY status = 'unavailable', last_seen_at DESC, post_id
LIMIT ?;
