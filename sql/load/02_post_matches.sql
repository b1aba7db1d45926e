-- Posts known only from flattened text (platform:h:…) that are the same post as one with a native id:
-- same platform, author handle (case-insensitive), posted day ±1 (when the text gave a day) and normalised text.
-- One side is always in the batch: the batch's text posts against the batch's and the warehouse's native posts,
-- and the batch's native posts against the warehouse's text posts. The warehouse is only probed with the batch's
-- (platform, handle, text key): no pass over all of social_posts is aggregated or sorted. One native post per
-- text post, the nearest day first.
WITH batch_posts AS (
    SELECT DISTINCT post_id, platform, lower(author_handle) AS handle, posted_at, text_key, native_id IS NULL AS text_only
    FROM s_posts WHERE text_key IS NOT NULL
), stored AS (
    SELECT p.post_id, p.platform, lower(p.author_handle) AS handle, p.posted_at, p.text_key,
           p.native_id IS NULL AS text_only
    FROM social_posts p
    SEMI JOIN (SELECT DISTINCT platform, text_key FROM batch_posts) b
           ON p.platform = b.platform AND p.text_key = b.text_key
), text_posts AS (
    SELECT * FROM batch_posts WHERE text_only
    UNION
    SELECT s.* FROM stored s WHERE s.text_only AND EXISTS (
        SELECT 1 FROM batch_posts b WHERE NOT b.text_only AND b.platform = s.platform AND b.text_key = s.text_key)
), native_posts AS (
    SELECT * FROM batch_posts WHERE NOT text_only
    UNION
    SELECT s.* FROM stored s WHERE NOT s.text_only AND EXISTS (
        SELECT 1 FROM batch_posts b WHERE b.text_only AND b.platform = s.platform AND b.text_key = s.text_key)
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
