-- 'promoting' is the way up, as 'demoting' is the way down: the author is still pushed while fanout adds them to
-- every follower's pulled set, then becomes 'pull' (see src/domain/fanout-mode.ts).
ALTER TABLE accounts DROP CONSTRAINT accounts_fanout_mode_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_fanout_mode_check
  CHECK (fanout_mode IN ('push', 'promoting', 'pull', 'demoting'));
