/**
 * Lua scripts for the timeline cache, so each operation on a reader's timeline is atomic. A timeline is two keys in
 * one hash slot:
 *
 * - a list, newest first, of `tweet id, author id` pairs — two elements per entry, each the decimal id as given, which
 *   Redis stores as a 64-bit integer in the list's packed nodes (listpack): about 20 bytes an entry;
 * - a hash holding the floor (a tweet id) and whether the timeline is complete. The hash's existence is the
 *   timeline's existence; its expiry is the timeline's.
 *
 * Ids are compared as decimal strings without leading zeros — the longer is larger, equal lengths compare by bytes —
 * so order is exact however large the id (Lua's numbers are doubles). List positions are found by binary search on
 * the tweet ids (even positions); nothing is ever matched by value, so a tweet id equal to an author id is harmless.
 */

const HELPERS = `
local function older(a, b)
  if #a ~= #b then return #a < #b end
  return a < b
end

-- The position (in entries, from 0) of the first entry older than id, in a list of n entries.
local function first_older(list, n, id)
  local lo, hi = 0, n
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if older(redis.call('LINDEX', list, 2 * mid), id) then hi = mid else lo = mid + 1 end
  end
  return lo
end

local function push(list, items, command)
  for i = 1, #items, 1000 do
    redis.call(command, list, unpack(items, i, math.min(i + 999, #items)))
  end
end

-- Adds one entry where its id belongs, unless that tweet is there already; 1 if it was added.
local function add(list, tweet, author)
  local n = redis.call('LLEN', list) / 2
  local at = first_older(list, n, tweet)
  if at > 0 and redis.call('LINDEX', list, 2 * (at - 1)) == tweet then return 0 end
  if at == n then
    redis.call('RPUSH', list, tweet, author)
  elseif at == 0 then
    redis.call('LPUSH', list, author, tweet)
  else
    local newer = redis.call('LRANGE', list, 0, 2 * at - 1)
    redis.call('LTRIM', list, 2 * at, -1)
    redis.call('LPUSH', list, author, tweet)
    local reversed = {}
    for i = #newer, 1, -1 do reversed[#reversed + 1] = newer[i] end
    push(list, reversed, 'LPUSH')
  end
  return 1
end

-- Keeps the newest max entries; the floor rises to the oldest kept when any were trimmed.
local function trim(list, meta, floor, max)
  if redis.call('LLEN', list) > 2 * max then
    redis.call('LTRIM', list, 0, 2 * max - 1)
    floor = redis.call('LINDEX', list, 2 * max - 2)
    redis.call('HSET', meta, 'floor', floor)
  end
  return floor
end

-- Merges the pairs ARGV[first..], newest first, into the list: one entry per tweet, none below the floor, at most max.
local function merge(list, meta, floor, max, first)
  local current = redis.call('LRANGE', list, 0, -1)
  local out = {}
  local i, j = 1, first
  while #out < 2 * max and (i <= #current or j < #ARGV) do
    local take_current
    if i > #current then take_current = false
    elseif j >= #ARGV then take_current = true
    else take_current = not older(current[i], ARGV[j]) end
    local tweet, author
    if take_current then
      tweet, author = current[i], current[i + 1]
      i = i + 2
      if j < #ARGV and ARGV[j] == tweet then j = j + 2 end
    else
      tweet, author = ARGV[j], ARGV[j + 1]
      j = j + 2
    end
    if not older(tweet, floor) then
      out[#out + 1] = tweet
      out[#out + 1] = author
    end
  end
  redis.call('DEL', list)
  push(list, out, 'RPUSH')
  if #out == 2 * max and (i <= #current or j < #ARGV) then
    floor = out[#out - 1]
    redis.call('HSET', meta, 'floor', floor)
  end
  return floor
end

-- The list lives exactly as long as the hash: fanout never extends a timeline.
local function follow_expiry(list, meta)
  local ttl = redis.call('PTTL', meta)
  if ttl > 0 then redis.call('PEXPIRE', list, ttl) end
end
`;

/**
 * KEYS: list, meta. ARGV: max, tweet id, author id → 1 if the timeline exists and took the entry (not below its
 * floor, not there already), else 0.
 */
export const INSERT = `${HELPERS}
local floor = redis.call('HGET', KEYS[2], 'floor')
if not floor or older(ARGV[2], floor) then return 0 end
local added = add(KEYS[1], ARGV[2], ARGV[3])
trim(KEYS[1], KEYS[2], floor, tonumber(ARGV[1]))
follow_expiry(KEYS[1], KEYS[2])
return added`;

