-- Posts known only from flattened text (platform:h:…) that are the same post as one with a native id:
-- same platform, author handle (case-insensitive), posted day ±1 (when the text gave a day) and normalised text.
-- Looks in the batch and in the warehouse on both sides; one native post per text post, the nearest day first.
WITH text_posts AS (
    SELECT post_id, platform, lower(author_handle) AS handle, posted_at, text_key FROM s_posts WHERE native_id IS NULL
    UNION
    SELECT post_id, platform, lower(author_handle), posted_at, text_key FROM social_posts WHERE native_id IS NULL
), native_posts AS (
    SELECT post_id, platform, lower(author_handle) AS handle, posted_at, text_key FROM s_posts WHERE native_id IS NOT NULL
    UNION
    SELECT post_id, platform, lower(author_handle), posted_at, text_key FROM social_posts WHERE native_id IS NOT NULL
)
SELECT t.post_id AS old_post_id, n.post_id AS new_post_id
FROM text_posts t
JOIN native_posts n
  ON n.platform = t.platform AND n.handle = t.handle AND n.text_key = t.text_key
 AND (t.posted_at IS NULL OR abs(date_diff('day', t.posted_at::DATE, n.posted_at::DATE)) <= 1)
QUALIFY row_number() OVER (
    PARTITION BY t.post_id
    ORDER BY abs(date_diff('day', t.posted_at::DATE, n.posted_at::DATE)) NULLS LAST, n.post_id
) = 1
ORDER BY old_post_id;
