/**
 * Lua scripts for the timeline cache, so each operation on a reader's timeline is atomic. A timeline is keys in one
 * hash slot:
 *
 * - a list, newest first, of `tweet id, author id` pairs — two elements per entry, each the decimal id as given, which
 *   Redis stores as a 64-bit integer in the list's packed nodes (listpack): about 20 bytes an entry;
 * - a hash holding the floor (a tweet id) and whether the timeline is complete. The hash's existence is the
 *   timeline's existence; its expiry is the timeline's;
 * - a set of the authors the reader pulls (celebrities and crossing authors), absent when empty, expiring with it;
 * - a hash of the authors kept out (unfollowed lately): their entries are refused, whatever brings them. It lives on
 *   its own expiry, whether or not the timeline exists, so an entry racing the unfollow cannot come back through a
 *   timeline created after it.
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

-- Adds one entry where its id belongs, unless that tweet is there already; 1 if it was added. head is the list's
-- first element (false when there is none): fanout's entries are almost always the newest, so then it is one LPUSH,
-- not a search.
local function add(list, tweet, author, head)
  if not head or older(head, tweet) then
    redis.call('LPUSH', list, author, tweet)
    return 1
  end
  if head == tweet then return 0 end
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

-- The authors kept out of a timeline, as a Lua set.
local function kept_out(out)
  local gone = {}
  local flat = redis.call('HGETALL', out)
  for i = 1, #flat, 2 do gone[flat[i]] = true end
  return gone
end

-- Merges the pairs ARGV[first..], newest first, into the list: one entry per tweet, none below the floor, none by an
-- author kept out, at most max.
local function merge(list, meta, out, floor, max, first)
  local gone = kept_out(out)
  local current = redis.call('LRANGE', list, 0, -1)
  local kept = {}
  local i, j = 1, first
  while #kept < 2 * max and (i <= #current or j < #ARGV) do
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
    if not older(tweet, floor) and not gone[author] then
      kept[#kept + 1] = tweet
      kept[#kept + 1] = author
    end
  end
  redis.call('DEL', list)
  push(list, kept, 'RPUSH')
  if #kept == 2 * max and (i <= #current or j < #ARGV) then
    floor = kept[#kept - 1]
    redis.call('HSET', meta, 'floor', floor)
  end
  return floor
end

-- The list (and the pulled set) live exactly as long as the hash: fanout never extends a timeline.
local function follow_expiry(list, meta)
  local ttl = redis.call('PTTL', meta)
  if ttl > 0 then redis.call('PEXPIRE', list, ttl) end
end

-- Puts the author in or out of the reader's pulled set, if the timeline exists (complete or not).
local function set_pulled(meta, pulled, author, flag)
  if redis.call('EXISTS', meta) == 0 then return 0 end
  if flag == '1' then redis.call('SADD', pulled, author) else redis.call('SREM', pulled, author) end
  follow_expiry(pulled, meta)
  return 1
end
`;

/**
 * KEYS: list, meta, kept out. ARGV: max, tweet id, author id → 1 if the timeline exists and took the entry (not below
 * its floor, not there already, not by an author kept out), else 0.
 */
export const INSERT = `${HELPERS}
local floor = redis.call('HGET', KEYS[2], 'floor')
if not floor or older(ARGV[2], floor) then return 0 end
if redis.call('HEXISTS', KEYS[3], ARGV[3]) == 1 then return 0 end
local head = redis.call('LINDEX', KEYS[1], 0)
local added = add(KEYS[1], ARGV[2], ARGV[3], head)
trim(KEYS[1], KEYS[2], floor, tonumber(ARGV[1]))
-- A list that existed already expires with the hash (every script that makes a list or extends the hash sets both);
-- only a list this insert made needs the hash's expiry.
if not head then follow_expiry(KEYS[1], KEYS[2]) end
return added`;

/**
 * KEYS: list, meta, pulled. ARGV: before (exclusive; '' for none), after (exclusive; '' for none), limit, ttl,
 * 'oldest' to take the page from the window's oldest end (else '') → nil on a miss, else { floor, { tweet id,
 * author id, … } newest first, { pulled author, … } }.
 */
