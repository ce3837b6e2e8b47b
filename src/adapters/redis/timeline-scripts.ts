/**
 * Lua scripts for the timeline cache, so each operation on a reader's timeline is atomic. A timeline is two keys in
 * one hash slot: a sorted set whose members are `<20-digit zero-padded tweet id>:<author id>`, all with score 0 so
 * they order by bytes — exactly by id, however large — and a hash holding the floor (padded) and whether the
 * timeline is complete. The hash's existence is the timeline's existence; its expiry is the timeline's.
 */

/** Shared by the scripts: add members at or above the floor, trim to the cap, raise the floor past what was trimmed. */
const ADD_AND_TRIM = `
local function add_and_trim(zset, meta, floor, max, first)
  for i = first, #ARGV do
    if string.sub(ARGV[i], 1, 20) >= floor then redis.call('ZADD', zset, 0, ARGV[i]) end
  end
  local n = redis.call('ZCARD', zset)
  if n > max then
    redis.call('ZREMRANGEBYRANK', zset, 0, n - max - 1)
    floor = string.sub(redis.call('ZRANGE', zset, 0, 0)[1], 1, 20)
    redis.call('HSET', meta, 'floor', floor)
  end
  return floor
end
`;

/**
 * KEYS: zset, meta. ARGV: max, member → 1 if the timeline exists and the entry is not below its floor, else 0.
 * The sorted set gets the hash's remaining life, never more: fanout does not extend a timeline.
 */
export const INSERT = `${ADD_AND_TRIM}
local floor = redis.call('HGET', KEYS[2], 'floor')
if not floor or string.sub(ARGV[2], 1, 20) < floor then return 0 end
add_and_trim(KEYS[1], KEYS[2], floor, tonumber(ARGV[1]), 2)
local ttl = redis.call('PTTL', KEYS[2])
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1`;

/** KEYS: zset, meta. ARGV: max bound, min bound, limit, ttl → nil on a miss, else { floor, members }. */
export const READ = `
local meta = redis.call('HMGET', KEYS[2], 'floor', 'complete')
if not meta[1] or meta[2] ~= '1' then return false end
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return { meta[1], redis.call('ZRANGE', KEYS[1], ARGV[1], ARGV[2], 'BYLEX', 'REV', 'LIMIT', 0, tonumber(ARGV[3])) }`;

/**
 * KEYS: zset, meta. ARGV: ttl. Makes an empty, incomplete timeline unless one exists. A sorted set outliving its
 * hash (they expire within a millisecond of each other) is dropped, so no stale entry joins the new timeline.
 */
export const BEGIN = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[2], 'floor', '${'0'.repeat(20)}', 'complete', '0')
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1`;

/** KEYS: zset, meta. ARGV: floor, max, ttl, members… Merges a rebuild and marks the timeline complete. */
export const COMPLETE = `${ADD_AND_TRIM}
local current = redis.call('HGET', KEYS[2], 'floor')
if not current then return 0 end
local floor = ARGV[1]
if current > floor then floor = current end
redis.call('ZREMRANGEBYLEX', KEYS[1], '-', '(' .. floor)
redis.call('HSET', KEYS[2], 'floor', floor, 'complete', '1')
add_and_trim(KEYS[1], KEYS[2], floor, tonumber(ARGV[2]), 4)
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/** KEYS: zset, meta. ARGV: max, members… Adds entries to an existing timeline (not below its floor). */
export const MERGE = `${ADD_AND_TRIM}
local floor = redis.call('HGET', KEYS[2], 'floor')
if not floor then return 0 end
add_and_trim(KEYS[1], KEYS[2], floor, tonumber(ARGV[1]), 2)
local ttl = redis.call('PTTL', KEYS[2])
if ttl > 0 then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1`;

/** KEYS: zset. ARGV: author id. Removes every entry by that author. */
export const REMOVE_AUTHOR = `
local suffix = ':' .. ARGV[1]
local removed = 0
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(member, -#suffix) == suffix then
    redis.call('ZREM', KEYS[1], member)
    removed = removed + 1
  end
end
return removed`;
