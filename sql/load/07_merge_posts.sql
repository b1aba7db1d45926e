-- Posts: each field keeps the best value known (a native id, the more precise time, a non-empty text);
-- a parse never downgrades a status that enrichment set.
CREATE OR REPLACE TEMP TABLE m_posts AS
WITH merged AS (
    SELECT s.post_id, s.platform,
           coalesce(s.native_id, t.native_id) AS native_id,
           coalesce(s.author_name, t.author_name) AS author_name,
           coalesce(s.author_handle, t.author_handle) AS author_handle,
           CASE WHEN t.posted_at IS NULL
                  OR coalesce(list_position(['day', 'minute', 'second', 'millisecond'], s.posted_at_precision), 0)
                  >= coalesce(list_position(['day', 'minute', 'second', 'millisecond'], t.posted_at_precision), 0)
                THEN coalesce(s.posted_at, t.posted_at) ELSE t.posted_at END AS posted_at,
           CASE WHEN t.posted_at IS NULL
                  OR coalesce(list_position(['day', 'minute', 'second', 'millisecond'], s.posted_at_precision), 0)
                  >= coalesce(list_position(['day', 'minute', 'second', 'millisecond'], t.posted_at_precision), 0)
                THEN coalesce(s.posted_at_precision, t.posted_at_precision) ELSE t.posted_at_precision END
               AS posted_at_precision,
           coalesce(s.text, t.text) AS text,
           coalesce(s.text_key, t.text_key) AS text_key,
           coalesce(s.url, t.url) AS url,
           coalesce(s.language, t.language) AS language,
           CASE WHEN s.checked_at IS NOT NULL AND (t.checked_at IS NULL OR s.checked_at >= t.checked_at)
                THEN s.status ELSE coalesce(t.status, s.status) END AS status,
           greatest(s.checked_at, t.checked_at) AS checked_at,
           least(s.first_seen_at, t.first_seen_at) AS first_seen_at,
           greatest(s.seen_at, t.last_seen_at) AS last_seen_at,
           t.post_id IS NULL AS is_new,
           (t.native_id, t.author_name, t.author_handle, t.posted_at, t.posted_at_precision, t.text, t.url,
            t.language, t.status) AS before
    FROM d_posts s LEFT JOIN social_posts t USING (post_id)
)
SELECT * EXCLUDE (is_new, before),
       CASE WHEN is_new THEN 'inserted'
            WHEN (native_id, author_name, author_handle, posted_at, posted_at_precision, text, url, language, status)
                 IS DISTINCT FROM before THEN 'updated'
            ELSE 'unchanged' END AS action
FROM merged;

MERGE INTO social_posts t USING m_posts s ON t.post_id = s.post_id
WHEN MATCHED THEN UPDATE SET
    native_id = s.native_id, author_name = s.author_name, author_handle = s.author_handle, posted_at = s.posted_at,
    posted_at_precision = s.posted_at_precision, text = s.text, text_key = s.text_key, url = s.url,
    language = s.language, status = s.status, checked_at = s.checked_at,
    first_seen_at = s.first_seen_at, last_seen_at = s.last_seen_at
WHEN NOT MATCHED THEN INSERT (
    post_id, platform, native_id, author_name, author_handle, posted_at, posted_at_precision, text, text_key, url,
    language, status, checked_at, first_seen_at, last_seen_at
) VALUES (
    s.post_id, s.platform, s.native_id, s.author_name, s.author_handle, s.posted_at, s.posted_at_precision, s.text,
    s.text_key, s.url, s.language, s.status, s.checked_at, s.first_seen_at, s.last_seen_at
);
