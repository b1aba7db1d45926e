-- The warehouse of docs/contract.md: pages, their items, the posts they embed, quotes, and run bookkeeping.
-- Timestamps are TIMESTAMPTZ in UTC. Ids are stable digests from pipeline/keys.py.

CREATE TABLE articles (
    article_id     VARCHAR PRIMARY KEY,
    url            VARCHAR,
    canonical_url  VARCHAR,
    site           VARCHAR,
    title          VARCHAR,
    authors        VARCHAR[],
    published_at   TIMESTAMPTZ,
    modified_at    TIMESTAMPTZ,
    language       VARCHAR,
    is_liveblog    BOOLEAN NOT NULL,
    headings       VARCHAR[],
    body_text      VARCHAR,
    content_hash   VARCHAR NOT NULL,
    source         VARCHAR NOT NULL,
    first_seen_at  TIMESTAMPTZ NOT NULL,
    last_seen_at   TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE articles IS 'One row per page (article or live blog), keyed by its canonical URL, else its URL, else (a local file with neither) its normalised content.';
COMMENT ON COLUMN articles.article_id IS 'Stable id: digest of the canonical URL, else the URL, else the normalised body text.';
COMMENT ON COLUMN articles.url IS 'The URL the page was read from, or the URL a local file declares; null for a local file that declares none.';
COMMENT ON COLUMN articles.canonical_url IS 'The page''s canonical URL (link rel=canonical, og:url) without tracking parameters or fragment.';
COMMENT ON COLUMN articles.site IS 'Publisher or site name (og:site_name, JSON-LD publisher), else the host.';
COMMENT ON COLUMN articles.title IS 'Headline without the " | Site" suffix; null for flattened text.';
COMMENT ON COLUMN articles.authors IS 'Bylines in page order.';
COMMENT ON COLUMN articles.published_at IS 'When the page says it was first published (UTC).';
COMMENT ON COLUMN articles.modified_at IS 'When the page says it was last modified (UTC).';
COMMENT ON COLUMN articles.language IS 'Language tag the page declares (e.g. en, en-GB).';
COMMENT ON COLUMN articles.is_liveblog IS 'True when the page is a live blog (JSON-LD LiveBlogPosting or live-stream markup).';
COMMENT ON COLUMN articles.headings IS 'Section headings of the main text, in order.';
COMMENT ON COLUMN articles.body_text IS 'The article''s own text: paragraphs and headings separated by blank lines; no page chrome, no embedded posts.';
COMMENT ON COLUMN articles.content_hash IS 'Digest of title and body text; changes when the visible text changes.';
COMMENT ON COLUMN articles.source IS 'Where this version was read from: the URL fetched, the local path, or the WARC file and record.';
COMMENT ON COLUMN articles.first_seen_at IS 'When a run first read this page (UTC).';
COMMENT ON COLUMN articles.last_seen_at IS 'When a run last read this page (UTC).';

CREATE TABLE social_posts (
    post_id              VARCHAR PRIMARY KEY,
    platform             VARCHAR NOT NULL,
    native_id            VARCHAR,
    author_name          VARCHAR,
    author_handle        VARCHAR,
    posted_at            TIMESTAMPTZ,
    posted_at_precision  VARCHAR,
    text                 VARCHAR,
    text_key             VARCHAR,
    url                  VARCHAR,
    language             VARCHAR,
    status               VARCHAR NOT NULL,
    checked_at           TIMESTAMPTZ,
    first_seen_at        TIMESTAMPTZ NOT NULL,
    last_seen_at         TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE social_posts IS 'One row per social post, however many pages embed it.';
COMMENT ON COLUMN social_posts.post_id IS 'platform:native_id, or platform:h:<hash of handle, day and normalised text> while the native id is unknown.';
COMMENT ON COLUMN social_posts.platform IS 'x, bluesky, mastodon, instagram, threads, telegram, tiktok, youtube or facebook.';
COMMENT ON COLUMN social_posts.native_id IS 'The platform''s own id of the post (X status id, Bluesky did/rkey, Mastodon host/id, shortcode …); null when only flattened text was seen.';
COMMENT ON COLUMN social_posts.author_name IS 'Display name of the author as the embed shows it.';
COMMENT ON COLUMN social_posts.author_handle IS 'Author handle without the leading @.';
COMMENT ON COLUMN social_posts.posted_at IS 'When the post was published (UTC); see posted_at_precision.';
COMMENT ON COLUMN social_posts.posted_at_precision IS 'How precise posted_at is: day (a date-only signature), minute, second, millisecond (decoded from an X status id).';
COMMENT ON COLUMN social_posts.text IS 'The post''s text as embedded, line breaks kept.';
COMMENT ON COLUMN social_posts.text_key IS 'Digest of the normalised text (links, whitespace and case dropped): how a text-only post is matched to its embed.';
COMMENT ON COLUMN social_posts.url IS 'Canonical URL of the post on its platform.';
COMMENT ON COLUMN social_posts.language IS 'Language tag the embed declares.';
COMMENT ON COLUMN social_posts.status IS 'ok (confirmed by the platform), unavailable (gone or withheld when checked), unchecked.';
COMMENT ON COLUMN social_posts.checked_at IS 'When the platform was last asked about the post (UTC).';
COMMENT ON COLUMN social_posts.first_seen_at IS 'When a run first saw the post (UTC).';
COMMENT ON COLUMN social_posts.last_seen_at IS 'When a run last saw the post (UTC).';

CREATE TABLE update_items (
    item_id        VARCHAR PRIMARY KEY,
    article_id     VARCHAR,
    post_id        VARCHAR,
    kind           VARCHAR NOT NULL,
    native_id      VARCHAR,
    position       INTEGER NOT NULL,
    published_at   TIMESTAMPTZ,
    updated_at     TIMESTAMPTZ,
    headline       VARCHAR,
    text           VARCHAR NOT NULL,
    url            VARCHAR,
    author         VARCHAR,
    is_pinned      BOOLEAN NOT NULL,
    is_key_event   BOOLEAN NOT NULL,
    revision       INTEGER NOT NULL,
    content_hash   VARCHAR NOT NULL,
    revised_at     TIMESTAMPTZ NOT NULL,
    first_seen_at  TIMESTAMPTZ NOT NULL,
    last_seen_at   TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE update_items IS 'One row per key point, live-blog entry, or item of a thread inside a post (a thread item belongs to its post, not to the pages that embed it).';
COMMENT ON COLUMN update_items.item_id IS 'Stable id: digest of the page (or post), kind and native id, else of the page (or post), kind and normalised text.';
COMMENT ON COLUMN update_items.article_id IS 'The page holding a key point or live-blog entry; null for a thread item.';
COMMENT ON COLUMN update_items.post_id IS 'The social post holding a thread item; null otherwise.';
COMMENT ON COLUMN update_items.kind IS 'key_point, liveblog_entry or thread_item.';
COMMENT ON COLUMN update_items.native_id IS 'The page''s own id for the item (block id, JSON-LD @id or url fragment); null when it has none.';
COMMENT ON COLUMN update_items.position IS 'Order among items of the same kind in the page or post, 1 first; updated in place when a live blog re-orders.';
COMMENT ON COLUMN update_items.published_at IS 'When the item was first published, if the page says (UTC).';
COMMENT ON COLUMN update_items.updated_at IS 'When the page says the item was last updated (UTC).';
COMMENT ON COLUMN update_items.headline IS 'Headline of a live-blog entry.';
COMMENT ON COLUMN update_items.text IS 'Current text of the item.';
COMMENT ON COLUMN update_items.url IS 'Permalink of the item, if any.';
COMMENT ON COLUMN update_items.author IS 'Author of a live-blog entry.';
COMMENT ON COLUMN update_items.is_pinned IS 'True for a live-blog entry pinned to the top.';
COMMENT ON COLUMN update_items.is_key_event IS 'True for a live-blog entry marked as a key event.';
COMMENT ON COLUMN update_items.revision IS '1 for the first text seen; +1 each time the text under the same identity changes (earlier texts in item_revisions).';
COMMENT ON COLUMN update_items.content_hash IS 'Digest of headline and text; a change makes a new revision.';
COMMENT ON COLUMN update_items.revised_at IS 'When the current revision''s text was first seen (UTC).';
COMMENT ON COLUMN update_items.first_seen_at IS 'When a run first saw the item (UTC).';
COMMENT ON COLUMN update_items.last_seen_at IS 'When a run last saw the item (UTC).';

CREATE TABLE item_revisions (
    item_id        VARCHAR NOT NULL,
    revision       INTEGER NOT NULL,
    headline       VARCHAR,
    text           VARCHAR NOT NULL,
    content_hash   VARCHAR NOT NULL,
    first_seen_at  TIMESTAMPTZ NOT NULL,
    replaced_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (item_id, revision)
);
COMMENT ON TABLE item_revisions IS 'Earlier texts of update items: one row per replaced revision.';
COMMENT ON COLUMN item_revisions.item_id IS 'The update item.';
COMMENT ON COLUMN item_revisions.revision IS 'The revision number this text had.';
COMMENT ON COLUMN item_revisions.headline IS 'The headline this revision had.';
COMMENT ON COLUMN item_revisions.text IS 'The text this revision had.';
COMMENT ON COLUMN item_revisions.content_hash IS 'Digest of that headline and text.';
COMMENT ON COLUMN item_revisions.first_seen_at IS 'When that text was first seen (UTC).';
COMMENT ON COLUMN item_revisions.replaced_at IS 'When a newer text was first seen (UTC).';

CREATE TABLE article_posts (
    article_id     VARCHAR NOT NULL,
    post_id        VARCHAR NOT NULL,
    occurrence     INTEGER NOT NULL,
    position       INTEGER NOT NULL,
    item_id        VARCHAR,
    form           VARCHAR,
    first_seen_at  TIMESTAMPTZ NOT NULL,
    last_seen_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (article_id, post_id, occurrence)
);
COMMENT ON TABLE article_posts IS 'One row per place where a page embeds a post.';
COMMENT ON COLUMN article_posts.article_id IS 'The embedding page.';
COMMENT ON COLUMN article_posts.post_id IS 'The embedded post.';
COMMENT ON COLUMN article_posts.occurrence IS '1 for the post''s first place on the page, 2 for its second, …';
COMMENT ON COLUMN article_posts.position IS 'Order of this embed among the page''s embeds, 1 first; updated in place when a live blog re-orders.';
COMMENT ON COLUMN article_posts.item_id IS 'The live-blog entry holding the embed, if any.';
COMMENT ON COLUMN article_posts.form IS 'How the page carried the post: blockquote, iframe, amp, placeholder, bare_url, text_signature.';
COMMENT ON COLUMN article_posts.first_seen_at IS 'When a run first saw this place (UTC).';
COMMENT ON COLUMN article_posts.last_seen_at IS 'When a run last saw this place (UTC).';

CREATE TABLE post_entities (
    post_id        VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,
    value          VARCHAR NOT NULL,
    first_seen_at  TIMESTAMPTZ NOT NULL,
    last_seen_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (post_id, kind, value)
);
COMMENT ON TABLE post_entities IS 'One row per hashtag, mention, link or media reference of a post.';
COMMENT ON COLUMN post_entities.post_id IS 'The post.';
COMMENT ON COLUMN post_entities.kind IS 'hashtag, mention, url, media or cashtag.';
COMMENT ON COLUMN post_entities.value IS 'Hashtag or cashtag without # or $, handle without @, or the URL as the post shows it (https:// added).';
COMMENT ON COLUMN post_entities.first_seen_at IS 'When a run first saw it (UTC).';
COMMENT ON COLUMN post_entities.last_seen_at IS 'When a run last saw it (UTC).';

CREATE TABLE quotes (
    quote_id       VARCHAR PRIMARY KEY,
    article_id     VARCHAR NOT NULL,
    speaker        VARCHAR,
    text           VARCHAR NOT NULL,
    position       INTEGER NOT NULL,
    first_seen_at  TIMESTAMPTZ NOT NULL,
    last_seen_at   TIMESTAMPTZ NOT NULL
);
COMMENT ON TABLE quotes IS 'One row per statement quoted in an article''s own text (not in embedded posts).';
COMMENT ON COLUMN quotes.quote_id IS 'Stable id: digest of the article, speaker and normalised text.';
COMMENT ON COLUMN quotes.article_id IS 'The quoting page.';
COMMENT ON COLUMN quotes.speaker IS 'Who said it, as the article names them; null when the article does not say.';
COMMENT ON COLUMN quotes.text IS 'The quoted words, without the quotation marks.';
COMMENT ON COLUMN quotes.position IS 'Order of the quote in the article, 1 first.';
COMMENT ON COLUMN quotes.first_seen_at IS 'When a run first saw it (UTC).';
COMMENT ON COLUMN quotes.last_seen_at IS 'When a run last saw it (UTC).';

CREATE TABLE ingest_runs (
    run_id          VARCHAR PRIMARY KEY,
    command         VARCHAR NOT NULL,
    airflow_run_id  VARCHAR,
    airflow_try     INTEGER,
    started_at      TIMESTAMPTZ NOT NULL,
    finished_at     TIMESTAMPTZ,
    status          VARCHAR NOT NULL,
    sources_ok      INTEGER NOT NULL,
    sources_failed  INTEGER NOT NULL
);
COMMENT ON TABLE ingest_runs IS 'One row per execution of the pipeline: a CLI call, or one try of an Airflow task that loads.';
COMMENT ON COLUMN ingest_runs.run_id IS 'Our own run id (time-ordered).';
COMMENT ON COLUMN ingest_runs.command IS 'What ran: ingest, reparse, or airflow.';
COMMENT ON COLUMN ingest_runs.airflow_run_id IS 'The Airflow DAG run id; null for the CLI.';
COMMENT ON COLUMN ingest_runs.airflow_try IS 'The Airflow task try number; null for the CLI.';
COMMENT ON COLUMN ingest_runs.started_at IS 'When the run started (UTC).';
COMMENT ON COLUMN ingest_runs.finished_at IS 'When the run finished (UTC); null while running or if it died.';
COMMENT ON COLUMN ingest_runs.status IS 'running, ok (every source loaded), partial (some sources failed), failed (none loaded).';
COMMENT ON COLUMN ingest_runs.sources_ok IS 'Sources read, parsed and loaded.';
COMMENT ON COLUMN ingest_runs.sources_failed IS 'Sources that failed at any stage (see fetch_log).';

CREATE TABLE run_table_counts (
    run_id      VARCHAR NOT NULL,
    table_name  VARCHAR NOT NULL,
    inserted    BIGINT NOT NULL,
    updated     BIGINT NOT NULL,
    unchanged   BIGINT NOT NULL,
    PRIMARY KEY (run_id, table_name)
);
COMMENT ON TABLE run_table_counts IS 'Per run and table: rows inserted, updated, and seen again unchanged.';
COMMENT ON COLUMN run_table_counts.run_id IS 'The run.';
COMMENT ON COLUMN run_table_counts.table_name IS 'The table touched.';
COMMENT ON COLUMN run_table_counts.inserted IS 'New rows.';
COMMENT ON COLUMN run_table_counts.updated IS 'Existing rows whose content changed (or that merged with another row).';
COMMENT ON COLUMN run_table_counts.unchanged IS 'Existing rows seen again with nothing new (only last_seen_at moved).';

CREATE TABLE fetch_log (
    run_id       VARCHAR NOT NULL,
    url          VARCHAR NOT NULL,
    attempt      INTEGER NOT NULL,
    fetched_at   TIMESTAMPTZ NOT NULL,
    http_status  INTEGER,
    outcome      VARCHAR NOT NULL,
    bytes        BIGINT,
    elapsed_ms   BIGINT,
    stage        VARCHAR,
    cause        VARCHAR,
    PRIMARY KEY (run_id, url, attempt)
);
COMMENT ON TABLE fetch_log IS 'One row per HTTP attempt (or local read) of a source or an embedded post''s endpoint.';
COMMENT ON COLUMN fetch_log.run_id IS 'The run that made the attempt.';
COMMENT ON COLUMN fetch_log.url IS 'The URL requested, or the local path read.';
COMMENT ON COLUMN fetch_log.attempt IS 'The attempt within that run, 1 for the first.';
COMMENT ON COLUMN fetch_log.fetched_at IS 'When the attempt started (UTC).';
COMMENT ON COLUMN fetch_log.http_status IS 'HTTP status code; null for a local read or when no response came.';
COMMENT ON COLUMN fetch_log.outcome IS 'ok, not_modified, unchanged, retry_exhausted, too_large, blocked_by_robots, refused, not_html, error.';
COMMENT ON COLUMN fetch_log.bytes IS 'Bytes of body read.';
COMMENT ON COLUMN fetch_log.elapsed_ms IS 'Milliseconds the attempt took.';
COMMENT ON COLUMN fetch_log.stage IS 'Where it failed: read, fetch, decode, parse or load; null when it did not.';
COMMENT ON COLUMN fetch_log.cause IS 'Why it did not succeed, as a sentence a person can act on; null when it did.';
