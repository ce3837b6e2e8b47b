-- Notifications: what others did to an account or its posts (mentioned it, favourited or boosted a post, followed
-- it). The fanout workers write them from the log's events; a `notified` flag on the row that caused one (a tweet
-- for its mentions and its boost, a like, a follow) moves once, under that row's lock, in the transaction that writes
-- the notifications, so a redelivered or concurrent event never writes one twice, nor writes again one that was
-- dismissed. New rows start unnotified; existing ones count as notified, except those whose events still wait.
ALTER TABLE tweets ADD COLUMN notified BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE tweets ALTER COLUMN notified SET DEFAULT false;
ALTER TABLE follows ADD COLUMN notified BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE follows ALTER COLUMN notified SET DEFAULT false;
ALTER TABLE likes ADD COLUMN notified BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE likes ALTER COLUMN notified SET DEFAULT false;

WITH pending AS (SELECT payload::jsonb AS event FROM outbox WHERE payload::jsonb ->> 'type' = 'tweet.created')
UPDATE tweets t SET notified = false
  FROM pending p
 WHERE t.id = (p.event ->> 'tweetId')::bigint;

WITH pending AS (SELECT payload::jsonb AS event FROM outbox WHERE payload::jsonb ->> 'type' = 'follow.created')
UPDATE follows f SET notified = false
  FROM pending p
 WHERE f.follower_id = (p.event ->> 'followerId')::bigint AND f.followee_id = (p.event ->> 'followeeId')::bigint;

WITH pending AS (SELECT payload::jsonb AS event FROM outbox WHERE payload::jsonb ->> 'type' = 'tweet.liked')
UPDATE likes l SET notified = false
  FROM pending p
 WHERE l.account_id = (p.event ->> 'accountId')::bigint AND l.tweet_id = (p.event ->> 'tweetId')::bigint;

-- One account's notifications, newest first by their own Snowflake (minted when written, so "newer than the marker"
-- means written after it). `cause_id` is the row that caused it: the mentioning tweet, the boost, the like, the
-- follow; undoing or deleting that row removes the notification. `status_id` is the post it is about.
CREATE TABLE notifications (
  account_id       BIGINT NOT NULL REFERENCES accounts (id),
  id               BIGINT NOT NULL,
  type             TEXT NOT NULL CHECK (type IN ('mention', 'favourite', 'reblog', 'follow')),
  from_account_id  BIGINT NOT NULL REFERENCES accounts (id),
  status_id        BIGINT REFERENCES tweets (id),
  cause_id         BIGINT NOT NULL,
  created_at       TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (account_id, id),
  CHECK (from_account_id <> account_id)
);
CREATE UNIQUE INDEX notifications_one_per_cause ON notifications (account_id, type, cause_id);
CREATE INDEX notifications_by_type ON notifications (account_id, type, id DESC);
CREATE INDEX notifications_cause ON notifications (cause_id);
CREATE INDEX notifications_status ON notifications (status_id) WHERE status_id IS NOT NULL;

-- Where an account stopped reading a timeline, kept so another device starts there (Mastodon's markers).
CREATE TABLE markers (
  account_id    BIGINT NOT NULL REFERENCES accounts (id),
  timeline      TEXT NOT NULL CHECK (timeline IN ('home', 'notifications')),
  last_read_id  BIGINT NOT NULL,
  version       INTEGER NOT NULL DEFAULT 0,
  updated_at    TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (account_id, timeline)
);
