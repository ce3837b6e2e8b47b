-- Starling's source of truth. The same file runs on PGlite (embedded) and PostgreSQL 15+.
-- Ids are Snowflakes (BIGINT); statuses are soft so that fanout and caches can be corrected after the fact.

CREATE TABLE accounts (
  id              BIGINT PRIMARY KEY,
  handle          TEXT NOT NULL CHECK (handle ~ '^[A-Za-z0-9_]{1,15}$'),
  display_name    TEXT NOT NULL,
  password_hash   TEXT NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL,
  followers_count INTEGER NOT NULL DEFAULT 0 CHECK (followers_count >= 0),
  following_count INTEGER NOT NULL DEFAULT 0 CHECK (following_count >= 0),
  tweets_count    INTEGER NOT NULL DEFAULT 0 CHECK (tweets_count >= 0)
);
-- Handles are unique ignoring case.
CREATE UNIQUE INDEX accounts_handle_key ON accounts (lower(handle));

-- Bearer tokens are never stored; only their SHA-256.
CREATE TABLE sessions (
  token_hash  TEXT PRIMARY KEY,
  account_id  BIGINT NOT NULL REFERENCES accounts (id),
  created_at  TIMESTAMPTZ NOT NULL,
  revoked_at  TIMESTAMPTZ
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE tweets (
  id             BIGINT PRIMARY KEY,
  author_id      BIGINT NOT NULL REFERENCES accounts (id),
  text           TEXT NOT NULL,
  status         TEXT NOT NULL DEFAULT 'ACTIVE' CHECK (status IN ('ACTIVE', 'DELETED', 'HIDDEN')),
  reply_to_id    BIGINT REFERENCES tweets (id),
  retweet_of_id  BIGINT REFERENCES tweets (id),
  like_count     INTEGER NOT NULL DEFAULT 0,
  retweet_count  INTEGER NOT NULL DEFAULT 0,
  reply_count    INTEGER NOT NULL DEFAULT 0,
  created_at     TIMESTAMPTZ NOT NULL
);
-- An author's timeline, and the per-followee scans of rebuilds and the pull model.
CREATE INDEX tweets_author_recent ON tweets (author_id, id DESC) WHERE status = 'ACTIVE';
CREATE INDEX tweets_replies ON tweets (reply_to_id, id DESC) WHERE reply_to_id IS NOT NULL;
-- One live retweet per account and original.
CREATE UNIQUE INDEX tweets_one_retweet ON tweets (author_id, retweet_of_id)
  WHERE retweet_of_id IS NOT NULL AND status = 'ACTIVE';

CREATE TABLE tweet_mentions (
  tweet_id    BIGINT NOT NULL REFERENCES tweets (id),
  account_id  BIGINT NOT NULL REFERENCES accounts (id),
  PRIMARY KEY (tweet_id, account_id)
);
CREATE INDEX tweet_mentions_account ON tweet_mentions (account_id, tweet_id DESC);

CREATE TABLE tweet_hashtags (
  tweet_id  BIGINT NOT NULL REFERENCES tweets (id),
  tag       TEXT NOT NULL,
  PRIMARY KEY (tweet_id, tag)
);
CREATE INDEX tweet_hashtags_tag ON tweet_hashtags (tag, tweet_id DESC);

-- The follow graph, indexed both ways: (follower, followee) for "whom do I follow", (followee, follower) for
-- fanout's keyset pages, and by edge id for lists newest first.
CREATE TABLE follows (
  follower_id  BIGINT NOT NULL REFERENCES accounts (id),
  followee_id  BIGINT NOT NULL REFERENCES accounts (id),
  id           BIGINT NOT NULL,
  created_at   TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (follower_id, followee_id),
  CHECK (follower_id <> followee_id)
);
CREATE INDEX follows_followee ON follows (followee_id, follower_id);
CREATE INDEX follows_followee_recent ON follows (followee_id, id DESC);
CREATE INDEX follows_follower_recent ON follows (follower_id, id DESC);

CREATE TABLE likes (
  account_id  BIGINT NOT NULL REFERENCES accounts (id),
  tweet_id    BIGINT NOT NULL REFERENCES tweets (id),
  created_at  TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (account_id, tweet_id)
);
CREATE INDEX likes_tweet ON likes (tweet_id);

-- Events committed with the writes that caused them; the relay publishes them to the log, and a row stays until
-- fanout acknowledges it.
CREATE TABLE outbox (
  id            BIGSERIAL PRIMARY KEY,
  stream        TEXT NOT NULL CHECK (stream IN ('fanout', 'celebrity')),
  payload       TEXT NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
  published_at  TIMESTAMPTZ,
  attempts      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
