-- What the Mastodon client API needs of the source of truth: client applications and OAuth 2 grants, what a post
-- says about itself (visibility, language, content warning), and ids that order likes for paging.

-- Client applications (POST /api/v1/apps). The secret is never stored, only its SHA-256, like session tokens.
CREATE TABLE apps (
  id                  BIGINT PRIMARY KEY,
  name                TEXT NOT NULL,
  website             TEXT,
  redirect_uris       TEXT[] NOT NULL,
  scopes              TEXT[] NOT NULL,
  client_id           TEXT NOT NULL UNIQUE,
  client_secret_hash  TEXT NOT NULL,
  created_at          TIMESTAMPTZ NOT NULL
);

-- Authorization codes: short-lived, used once, bound to the app, the redirect URI and (with PKCE) a challenge.
CREATE TABLE authorization_codes (
  code_hash       TEXT PRIMARY KEY,
  app_id          BIGINT NOT NULL REFERENCES apps (id),
  account_id      BIGINT NOT NULL REFERENCES accounts (id),
  redirect_uri    TEXT NOT NULL,
  scopes          TEXT[] NOT NULL,
  code_challenge  TEXT,
  created_at      TIMESTAMPTZ NOT NULL,
  expires_at      TIMESTAMPTZ NOT NULL,
  used_at         TIMESTAMPTZ
);
CREATE INDEX authorization_codes_expires ON authorization_codes (expires_at);

-- A session is an access token: granted to an app, for an account (or for the app alone: client credentials), with
-- the scopes it was granted. Tokens issued before apps existed keep every scope.
ALTER TABLE sessions
  ALTER COLUMN account_id DROP NOT NULL,
  ADD COLUMN app_id BIGINT REFERENCES apps (id),
  ADD COLUMN scopes TEXT[] NOT NULL DEFAULT ARRAY['read', 'write', 'follow', 'push'];
CREATE INDEX sessions_app ON sessions (app_id) WHERE app_id IS NOT NULL;

-- Given at sign-up, never shown to anyone.
ALTER TABLE accounts
  ADD COLUMN email TEXT,
  ADD COLUMN locale TEXT;

-- What a post says about itself. 'unlisted' posts reach followers and the author's page but no public timeline.
ALTER TABLE tweets
  ADD COLUMN visibility TEXT NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'unlisted')),
  ADD COLUMN language TEXT,
  ADD COLUMN spoiler_text TEXT NOT NULL DEFAULT '',
  ADD COLUMN sensitive BOOLEAN NOT NULL DEFAULT false;

-- The local public timeline: public originals, newest first (boosts are not shown there).
CREATE INDEX tweets_public ON tweets (id DESC)
  WHERE status = 'ACTIVE' AND visibility = 'public' AND retweet_of_id IS NULL;
-- Who boosted a post, newest first.
CREATE INDEX tweets_retweets ON tweets (retweet_of_id, id DESC) WHERE retweet_of_id IS NOT NULL AND status = 'ACTIVE';
-- Hashtag search by prefix, whatever the collation.
CREATE INDEX tweet_hashtags_prefix ON tweet_hashtags (tag text_pattern_ops);

-- Likes get a Snowflake id, so "who liked this" pages newest first by a key of its own. Existing likes get one made
-- from their time (41 bits of milliseconds since 2024-01-01) and their rank within that millisecond.
ALTER TABLE likes ADD COLUMN id BIGINT;
UPDATE likes l SET id = ranked.id
  FROM (SELECT account_id, tweet_id,
               ((floor(extract(epoch FROM created_at) * 1000)::bigint - 1704067200000) << 22)
                 + (row_number() OVER (PARTITION BY date_trunc('milliseconds', created_at) ORDER BY account_id, tweet_id) - 1) % 4096
                 AS id
          FROM likes) ranked
 WHERE l.account_id = ranked.account_id AND l.tweet_id = ranked.tweet_id;
ALTER TABLE likes ALTER COLUMN id SET NOT NULL;
CREATE INDEX likes_tweet_recent ON likes (tweet_id, id DESC);
DROP INDEX likes_tweet;
