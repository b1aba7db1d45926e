-- One staged row per key (no named windows: DuckDB 1.5 rejects a second "WINDOW w" in one multi-statement call).
-- (DuckDB keeps an arbitrary one of two same-key rows in ON CONFLICT and MERGE fails on
-- them). Content comes from the latest read; first_seen_at is the earliest of the rows.
CREATE OR REPLACE TEMP TABLE d_articles AS
SELECT * REPLACE (min(first_seen_at) OVER (PARTITION BY article_id) AS first_seen_at, max(seen_at) OVER (PARTITION BY article_id) AS seen_at)
FROM s_articles
QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY seen_at DESC, source DESC) = 1;

-- A post seen in several places: each field from the best place that has it (native id first, then the most
-- precise time, then the latest read).
CREATE OR REPLACE TEMP TABLE d_posts AS
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

CREATE OR REPLACE TEMP TABLE d_items AS
SELECT * REPLACE (min(first_seen_at) OVER (PARTITION BY item_id) AS first_seen_at, max(seen_at) OVER (PARTITION BY item_id) AS seen_at)
FROM s_items
QUALIFY row_number() OVER (PARTITION BY item_id ORDER BY seen_at DESC, position) = 1;

CREATE OR REPLACE TEMP TABLE d_article_posts AS
SELECT * REPLACE (min(first_seen_at) OVER (PARTITION BY article_id, post_id, occurrence) AS first_seen_at, max(seen_at) OVER (PARTITION BY article_id, post_id, occurrence) AS seen_at)
FROM s_article_posts
QUALIFY row_number() OVER (PARTITION BY article_id, post_id, occurrence ORDER BY seen_at DESC, position) = 1;

CREATE OR REPLACE TEMP TABLE d_entities AS
SELECT post_id, kind, value, max(seen_at) AS seen_at, min(first_seen_at) AS first_seen_at
FROM s_entities
GROUP BY post_id, kind, value;

CREATE OR REPLACE TEMP TABLE d_quotes AS
SELECT * REPLACE (min(first_seen_at) OVER (PARTITION BY quote_id) AS first_seen_at, max(seen_at) OVER (PARTITION BY quote_id) AS seen_at)
FROM s_quotes
QUALIFY row_number() OVER (PARTITION BY quote_id ORDER BY seen_at DESC, position) = 1;
