-- Which embedded posts have since gone unavailable, and which pages still show them?
SELECT u.platform, u.author_handle, u.url, u.checked_at, p.outlet, p.title, a.url AS page_url
FROM report_unavailable_posts u
JOIN article_posts ap USING (post_id)
JOIN report_pages p ON p.article_id = ap.article_id
JOIN articles a ON a.article_id = ap.article_id
ORDER BY u.checked_at DESC, u.post_id, p.outlet;
