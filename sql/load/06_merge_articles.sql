-- Pages: new ones inserted; content replaced only by a read at least as recent as the stored one.
CREATE OR REPLACE TEMP TABLE m_articles AS
SELECT s.*,
       CASE WHEN t.article_id IS NULL THEN 'inserted'
            WHEN s.seen_at >= t.last_seen_at
             AND (s.url, s.canonical_url, s.site, s.title, s.authors, s.published_at, s.modified_at, s.language,
                  s.is_liveblog, s.coverage_end_at, s.headings, s.body_text, s.content_hash)
                 IS DISTINCT FROM
                 (t.url, t.canonical_url, t.site, t.title, t.authors, t.published_at, t.modified_at, t.language,
                  t.is_liveblog, t.coverage_end_at, t.headings, t.body_text, t.content_hash) THEN 'updated'
            ELSE 'unchanged' END AS action,
       least(s.first_seen_at, t.first_seen_at) AS new_first_seen_at,
       greatest(s.seen_at, t.last_seen_at) AS new_last_seen_at
FROM d_articles s LEFT JOIN articles t USING (article_id);

MERGE INTO articles t USING m_articles s ON t.article_id = s.article_id
WHEN MATCHED AND s.action = 'updated' THEN UPDATE SET
    url = s.url, canonical_url = s.canonical_url, site = s.site, title = s.title, authors = s.authors,
    published_at = s.published_at, modified_at = s.modified_at, language = s.language, is_liveblog = s.is_liveblog,
    coverage_end_at = s.coverage_end_at, headings = s.headings, body_text = s.body_text, content_hash = s.content_hash, source = s.source,
    first_seen_at = s.new_first_seen_at, last_seen_at = s.new_last_seen_at
WHEN MATCHED THEN UPDATE SET first_seen_at = s.new_first_seen_at, last_seen_at = s.new_last_seen_at
WHEN NOT MATCHED THEN INSERT (
    article_id, url, canonical_url, site, title, authors, published_at, modified_at, language, is_liveblog,
    coverage_end_at, headings, body_text, content_hash, source, first_seen_at, last_seen_at
) VALUES (
    s.article_id, s.url, s.canonical_url, s.site, s.title, s.authors, s.published_at, s.modified_at, s.language,
    s.is_liveblog, s.coverage_end_at, s.headings, s.body_text, s.content_hash, s.source, s.first_seen_at, s.seen_at
);