export const READ = `${HELPERS}
local meta = redis.call('HMGET', KEYS[2], 'floor', 'complete')
if not meta[1] or meta[2] ~= '1' then return false end
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[3], ARGV[4])
local pulled = redis.call('SMEMBERS', KEYS[3])
local n = redis.call('LLEN', KEYS[1]) / 2
local start = 0
if ARGV[1] ~= '' then start = first_older(KEYS[1], n, ARGV[1]) end
local limit = tonumber(ARGV[3])
if limit <= 0 or start >= n then return { meta[1], {}, pulled } end
if ARGV[5] == 'oldest' then
  -- The entries newer than after end where the first one not newer than it starts.
  local stop = n
  if ARGV[2] ~= '' then
    stop = first_older(KEYS[1], n, ARGV[2])
    if stop > 0 and redis.call('LINDEX', KEYS[1], 2 * (stop - 1)) == ARGV[2] then stop = stop - 1 end
  end
  local from = math.max(start, stop - limit)
  if from >= stop then return { meta[1], {}, pulled } end
  return { meta[1], redis.call('LRANGE', KEYS[1], 2 * from, 2 * stop - 1), pulled }
end
local items = redis.call('LRANGE', KEYS[1], 2 * start, 2 * (start + limit) - 1)
if ARGV[2] == '' then return { meta[1], items, pulled } end
local newer = {}
for i = 1, #items, 2 do
  if not older(ARGV[2], items[i]) then break end
  newer[#newer + 1] = items[i]
  newer[#newer + 1] = items[i + 1]
end
return { meta[1], newer, pulled }`;

/**
 * KEYS: list, meta, pulled. ARGV: ttl. Makes an empty, incomplete timeline unless one exists. A list (or pulled set)
 * outliving its hash (they expire within a millisecond of each other) is dropped, so nothing stale joins the new one.
 */
export const BEGIN = `
if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end
redis.call('DEL', KEYS[1], KEYS[3])
redis.call('HSET', KEYS[2], 'floor', '0', 'complete', '0')
redis.call('PEXPIRE', KEYS[2], ARGV[1])
return 1`;

/**
 * KEYS: list, meta, pulled, kept out. ARGV: floor, max, ttl, n, n pulled authors, then tweet id, author id, …
 * (newest first). Merges a rebuild into what fanout wrote meanwhile (the pulled authors too: a crossing may have
 * added one while the rebuild read), leaving out authors kept out, and marks the timeline complete.
 */
export const COMPLETE = `${HELPERS}
local current = redis.call('HGET', KEYS[2], 'floor')
if not current then return 0 end
local floor = ARGV[1]
if older(floor, current) then floor = current end
redis.call('HSET', KEYS[2], 'floor', floor, 'complete', '1')
local n = tonumber(ARGV[4])
local gone = kept_out(KEYS[4])
for i = 5, 4 + n do
  if not gone[ARGV[i]] then redis.call('SADD', KEYS[3], ARGV[i]) end
end
merge(KEYS[1], KEYS[2], KEYS[4], floor, tonumber(ARGV[2]), 5 + n)
redis.call('PEXPIRE', KEYS[2], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
redis.call('PEXPIRE', KEYS[3], ARGV[3])
return 1`;

/**
 * KEYS: list, meta, kept out. ARGV: max, floor of what is merged ('0' for none), tweet id, author id, … (newest first).
 * Adds entries to an existing timeline, but none by an author kept out; a higher floor than the timeline's raises it.
 */
export const MERGE = `${HELPERS}
local floor = redis.call('HGET', KEYS[2], 'floor')
if not floor then return 0 end
if older(floor, ARGV[2]) then
  floor = ARGV[2]
  redis.call('HSET', KEYS[2], 'floor', floor)
end
merge(KEYS[1], KEYS[2], KEYS[3], floor, tonumber(ARGV[1]), 3)
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

/**
 * KEYS: list, meta, pulled, kept out. ARGV: author id, ttl. The reader unfollowed the author: every entry by them
 * goes, they leave the pulled set, and they are kept out for `ttl` (whether or not a timeline exists now).
 */
export const UNFOLLOWED = `${HELPERS}
redis.call('HSET', KEYS[4], ARGV[1], '1')
redis.call('PEXPIRE', KEYS[4], ARGV[2])
redis.call('SREM', KEYS[3], ARGV[1])
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

/**
 * KEYS: meta, pulled, kept out. ARGV: author id, pulled ('1' or '0'). The reader follows the author (again): their
 * entries are let in, and they join (or leave) the pulled set.
 */
export const FOLLOWED = `${HELPERS}
redis.call('HDEL', KEYS[3], ARGV[1])
return set_pulled(KEYS[1], KEYS[2], ARGV[1], ARGV[2])`;

/** KEYS: meta, pulled. ARGV: author id, pulled ('1' or '0'). A crossing author joins (or leaves) the pulled set. */
export const SET_PULLED = `${HELPERS}
return set_pulled(KEYS[1], KEYS[2], ARGV[1], ARGV[2])`;
