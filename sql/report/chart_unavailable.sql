-- Report page: embedded posts per platform, and how many of them are now unavailable.
SELECT s.platform, count(*) AS posts, count(u.post_id) AS unavailable, coalesce(sum(u.pages), 0) AS pages_embedding_unavailable
FROM social_posts s LEFT JOIN report_unavailable_posts u USING (post_id)
GROUP BY s.platform
ORDER BY unavailable DESC, posts DESC, s.platform;
