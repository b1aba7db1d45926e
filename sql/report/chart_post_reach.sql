-- Report page: the 15 posts embedded by most outlets, with who was first and how fast.
SELECT post_id, platform, author_handle, posted_at, outlets, pages, embeds, first_outlet,
       CASE WHEN first_embedded_at_basis <> 'first_seen' THEN first_lag_minutes END AS first_lag_minutes
FROM report_post_reach
ORDER BY outlets DESC, pages DESC, embeds DESC, first_embedded_at, post_id
LIMIT 15;
