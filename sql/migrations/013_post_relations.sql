-- Posts that quote, reply to or repost other posts (issue 15): one row per (post, related post, kind). Both posts are
-- rows of social_posts; the related one is stored like any other post, deduplicated by its key.
CREATE TABLE post_relations (
    post_id          VARCHAR NOT NULL,
    related_post_id  VARCHAR NOT NULL,
    kind             VARCHAR NOT NULL,
    first_seen_at    TIMESTAMPTZ NOT NULL,
    last_seen_at     TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (post_id, related_post_id, kind)
);
COMMENT ON TABLE post_relations IS 'One row per post that quotes, replies to or reposts another post, as an embed''s markup or the platform''s answer says (both posts are rows of social_posts).';
COMMENT ON COLUMN post_relations.post_id IS 'The post that quotes, replies or reposts (social_posts.post_id).';
COMMENT ON COLUMN post_relations.related_post_id IS 'The post it quotes, replies to or reposts (social_posts.post_id).';
COMMENT ON COLUMN post_relations.kind IS 'quote (shows the related post inside it: an X quote tweet, a Bluesky record embed, a Mastodon quote), reply (answers it), or repost (shares it unchanged: a Mastodon reblog).';
COMMENT ON COLUMN post_relations.first_seen_at IS 'When a run first saw the relation (UTC).';
COMMENT ON COLUMN post_relations.last_seen_at IS 'When a run last saw the relation (UTC).';
