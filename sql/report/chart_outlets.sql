-- Report page: pages and embeds per outlet, the 15 outlets with most pages.
SELECT p.outlet, count(DISTINCT p.article_id) AS pages, count(ap.post_id) AS embeds
FROM report_pages p LEFT JOIN article_posts ap USING (article_id)
GROUP BY p.outlet
ORDER BY pages DESC, embeds DESC, outlet
LIMIT 15;
