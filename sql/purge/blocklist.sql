-- What later reads must skip: every purge request's posts, accounts and pages (pipeline/purge/blocklist.py).
SELECT kind, platform, handle, post_ids, article_ids, urls FROM purge_requests;
