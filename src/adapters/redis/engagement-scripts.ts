/**
 * Lua scripts for the engagement cache. A tweet's counters are one string, `version like retweet reply`, replaced
 * only by a newer version. A viewer's state is three keys in the viewer's slot: the set of tweets they liked, the set
 * of originals they retweeted, and a hash holding `from` (ids from it on are exact, once loaded) and a marker per
 * tweet undone since the state began (`l:<id>` unliked, `r:<id>` retweet undone), which a load must not undo.
 */

/** KEYS: counters. ARGV: version, like, retweet, reply, ttl → 1 if stored, 0 if a newer copy was there. */
export const PUT_COUNTERS = `
local held = redis.call('GET', KEYS[1])
if held then
  local version = tonumber(string.match(held, '^(%d+)'))
  if version and version >= tonumber(ARGV[1]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. ARGV[2] .. ' ' .. ARGV[3] .. ' ' .. ARGV[4], 'PX', ARGV[5])
return 1`;

/** KEYS: state, liked, retweeted. ARGV: tweet ids → false if not loaded, else { from, liked flags, retweeted flags }. */
export const VIEWER = `
local from = redis.call('HGET', KEYS[1], 'from')
if not from then return false end
return { from, redis.call('SMISMEMBER', KEYS[2], unpack(ARGV)), redis.call('SMISMEMBER', KEYS[3], unpack(ARGV)) }`;

/** KEYS: state, liked, retweeted. ARGV: ttl. Starts the viewer's state (answering nothing yet) unless it exists. */
export const BEGIN_VIEWER = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[2], KEYS[3])
redis.call('HSET', KEYS[1], 'begun', '1')
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 1`;

/**
 * KEYS: state, liked, retweeted. ARGV: from, ttl, n, n liked ids, then retweeted ids. Adds what the source of truth
 * said, except what was undone since the state began, and answers from `from` on (the lower of two loads).
 */
export const LOAD_VIEWER = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local n = tonumber(ARGV[3])
for i = 4, #ARGV do
  local liked = i < 4 + n
  local id = ARGV[i]
  if redis.call('HEXISTS', KEYS[1], (liked and 'l:' or 'r:') .. id) == 0 then
    redis.call('SADD', liked and KEYS[2] or KEYS[3], id)
  end
end
local from = redis.call('HGET', KEYS[1], 'from')
if not from or #ARGV[1] < #from or (#ARGV[1] == #from and ARGV[1] < from) then
  redis.call('HSET', KEYS[1], 'from', ARGV[1])
end
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
return 1`;

/**
 * KEYS: state, the set (liked or retweeted). ARGV: tweet id, '1' (done) or '0' (undone), marker letter. Records the
 * change if the viewer's state exists.
 */
export const SET_VIEWER = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local marker = ARGV[3] .. ':' .. ARGV[1]
if ARGV[2] == '1' then
  redis.call('SADD', KEYS[2], ARGV[1])
  redis.call('HDEL', KEYS[1], marker)
else
  redis.call('SREM', KEYS[2], ARGV[1])
  redis.call('HSET', KEYS[1], marker, '1')
end
local ttl = redis.call('PTTL', KEYS[1])
if ttl > 0 then redis.call('PEXPIRE', KEYS[2], ttl) end
return 1`;
