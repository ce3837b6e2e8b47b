-- How an author's tweets reach followers: pushed into their cached timelines, or pulled at read time (celebrities).
-- 'demoting' is the way back: readers keep pulling while fanout merges the author's recent tweets into followers'
-- timelines, then the author becomes 'push'. The mode changes in the follow transaction, with hysteresis.
ALTER TABLE accounts
  ADD COLUMN fanout_mode TEXT NOT NULL DEFAULT 'push' CHECK (fanout_mode IN ('push', 'pull', 'demoting'));
CREATE INDEX accounts_pulled ON accounts (id) WHERE fanout_mode <> 'push';
