-- Counters move with a flag on the row they count, so the order two workers count a creation and its deletion in
-- never shows: a tweet counts while it is not deleted, a follow or a like from when its creation is counted until it
-- is removed (and its removal takes back only what was counted). New rows start uncounted.
ALTER TABLE tweets ADD COLUMN counted BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE tweets ALTER COLUMN counted SET DEFAULT false;
ALTER TABLE follows ADD COLUMN counted BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE follows ALTER COLUMN counted SET DEFAULT false;
ALTER TABLE likes ADD COLUMN counted BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE likes ALTER COLUMN counted SET DEFAULT false;

-- Existing rows were counted as their events were, except those whose events still wait in the outbox: a creation
-- not yet counted, and a deleted tweet whose deletion was counted already.
WITH pending AS (SELECT payload::jsonb AS event FROM outbox)
UPDATE tweets t SET counted = false
 WHERE t.id IN (SELECT (event ->> 'tweetId')::bigint FROM pending WHERE event ->> 'type' = 'tweet.created')
    OR (t.status = 'DELETED'
        AND t.id NOT IN (SELECT (event ->> 'tweetId')::bigint FROM pending WHERE event ->> 'type' = 'tweet.deleted'));

WITH pending AS (SELECT payload::jsonb AS event FROM outbox WHERE payload::jsonb ->> 'type' = 'follow.created')
UPDATE follows f SET counted = false
  FROM pending p
 WHERE f.follower_id = (p.event ->> 'followerId')::bigint AND f.followee_id = (p.event ->> 'followeeId')::bigint;

WITH pending AS (SELECT payload::jsonb AS event FROM outbox WHERE payload::jsonb ->> 'type' = 'tweet.liked')
UPDATE likes l SET counted = false
  FROM pending p
 WHERE l.account_id = (p.event ->> 'accountId')::bigint AND l.tweet_id = (p.event ->> 'tweetId')::bigint;
