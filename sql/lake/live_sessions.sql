-- The catalog server's live sessions (by backend pid): a lake run whose session is not among them has ended.
SELECT pid FROM pg_stat_activity;
