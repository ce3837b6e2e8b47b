-- Moves with every change of a tweet's like, retweet and reply counts, in the same update: the cache keeps a tweet's
-- counters beside its body and takes a copy only if it is newer than the one it holds, so copies written out of order
-- (two workers, or a read racing a worker) never turn the counters back.
ALTER TABLE tweets ADD COLUMN counts_version BIGINT NOT NULL DEFAULT 0;
