-- Pages. d_articles: one row per page of the batch (the latest read; first_seen_at the earliest), a view.
-- a_articles: what the merge does to each (inserted, updated, unchanged), for the run's counts; it reads only the
-- stored rows of the batch's keys. The MERGE: new pages inserted; content replaced only by a read at least as
-- recent as the stored one (an older read only widens first_seen_at).
CREATE OR REPLACE TEMP VIEW d_articles AS
SELECT * REPLACE (min(first_seen_at) OVER (PARTITION BY article_id) AS first_seen_at,
                  max(seen_at) OVER (PARTITION BY article_id) AS seen_at)
FROM s_articles
QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY seen_at DESC, source DESC) = 1;

CREATE OR REPLACE TEMP TABLE a_articles AS
SELECT s.article_id,
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
            ELSE 'unchanged' END AS action
FROM d_articles s LEFT JOIN articles t USING (article_id);

MERGE INTO articles t USING (SELECT d.*, a.action FROM d_articles d JOIN a_articles a USING (article_id)) s
    ON t.article_id = s.article_id
-- One UPDATE action, with the choice per column: DuckLake's MERGE takes a single UPDATE action. A newer read's
-- values are taken (equal ones change nothing); `source` only when the content changed (a_articles' 'updated').
WHEN MATCHED THEN UPDATE SET
    url = CASE WHEN s.seen_at >= t.last_seen_at THEN s.url ELSE t.url END,
    canonical_url = CASE WHEN s.seen_at >= t.last_seen_at THEN s.canonical_url ELSE t.canonical_url END,
    site = CASE WHEN s.seen_at >= t.last_seen_at THEN s.site ELSE t.site END,
    title = CASE WHEN s.seen_at >= t.last_seen_at THEN s.title ELSE t.title END,
    authors = CASE WHEN s.seen_at >= t.last_seen_at THEN s.authors ELSE t.authors END,
    published_at = CASE WHEN s.seen_at >= t.last_seen_at THEN s.published_at ELSE t.published_at END,
    modified_at = CASE WHEN s.seen_at >= t.last_seen_at THEN s.modified_at ELSE t.modified_at END,
    language = CASE WHEN s.seen_at >= t.last_seen_at THEN s.language ELSE t.language END,
    is_liveblog = CASE WHEN s.seen_at >= t.last_seen_at THEN s.is_liveblog ELSE t.is_liveblog END,
    coverage_end_at = CASE WHEN s.seen_at >= t.last_seen_at THEN s.coverage_end_at ELSE t.coverage_end_at END,
    headings = CASE WHEN s.seen_at >= t.last_seen_at THEN s.headings ELSE t.headings END,
    body_text = CASE WHEN s.seen_at >= t.last_seen_at THEN s.body_text ELSE t.body_text END,
    content_hash = CASE WHEN s.seen_at >= t.last_seen_at THEN s.content_hash ELSE t.content_hash END,
    source = CASE WHEN s.action = 'updated' THEN s.source ELSE t.source END,
    charset_guessed = CASE WHEN s.seen_at >= t.last_seen_at THEN s.charset_guessed ELSE t.charset_guessed END,
    published_offset_minutes = CASE WHEN s.seen_at >= t.last_seen_at THEN s.published_offset_minutes
                                    ELSE t.published_offset_minutes END,
    first_seen_at = least(s.first_seen_at, t.first_seen_at), last_seen_at = greatest(s.seen_at, t.last_seen_at)
WHEN NOT MATCHED THEN INSERT (
    article_id, url, canonical_url, site, title, authors, published_at, modified_at, language, is_liveblog,
    coverage_end_at, headings, body_text, content_hash, source, first_seen_at, last_seen_at, charset_guessed,
    published_offset_minutes
) VALUES (
    s.article_id, s.url, s.canonical_url, s.site, s.title, s.authors, s.published_at, s.modified_at, s.language,
    s.is_liveblog, s.coverage_end_at, s.headings, s.body_text, s.content_hash, s.source, s.first_seen_at, s.seen_at,
    s.charset_guessed, s.published_offset_minutes
);