/**
 * KEYS: list, meta. ARGV: before (exclusive; '' for none), after (exclusive; '' for none), limit, ttl, 'oldest' to
 * take the page from the window's oldest end (else '') → nil on a miss, else { floor, { tweet id, author id, … } }
 * newest first.
 */
export const READ = `${HELPERS}
local meta = redis.call('HMGET', KEYS[2], 'floor', 'complete')
if not meta[1] or meta[2] ~= '1' then return false end
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local n = redis.call('LLEN', KEYS[1]) / 2
local start = 0
if ARGV[1] ~= '' then start = first_older(KEYS[1], n, ARGV[1]) end
local limit = tonumber(ARGV[3])
if limit <= 0 or start >= n then return { meta[1], {} } end
if ARGV[5] == 'oldest' then
  -- The entries newer than after end where the first one not newer than it starts.
  local stop = n
  if ARGV[2] ~= '' then
    stop = first_older(KEYS[1], n, ARGV[2])
    if stop > 0 and redis.call('LINDEX', KEYS[1], 2 * (stop - 1)) == ARGV[2] then stop = stop - 1 end
  end
  local from = math.max(start, stop - limit)
  if from >= stop then return { meta[1], {} } end
  return { meta[1], redis.call('LRANGE', KEYS[1], 2 * from, 2 * stop - 1) }
end
local items = redis.call('LRANGE', KEYS[1], 2 * start, 2 * (start + limit) - 1)
if ARGV[2] == '' then return { meta[1], items } end
local newer = {}
for i = 1, #items, 2 do
  if not older(ARGV[2], items[i]) then break end
  newer[#newer + 1] = items[i]
  newer[#newer + 1] = items[i + 1]
end
return { meta[1], newer }`;

/**
 * KEYS: list, meta. ARGV: ttl. Makes an empty, incomplete timeline unless one exists. A list outliving its hash
 * (they expire within a millisecond of each other) is dropped, so no stale entry joins the new timeline.
 */
export const BEGIN = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[2], 'floor', '0', 'complete', '0')
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1`;

/**
 * KEYS: list, meta. ARGV: floor, max, ttl, tweet id, author id, … (newest first). Merges a rebuild into what fanout
 * wrote meanwhile and marks the timeline complete.
 */
export const COMPLETE = `${HELPERS}
local current = redis.call('HGET', KEYS[2], 'floor')
if not current then return 0 end
local floor = ARGV[1]
if older(floor, current) then floor = current end
redis.call('HSET', KEYS[2], 'floor', floor, 'complete', '1')
merge(KEYS[1], KEYS[2], floor, tonumber(ARGV[2]), 4)
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`;

/** KEYS: list, meta. ARGV: max, tweet id, author id, … (newest first). Adds entries to an existing timeline. */
export const MERGE = `${HELPERS}
local floor = redis.call('HGET', KEYS[2], 'floor')
if not floor then return 0 end
merge(KEYS[1], KEYS[2], floor, tonumber(ARGV[1]), 2)
follow_expiry(KEYS[1], KEYS[2])
return 1`;

/** KEYS: list. ARGV: tweet id. Removes that tweet's entry, if the timeline holds it. */
export const REMOVE = `${HELPERS}
local n = redis.call('LLEN', KEYS[1]) / 2
local at = first_older(KEYS[1], n, ARGV[1])
if at == 0 or redis.call('LINDEX', KEYS[1], 2 * (at - 1)) ~= ARGV[1] then return 0 end
-- Positions, not values, say what goes: both elements become a marker no id can equal, then the markers go.
redis.call('LSET', KEYS[1], 2 * (at - 1), '-')
redis.call('LSET', KEYS[1], 2 * at - 1, '-')
redis.call('LREM', KEYS[1], 2, '-')
return 1`;

/** KEYS: list, meta. ARGV: author id. Removes every entry by that author. */
export const REMOVE_AUTHOR = `${HELPERS}
local current = redis.call('LRANGE', KEYS[1], 0, -1)
local kept = {}
for i = 1, #current, 2 do
  if current[i + 1] ~= ARGV[1] then
    kept[#kept + 1] = current[i]
    kept[#kept + 1] = current[i + 1]
  end
end
if #kept == #current then return 0 end
redis.call('DEL', KEYS[1])
push(KEYS[1], kept, 'RPUSH')
follow_expiry(KEYS[1], KEYS[2])
return (#current - #kept) / 2`;
