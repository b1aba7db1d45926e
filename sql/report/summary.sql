-- Report page: headline figures.
SELECT
    (SELECT count(*) FROM articles) AS pages,
    (SELECT count(*) FROM articles WHERE is_liveblog) AS liveblogs,
    (SELECT count(*) FROM social_posts) AS posts,
    (SELECT count(*) FROM article_posts) AS embeds,
    (SELECT count(DISTINCT outlet) FROM report_pages) AS outlets,
    (SELECT count(*) FROM report_unavailable_posts) AS unavailable_posts,
    (SELECT max(finished_at) FROM ingest_runs) AS last_run_finished_at;
