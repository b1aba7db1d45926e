-- Which posts did pages show inside an embedded post that quotes them: who was quoted, by whom, how long after, on
-- which page, and whether the page embedded the quoted post itself too.
SELECT quoted.platform,
       quoted.author_handle AS quoted_author,
       quoted.post_id AS quoted_post,
       quoting.author_handle AS quoting_author,
       r.post_id AS quoting_post,
       round((epoch(quoting.posted_at) - epoch(quoted.posted_at)) / 60.0, 1) AS minutes_to_quote,
       e.outlet,
       e.article_id,
       EXISTS (SELECT 1 FROM article_posts ap WHERE ap.article_id = e.article_id AND ap.post_id = r.related_post_id)
           AS page_embeds_quoted_post
FROM post_relations r
JOIN social_posts quoted ON quoted.post_id = r.related_post_id
JOIN social_posts quoting ON quoting.post_id = r.post_id
JOIN report_post_embeds e ON e.post_id = r.post_id
WHERE r.kind = 'quote'
ORDER BY quoted.posted_at, quoted_post, e.embedded_at, e.article_id;
