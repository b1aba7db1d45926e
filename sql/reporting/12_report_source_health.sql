-- Per source of the source list: the last run that found something new, the runs since, what it yields per run
-- lately against before, and its failures by stage. A source whose feed moved or whose markup changed shows here
-- while every run is green. "Now" is the latest run that read a listed source, not the clock, so a backfilled or
-- old warehouse reads the same whenever it is opened: "last 30 days" = runs started in (now - 30 days, now],
-- "previous 30 days" = (now - 60 days, now - 30 days].
CREATE OR REPLACE VIEW report_source_health AS
WITH runs AS (
    SELECT c.run_id, c.source_name, c.pages, c.posts, r.started_at,
           c.pages_new + c.items_new + c.posts_new > 0 AS found_new
    FROM run_source_counts c
    JOIN ingest_runs r ON r.run_id = c.run_id
), latest AS (
    SELECT max(started_at) AS now_at FROM runs
), last_new AS (
    SELECT source_name,
           max(started_at) FILTER (WHERE found_new) AS last_new_at,
           arg_max(run_id, started_at) FILTER (WHERE found_new) AS last_new_run_id
    FROM runs
    GROUP BY source_name
), failures AS (
    SELECT f.source_name,
           count(*) AS failures,
           count(*) FILTER (WHERE f.stage = 'read') AS read_failures,
           count(*) FILTER (WHERE f.stage = 'fetch') AS fetch_failures,
           count(*) FILTER (WHERE f.stage = 'decode') AS decode_failures,
           count(*) FILTER (WHERE f.stage = 'parse') AS parse_failures
    FROM fetch_log f
    JOIN ingest_runs r ON r.run_id = f.run_id
    CROSS JOIN latest
    WHERE f.source_name IS NOT NULL AND f.stage IS NOT NULL AND r.started_at > latest.now_at - INTERVAL 30 DAY
    GROUP BY f.source_name
), per_source AS (
    SELECT r.source_name, n.last_new_run_id, n.last_new_at,
           count(*) AS runs,
           max(r.started_at) AS last_run_at,
           count(*) FILTER (WHERE n.last_new_at IS NULL OR r.started_at > n.last_new_at) AS runs_since_new,
           count(*) FILTER (WHERE r.started_at > l.now_at - INTERVAL 30 DAY) AS runs_30d,
           avg(r.pages) FILTER (WHERE r.started_at > l.now_at - INTERVAL 30 DAY) AS pages_30d,
           avg(r.pages) FILTER (WHERE r.started_at <= l.now_at - INTERVAL 30 DAY
                                  AND r.started_at > l.now_at - INTERVAL 60 DAY) AS pages_prev_30d,
           avg(r.posts) FILTER (WHERE r.started_at > l.now_at - INTERVAL 30 DAY) AS posts_30d,
           avg(r.posts) FILTER (WHERE r.started_at <= l.now_at - INTERVAL 30 DAY
                                  AND r.started_at > l.now_at - INTERVAL 60 DAY) AS posts_prev_30d
    FROM runs r
    JOIN last_new n ON n.source_name = r.source_name
    CROSS JOIN latest l
    GROUP BY r.source_name, n.last_new_run_id, n.last_new_at
)
SELECT
    p.source_name,
    p.runs,
    p.last_run_at,
    p.last_new_run_id,
    p.last_new_at,
    p.runs_since_new,
    p.runs_30d,
    round(p.pages_30d, 1) AS pages_per_run_30d,
    round(p.pages_prev_30d, 1) AS pages_per_run_prev_30d,
    round(p.posts_30d, 1) AS posts_per_run_30d,
    round(p.posts_prev_30d, 1) AS posts_per_run_prev_30d,
    coalesce(f.failures, 0) AS failures_30d,
    coalesce(f.read_failures, 0) AS read_failures_30d,
    coalesce(f.fetch_failures, 0) AS fetch_failures_30d,
    coalesce(f.decode_failures, 0) AS decode_failures_30d,
    coalesce(f.parse_failures, 0) AS parse_failures_30d
FROM per_source p
LEFT JOIN failures f ON f.source_name = p.source_name;
COMMENT ON VIEW report_source_health IS 'One row per source of the source list that a run has read (run_source_counts): when it last found something new, how many runs since, pages and posts per run in the last 30 days against the 30 before, and failures by stage in the last 30 days. Now = the latest run that read a listed source (not the clock). A source that found nothing new for many runs may have moved its feed or changed its markup; a page that simply never changes shows the same way.';
COMMENT ON COLUMN report_source_health.source_name IS 'The source (the name column of the source list).';
COMMENT ON COLUMN report_source_health.runs IS 'Runs that read the source (its feed, sitemap, page or file, or pages found in them).';
COMMENT ON COLUMN report_source_health.last_run_at IS 'When the latest of those runs started (UTC).';
COMMENT ON COLUMN report_source_health.last_new_run_id IS 'The last run in which the source yielded something new: a page, item or post first seen in that run; null when none ever did.';
COMMENT ON COLUMN report_source_health.last_new_at IS 'When that run started (UTC).';
COMMENT ON COLUMN report_source_health.runs_since_new IS 'Runs that read the source after the last one that found something new (all its runs when none did): the number the check task warns on (THREADLINE_SILENT_AFTER_RUNS).';
COMMENT ON COLUMN report_source_health.runs_30d IS 'Runs that read the source in the last 30 days (up to the latest run).';
COMMENT ON COLUMN report_source_health.pages_per_run_30d IS 'Pages of the source parsed per run, on average, in the last 30 days.';
COMMENT ON COLUMN report_source_health.pages_per_run_prev_30d IS 'The same for the 30 days before those; null when no run read the source then.';
COMMENT ON COLUMN report_source_health.posts_per_run_30d IS 'Posts embedded in those pages per run, on average, in the last 30 days.';
COMMENT ON COLUMN report_source_health.posts_per_run_prev_30d IS 'The same for the 30 days before those; null when no run read the source then.';
COMMENT ON COLUMN report_source_health.failures_30d IS 'Failed reads of the source (fetch_log rows with a stage) in runs of the last 30 days.';
COMMENT ON COLUMN report_source_health.read_failures_30d IS 'Of those, failed at read (a local file or archive record).';
COMMENT ON COLUMN report_source_health.fetch_failures_30d IS 'Of those, failed at fetch (HTTP errors, refusals, robots, size caps, a feed that moved).';
COMMENT ON COLUMN report_source_health.decode_failures_30d IS 'Of those, failed at decode (binary or undecodable bytes).';
COMMENT ON COLUMN report_source_health.parse_failures_30d IS 'Of those, failed at parse.';
