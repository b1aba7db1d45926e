-- Report page: embeds per day and platform, for the 30 most recent days with pages.
WITH days AS (SELECT DISTINCT page_date FROM report_daily_volume ORDER BY page_date DESC LIMIT 30)
SELECT page_date, platform, sum(embeds) AS embeds, sum(pages) AS pages
FROM report_daily_volume JOIN days USING (page_date)
GROUP BY ALL
ORDER BY page_date, platform;
