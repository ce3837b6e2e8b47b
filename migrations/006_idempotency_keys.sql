-- Idempotency-Key on POST /tweets: the key row is inserted first in the posting transaction, so concurrent retries
-- with one key wait on each other and exactly one creates the tweet. A key older than 24 hours is free again.
CREATE TABLE idempotency_keys (
  author_id     BIGINT NOT NULL REFERENCES accounts (id),
  key           TEXT NOT NULL,
  request_hash  TEXT NOT NULL,
  tweet_id      BIGINT NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (author_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
