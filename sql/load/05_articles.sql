-- Pages. d_articles: one row per page of the batch (the latest read; first_seen_at the earliest), a view.
-- a_articles: those rows, each with what the load does to it (inserted, updated, unchanged) for the run's counts,
-- the stored row it matches (target_row, its rowid) and what of that row changes (`change`: 'fields', 'times' when
-- only first/last seen move, null when nothing): the one join of the batch with the table, reading only the stored
-- rows of the batch's keys. Then new pages are inserted, and the matched rows that change are updated by rowid (the
-- scan skips what lies outside the matched rows' rowid range): content replaced only by a read at least as recent as
-- the stored one (an older read only widens first_seen_at).
CREATE OR REPLACE TEMP VIEW d_articles AS
SELECT * REPLACE (min(first_seen_at) OVER (PARTITION BY article_id) AS first_seen_at,
                  max(seen_at) OVER (PARTITION BY article_id) AS seen_at)
FROM s_articles
QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY seen_at DESC, source DESC) = 1;

-- The stored rows of the batch's pages are found by key alone (the join reads article_id only), then read whole by
-- rowid (a rowid join reads only the row groups holding them): a join reading every stored page's columns, bodies
-- included, made each load's cost grow with the table (measured: 21 → 61 ms per 100-page batch over a 30,000-page
-- run).
CREATE OR REPLACE TEMP TABLE a_articles AS
WITH matched AS (
    SELECT t.rowid AS stored_row FROM articles t SEMI JOIN d_articles s USING (article_id)
), stored AS (
    SELECT t.rowid AS stored_row, t.* FROM articles t SEMI JOIN matched m ON t.rowid = m.stored_row
), compared AS (
    SELECT s.*, t.stored_row AS target_row,
           CASE WHEN t.article_id IS NULL THEN 'inserted'
                WHEN s.seen_at >= t.last_seen_at
                 AND (s.url, s.canonical_url, s.site, s.title, s.authors, s.published_at, s.modified_at, s.language,
                      s.is_liveblog, s.coverage_end_at, s.headings, s.body_text, s.content_hash, s.charset_guessed,
                      s.published_offset_minutes)
                     IS DISTINCT FROM
                     (t.url, t.canonical_url, t.site, t.title, t.authors, t.published_at, t.modified_at, t.language,
                      t.is_liveblog, t.coverage_end_at, t.headings, t.body_text, t.content_hash, t.charset_guessed,
                      t.published_offset_minutes)
                     THEN 'updated'
                ELSE 'unchanged' END AS action,
           s.seen_at > t.last_seen_at OR s.first_seen_at < t.first_seen_at AS times_move
    FROM d_articles s LEFT JOIN stored t USING (article_id)
)
SELECT * EXCLUDE (times_move),
       CASE WHEN action = 'updated' THEN 'fields' WHEN action = 'unchanged' AND times_move THEN 'times' END AS change
FROM compared;

INSERT INTO articles (
    article_id, url, canonical_url, site, title, authors, published_at, modified_at, language, is_liveblog,
    coverage_end_at, headings, body_text, content_hash, source, first_seen_at, last_seen_at, charset_guessed,
    published_offset_minutes
)
SELECT article_id, url, canonical_url, site, title, authors, published_at, modified_at, language, is_liveblog,
       coverage_end_at, headings, body_text, content_hash, source, first_seen_at, seen_at, charset_guessed,
       published_offset_minutes
FROM a_articles WHERE action = 'inserted';

-- 'updated' is a read at least as recent as the stored one with other content: its values are taken.
UPDATE articles t SET
    url = s.url, canonical_url = s.canonical_url, site = s.site, title = s.title, authors = s.authors,
    published_at = s.published_at, modified_at = s.modified_at, language = s.language, is_liveblog = s.is_liveblog,
    coverage_end_at = s.coverage_end_at, headings = s.headings, body_text = s.body_text,
    content_hash = s.content_hash, source = s.source, charset_guessed = s.charset_guessed,
    published_offset_minutes = s.published_offset_minutes,
    first_seen_at = least(s.first_seen_at, t.first_seen_at), last_seen_at = s.seen_at
FROM a_articles s
WHERE t.rowid = s.target_row AND s.change = 'fields';

UPDATE articles t SET
    first_seen_at = least(s.first_seen_at, t.first_seen_at), last_seen_at = greatest(s.seen_at, t.last_seen_at)
FROM a_articles s
WHERE t.rowid = s.target_row AND s.change = 'times';
