-- Report page: the 15 accounts embedded most, over all periods.
SELECT platform, author_handle, any_value(author_name) AS author_name, sum(embeds) AS embeds, sum(posts) AS posts
FROM report_top_accounts
GROUP BY platform, author_handle
ORDER BY embeds DESC, posts DESC, author_handle
LIMIT 15;
