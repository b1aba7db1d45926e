-- The accounts newsrooms quote most: embeds of each author's posts per month, ranked within the month.
CREATE OR REPLACE VIEW report_top_accounts AS
WITH per_account AS (
    SELECT
        date_trunc('month', p.page_date)::DATE AS period_start,
        s.platform,
        lower(s.author_handle) AS account,
        any_value(s.author_handle ORDER BY s.native_id IS NULL, s.author_handle) AS author_handle,
        any_value(s.author_name ORDER BY s.author_name IS NULL) AS author_name,
        count(*) AS embeds,
        count(DISTINCT ap.article_id) AS pages,
        count(DISTINCT p.outlet) AS outlets,
        count(DISTINCT ap.post_id) AS posts
    FROM article_posts ap
    JOIN social_posts s ON s.post_id = ap.post_id
    JOIN report_pages p ON p.article_id = ap.article_id
    WHERE s.author_handle IS NOT NULL
    GROUP BY ALL
)
SELECT
    period_start, platform, author_handle, author_name, embeds, pages, outlets, posts,
    rank() OVER (PARTITION BY period_start ORDER BY embeds DESC, outlets DESC) AS rank_in_period
FROM per_account;
COMMENT ON VIEW report_top_accounts IS 'One row per month (of the embedding page) and account: how often newsrooms embedded that account''s posts, ranked within the month. Sum embeds across months for all-time figures.';
COMMENT ON COLUMN report_top_accounts.period_start IS 'First day of the month of the embedding pages (UTC).';
COMMENT ON COLUMN report_top_accounts.platform IS 'The account''s platform.';
COMMENT ON COLUMN report_top_accounts.author_handle IS 'The account handle without @ (handles differing only in case are one account).';
COMMENT ON COLUMN report_top_accounts.author_name IS 'The display name an embed shows for the account.';
COMMENT ON COLUMN report_top_accounts.embeds IS 'Places in pages of that month embedding one of the account''s posts.';
COMMENT ON COLUMN report_top_accounts.pages IS 'Distinct pages of that month embedding the account.';
COMMENT ON COLUMN report_top_accounts.outlets IS 'Distinct outlets of that month embedding the account.';
COMMENT ON COLUMN report_top_accounts.posts IS 'Distinct posts of the account embedded that month.';
COMMENT ON COLUMN report_top_accounts.rank_in_period IS '1 for the most embedded account of the month (ties by outlets share a rank).';
