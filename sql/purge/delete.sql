-- An erasure request's rows, table by table (pipeline/purge/tables.py runs each "-- step:" in order, in one
-- transaction, and counts the rows each removes). The store registered purge_posts(post_id), the posts removed;
-- purge_articles(article_id), the pages removed; purge_urls(url), the pages' addresses; purge_patterns(pattern),
-- the posts' native ids and addresses, which the addresses of enrichment calls about them contain.

-- step: item_events
-- (A live-blog entry's removals and returns: go with the entry.)
DELETE FROM item_events WHERE item_id IN (
    SELECT item_id FROM update_items
    WHERE post_id IN (SELECT post_id FROM purge_posts) OR article_id IN (SELECT article_id FROM purge_articles));

-- step: item_revisions
DELETE FROM item_revisions WHERE item_id IN (
    SELECT item_id FROM update_items
    WHERE post_id IN (SELECT post_id FROM purge_posts) OR article_id IN (SELECT article_id FROM purge_articles));

-- step: update_items
DELETE FROM update_items
WHERE post_id IN (SELECT post_id FROM purge_posts) OR article_id IN (SELECT article_id FROM purge_articles);

-- step: article_posts
DELETE FROM article_posts
WHERE post_id IN (SELECT post_id FROM purge_posts) OR article_id IN (SELECT article_id FROM purge_articles);

-- step: post_entities
DELETE FROM post_entities WHERE post_id IN (SELECT post_id FROM purge_posts);

-- step: post_relations
-- (A post quoting, replying to or reposting another, either end of the relation; skipped where the table is absent.)
DELETE FROM post_relations
WHERE post_id IN (SELECT post_id FROM purge_posts) OR related_post_id IN (SELECT post_id FROM purge_posts);

-- step: social_posts
DELETE FROM social_posts WHERE post_id IN (SELECT post_id FROM purge_posts);

-- step: quotes
DELETE FROM quotes WHERE article_id IN (SELECT article_id FROM purge_articles);

-- step: articles
DELETE FROM articles WHERE article_id IN (SELECT article_id FROM purge_articles);

-- step: fetch_log
DELETE FROM fetch_log
WHERE url IN (SELECT url FROM purge_urls) OR final_url IN (SELECT url FROM purge_urls)
   OR EXISTS (SELECT 1 FROM purge_patterns n
              WHERE regexp_matches(fetch_log.url, n.pattern) OR regexp_matches(coalesce(fetch_log.final_url, ''), n.pattern));
