-- Which hashtags did embedded posts use, day by day, and on how many pages did they appear?
SELECT post_date, spelling AS hashtag, posts, pages
FROM report_hashtags_daily
ORDER BY post_date DESC, posts DESC, hashtag;
