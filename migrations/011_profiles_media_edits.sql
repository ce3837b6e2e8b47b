-- Faces, words and second thoughts: profiles (a bio, fields, an avatar and a header), images attached to posts, and
-- edits of posts with their history.

-- A profile. `note` and field values are kept as the owner typed them (plain text) and rendered as HTML when shown;
-- avatar and header name files in the media store (null: the default image).
ALTER TABLE accounts
  ADD COLUMN note TEXT NOT NULL DEFAULT '',
  ADD COLUMN fields JSONB NOT NULL DEFAULT '[]',
  -- The accounts the note and fields mention (lower-cased handles that existed when they were written): linked.
  ADD COLUMN profile_mentions TEXT[] NOT NULL DEFAULT '{}',
  ADD COLUMN avatar_key TEXT,
  ADD COLUMN header_key TEXT,
  ADD COLUMN bot BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN discoverable BOOLEAN NOT NULL DEFAULT true,
  -- Defaults for posting that clients read from `source`.
  ADD COLUMN default_privacy TEXT NOT NULL DEFAULT 'public' CHECK (default_privacy IN ('public', 'unlisted')),
  ADD COLUMN default_sensitive BOOLEAN NOT NULL DEFAULT false,
  ADD COLUMN default_language TEXT;

-- An uploaded image: its files in the media store (the re-encoded original and a small preview), what they measure,
-- and what its owner says of it. Attached to at most one post, once, by the post that lists it; unattached until then.
CREATE TABLE media_attachments (
  id              BIGINT PRIMARY KEY,
  account_id      BIGINT NOT NULL REFERENCES accounts (id),
  tweet_id        BIGINT REFERENCES tweets (id),
  file_key        TEXT NOT NULL,
  preview_key     TEXT NOT NULL,
  width           INTEGER NOT NULL,
  height          INTEGER NOT NULL,
  preview_width   INTEGER NOT NULL,
  preview_height  INTEGER NOT NULL,
  focus_x         REAL NOT NULL DEFAULT 0 CHECK (focus_x BETWEEN -1 AND 1),
  focus_y         REAL NOT NULL DEFAULT 0 CHECK (focus_y BETWEEN -1 AND 1),
  description     TEXT NOT NULL DEFAULT '',
  blurhash        TEXT,
  created_at      TIMESTAMPTZ NOT NULL
);
CREATE INDEX media_attachments_account ON media_attachments (account_id, id DESC);
CREATE INDEX media_attachments_tweet ON media_attachments (tweet_id) WHERE tweet_id IS NOT NULL;

-- The media store of services mode: files every api process can read. Keys are immutable (a new image is a new key).
CREATE TABLE media_files (
  key           TEXT PRIMARY KEY,
  content_type  TEXT NOT NULL,
  bytes         BYTEA NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- A post's images, in the order it lists them, and when it was last edited (null: never).
ALTER TABLE tweets
  ADD COLUMN media_ids BIGINT[] NOT NULL DEFAULT '{}',
  ADD COLUMN edited_at TIMESTAMPTZ;
-- An account's posts with images (only_media).
CREATE INDEX tweets_author_media ON tweets (author_id, id DESC) WHERE status = 'ACTIVE' AND media_ids <> '{}';

-- Earlier versions of edited posts: each edit keeps the version it replaced (1 is the original), made at `created_at`
-- (the post's own time for the original). The current version stays in `tweets`.
CREATE TABLE tweet_edits (
  tweet_id      BIGINT NOT NULL REFERENCES tweets (id),
  version       INTEGER NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL,
  text          TEXT NOT NULL,
  spoiler_text  TEXT NOT NULL,
  sensitive     BOOLEAN NOT NULL,
  language      TEXT,
  media_ids     BIGINT[] NOT NULL,
  PRIMARY KEY (tweet_id, version)
);
