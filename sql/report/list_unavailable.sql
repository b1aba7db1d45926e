-- Report page: the unavailable posts embedded by most pages.
SELECT platform, author_handle, posted_at, url, pages, outlets, checked_at
FROM report_unavailable_posts
ORDER BY pages DESC, outlets DESC, posted_at DESC NULLS LAST, post_id
LIMIT 20;
