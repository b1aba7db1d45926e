-- Posts. d_posts: one row per post of the batch, a view: a post seen in several places takes each field from the
-- best place that has it (native id first, then the most precise time, then the latest read).
-- a_posts: those rows with what the load does to each (as a_articles, 05_articles.sql): new posts inserted, matched
-- ones that change updated by rowid, each field keeping the best value known (a native id, the more precise time, a
-- non-empty text); a parse never downgrades a status that enrichment set.
CREATE OR REPLACE TEMP VIEW d_posts AS
WITH ranked AS (
    SELECT *,
           (native_id IS NOT NULL,
            coalesce(list_position(['day', 'minute', 'second', 'millisecond'], posted_at_precision), 0),
            seen_at) AS quality
    FROM s_posts
)
SELECT post_id,
       any_value(platform) AS platform,
       max(native_id) AS native_id,
       arg_max(author_name, quality) FILTER (WHERE author_name IS NOT NULL) AS author_name,
       arg_max(author_handle, quality) FILTER (WHERE author_handle IS NOT NULL) AS author_handle,
       arg_max(posted_at, quality) FILTER (WHERE posted_at IS NOT NULL) AS posted_at,
       arg_max(posted_at_precision, quality) FILTER (WHERE posted_at IS NOT NULL) AS posted_at_precision,
       arg_max(text, quality) FILTER (WHERE text IS NOT NULL) AS text,
       arg_max(text_key, quality) FILTER (WHERE text IS NOT NULL) AS text_key,
       arg_max(url, quality) FILTER (WHERE url IS NOT NULL) AS url,
       arg_max(language, quality) FILTER (WHERE language IS NOT NULL) AS language,
       coalesce(arg_max(status, checked_at) FILTER (WHERE checked_at IS NOT NULL), 'unchecked') AS status,
       max(checked_at) AS checked_at,
       max(seen_at) AS seen_at,
       min(first_seen_at) AS first_seen_at
FROM ranked
GROUP BY post_id;

-- How a stored post and the batch's combine (a_posts and the UPDATE agree): the batch's time and precision are
-- taken unless the stored time is more precise; the status of the latest check wins.
CREATE OR REPLACE TEMP MACRO takes_time(s_precision, t_posted_at, t_precision) AS
    t_posted_at IS NULL
    OR coalesce(list_position(['day', 'minute', 'second', 'millisecond'], s_precision), 0)
       >= coalesce(list_position(['day', 'minute', 'second', 'millisecond'], t_precision), 0);
CREATE OR REPLACE TEMP MACRO merged_status(s_status, s_checked_at, t_status, t_checked_at) AS
    CASE WHEN s_checked_at IS NOT NULL AND (t_checked_at IS NULL OR s_checked_at >= t_checked_at)
         THEN s_status ELSE coalesce(t_status, s_status) END;

-- The stored rows of the batch's posts are found by key alone (the join reads post_id only), then read whole by rowid
-- (a rowid join reads only the row groups holding them): a join reading every stored post's columns made each load's
-- cost grow with the table.
CREATE OR REPLACE TEMP TABLE a_posts AS
WITH matched AS (
    SELECT t.rowid AS stored_row FROM social_posts t SEMI JOIN d_posts s USING (post_id)
), stored AS (
    SELECT t.rowid AS stored_row, t.* FROM social_posts t SEMI JOIN matched m ON t.rowid = m.stored_row
), compared AS (
    SELECT s.*, t.stored_row AS target_row, t.post_id IS NULL AS new,
           (coalesce(s.native_id, t.native_id), coalesce(s.author_name, t.author_name),
            coalesce(s.author_handle, t.author_handle),
            CASE WHEN takes_time(s.posted_at_precision, t.posted_at, t.posted_at_precision)
                 THEN coalesce(s.posted_at, t.posted_at) ELSE t.posted_at END,
            CASE WHEN takes_time(s.posted_at_precision, t.posted_at, t.posted_at_precision)
                 THEN coalesce(s.posted_at_precision, t.posted_at_precision) ELSE t.posted_at_precision END,
            coalesce(s.text, t.text), coalesce(s.url, t.url), coalesce(s.language, t.language),
            merged_status(s.status, s.checked_at, t.status, t.checked_at))
           IS DISTINCT FROM
           (t.native_id, t.author_name, t.author_handle, t.posted_at, t.posted_at_precision, t.text, t.url,
            t.language, t.status) AS fields_differ,
           -- what the counts leave out: the text key follows the text, the latest check's time
           (coalesce(s.text_key, t.text_key), greatest(s.checked_at, t.checked_at))
           IS DISTINCT FROM (t.text_key, t.checked_at) AS others_differ,
           s.seen_at > t.last_seen_at OR s.first_seen_at < t.first_seen_at AS times_move
    FROM d_posts s LEFT JOIN stored t USING (post_id)
)
SELECT * EXCLUDE (new, fields_differ, others_differ, times_move),
       CASE WHEN new THEN 'inserted' WHEN fields_differ THEN 'updated' ELSE 'unchanged' END AS action,
       CASE WHEN new THEN NULL WHEN fields_differ OR others_differ THEN 'fields' WHEN times_move THEN 'times' END
           AS change
FROM compared;

INSERT INTO social_posts (
    post_id, platform, native_id, author_name, author_handle, posted_at, posted_at_precision, text, text_key, url,
    language, status, checked_at, first_seen_at, last_seen_at
)
SELECT post_id, platform, native_id, author_name, author_handle, posted_at, posted_at_precision, text, text_key, url,
       language, status, checked_at, first_seen_at, seen_at
FROM a_posts WHERE action = 'inserted';

UPDATE social_posts t SET
    native_id = coalesce(s.native_id, t.native_id),
    author_name = coalesce(s.author_name, t.author_name),
    author_handle = coalesce(s.author_handle, t.author_handle),
    posted_at = CASE WHEN takes_time(s.posted_at_precision, t.posted_at, t.posted_at_precision)
                     THEN coalesce(s.posted_at, t.posted_at) ELSE t.posted_at END,
    posted_at_precision = CASE WHEN takes_time(s.posted_at_precision, t.posted_at, t.posted_at_precision)
                               THEN coalesce(s.posted_at_precision, t.posted_at_precision)
                               ELSE t.posted_at_precision END,
    text = coalesce(s.text, t.text),
    text_key = coalesce(s.text_key, t.text_key),
    url = coalesce(s.url, t.url),
    language = coalesce(s.language, t.language),
    status = merged_status(s.status, s.checked_at, t.status, t.checked_at),
    checked_at = greatest(s.checked_at, t.checked_at),
    first_seen_at = least(s.first_seen_at, t.first_seen_at),
    last_seen_at = greatest(s.seen_at, t.last_seen_at)
FROM a_posts s
WHERE t.rowid = s.target_row AND s.change = 'fields';

UPDATE social_posts t SET
    first_seen_at = least(s.first_seen_at, t.first_seen_at), last_seen_at = greatest(s.seen_at, t.last_seen_at)
FROM a_posts s
WHERE t.rowid = s.target_row AND s.change = 'times';
