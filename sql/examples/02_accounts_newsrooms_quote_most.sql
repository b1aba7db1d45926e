-- Which accounts did newsrooms embed most in December 2024, and across how many outlets?
SELECT rank_in_period, platform, author_handle, author_name, embeds, outlets, posts
FROM report_top_accounts
WHERE period_start = DATE '2024-12-01'
ORDER BY rank_in_period, author_handle;
