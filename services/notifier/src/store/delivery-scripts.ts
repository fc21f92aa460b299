// Lua sources of the delivery side of the group store (key layout: group-scripts.ts).

/**
 * Shared Lua helpers. quietScan: the incidents of a group without pending occurrences that are news anyway —
 * resolved (notified, then no occurrence for resolveAfter `ra`; 0 disables) or due for a reminder (the group
 * is unchanged and its last message is repeatInterval `ri` old). Returns the items and the earliest time a
 * later scan could find one (a lower bound: occurrences only move it later).
 */
const QUIET_SCAN = `
local function lastSeen(inc)
  if inc.o and inc.o > inc.l then return inc.o end
  return inc.l
end
local function quietScan(ik, now, ra, ri, lastSent, withItems)
  local items, nextChk, hold = {}, lastSent + ri, false
  local remind = lastSent > 0 and now - lastSent >= ri
  local all = redis.call('HGETALL', ik)
  for i = 1, #all, 2 do
    local inc = cjson.decode(all[i + 1])
    if inc.n == 0 and inc.sent == 1 then
      local last = lastSeen(inc)
      local st
      if ra > 0 and now - last >= ra then st = 'r'
      elseif remind then st = 'o' end
      if ra > 0 then
        -- a notified incident waits for its resolved notice: the group is kept until it went out
        hold = true
        if last + ra < nextChk then nextChk = last + ra end
      end
      if st then
        if not withItems then return true, nextChk, hold end
        table.insert(items, {k = all[i], s = inc.s, c = inc.c, f = inc.f, l = inc.l, n = 0, o = inc.o, w = 0, st = st})
      end
    end
  end
  if not withItems then return false, nextChk, hold end
  return items, nextChk, hold
end
`;

/** Shared Lua helper: put taken items of one group back (recreating the group when it expired). */
const RESTORE_GROUP = `
local function restoreGroup(pre, g, rec, now)
  local gk = pre .. ':g:' .. g
  local ik = pre .. ':gi:' .. g
  local meta = rec.meta
  if redis.call('EXISTS', gk) == 0 then
    redis.call('HSET', gk, 'receiver', meta.r, 'groupKey', meta.k, 'labels', meta.l, 'route', meta.rt,
      'gw', meta.gw, 'gi', meta.gi, 'ri', meta.ri, 'idle', meta.idle, 'newInc', 0, 'pending', 0,
      'lastSent', 0, 'lastActivity', now)
  end
  local sum = 0
  for _, it in ipairs(rec.items) do
    -- resolved notices and reminders (n = 0) put nothing back
    if it.n > 0 then
    local raw = redis.call('HGET', ik, it.k)
    local inc
    if raw then inc = cjson.decode(raw) else inc = {s = it.s, c = it.c, f = it.f, l = it.l, n = 0, sent = 0, o = it.o} end
    if inc.n == 0 or it.o < inc.o then inc.o = it.o end
    inc.n = inc.n + it.n
    if it.w == 1 and inc.sent == 1 then
      inc.sent = 0
      redis.call('HINCRBY', gk, 'newInc', 1)
    elseif not raw then
      redis.call('HINCRBY', gk, 'newInc', 1)
    end
    redis.call('HSET', ik, it.k, cjson.encode(inc))
    sum = sum + it.n
    end
  end
  redis.call('HINCRBY', gk, 'pending', sum)
  redis.call('ZADD', pre .. ':ready:' .. meta.r, 'NX', now, g)
  redis.call('ZADD', pre .. ':due', 'NX', now, g)
  return sum
end

local function restoreAll(pre, key, now)
  local all = redis.call('HGETALL', key)
  local sum = 0
  for i = 1, #all, 2 do sum = sum + restoreGroup(pre, all[i], cjson.decode(all[i + 1]), now) end
  redis.call('DEL', key)
  return sum
end
`;

/**
 * ARGV: prefix, now, limit, JSON {route: resolveAfter ms}, default resolveAfter ms. Returns flat
 * [gid, receiver, window, ...] of groups to flush now. Alertmanager's rule, with growth as a change: a group
 * that changed since its last message (new incidents, or occurrences of known ones: their count grew) is
 * flushed at groupInterval; an unchanged one only for resolved notices or, after repeatInterval, a reminder.
 * A group with nothing left to say is deleted after `idle`.
 */
export const CLAIM_DUE = `${QUIET_SCAN}
local pre, now, limit = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local ras, raDefault = cjson.decode(ARGV[4] or '{}'), tonumber(ARGV[5] or '0')
local dueKey = pre .. ':due'
local due = redis.call('ZRANGEBYSCORE', dueKey, '-inf', now, 'LIMIT', 0, limit)
local out = {}
for _, g in ipairs(due) do
  local gk = pre .. ':g:' .. g
  local m = redis.call('HMGET', gk, 'receiver', 'gi', 'ri', 'newInc', 'pending', 'lastSent', 'lastActivity',
    'idle', 'route', 'chk', 'hold')
  if not m[1] then
    redis.call('ZREM', dueKey, g)
  else
    local gi, ri = tonumber(m[2]), tonumber(m[3])
    local newInc, pending = tonumber(m[4]), tonumber(m[5])
    local lastSent, lastAct, idle = tonumber(m[6]), tonumber(m[7]), tonumber(m[8])
    local flush = newInc > 0 or pending > 0
    -- hold: a notified incident still waits for its resolved notice (as of the last scan)
    local hold = m[11] == '1'
    if not flush and lastSent > 0 and now >= tonumber(m[10] or '0') then
      local ra = tonumber(ras[m[9]] or raDefault)
      local found, nextChk, h = quietScan(pre .. ':gi:' .. g, now, ra, ri, lastSent, false)
      hold = h
      if found then flush = true else redis.call('HSET', gk, 'chk', nextChk, 'hold', h and 1 or 0) end
    end
    if flush then
      local wk = pre .. ':w:' .. g
      local w = redis.call('INCR', wk)
      redis.call('PEXPIRE', wk, 30 * 86400000)
      redis.call('ZADD', pre .. ':ready:' .. m[1], 'NX', now, g)
      redis.call('ZADD', dueKey, now + gi, g)
      table.insert(out, g)
      table.insert(out, m[1])
      table.insert(out, w)
    elseif pending == 0 and now - lastAct >= idle and not hold then
      redis.call('DEL', gk, pre .. ':gi:' .. g)
      redis.call('ZREM', dueKey, g)
      redis.call('ZREM', pre .. ':ready:' .. m[1], g)
    else
      redis.call('ZADD', dueKey, now + gi, g)
    end
  end
end
return out
`;

/**
 * ARGV: prefix, jobId, receiver, own gid, merge limit (0: own group only), now, take ttl, JSON {route:
 * resolveAfter}, default resolveAfter. First puts back an unfinished take of the same job (a crashed
 * attempt), then takes the pending occurrences of the group(s), plus resolved notices and (for an unchanged
 * group past repeatInterval) reminders. Returns {recovered, JSON [{g, meta, items}], ready groups left}.
 */
export const TAKE = `${QUIET_SCAN}${RESTORE_GROUP}
local pre, jobId, recv, own = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local mergeLimit, now, ttl = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local ras, raDefault = cjson.decode(ARGV[8] or '{}'), tonumber(ARGV[9] or '0')
local tk = pre .. ':take:' .. jobId
local recovered = restoreAll(pre, tk, now)
local readyKey = pre .. ':ready:' .. recv
local gids = {own}
if mergeLimit > 0 then
  for _, g in ipairs(redis.call('ZRANGE', readyKey, 0, mergeLimit - 1)) do
    if g ~= own then table.insert(gids, g) end
  end
end
local result = {}
for _, g in ipairs(gids) do
  redis.call('ZREM', readyKey, g)
  local gk = pre .. ':g:' .. g
  local ik = pre .. ':gi:' .. g
  local m = redis.call('HMGET', gk, 'receiver', 'groupKey', 'labels', 'route', 'gw', 'gi', 'ri', 'idle', 'lastSent')
  if m[1] then
    local items, sum, newCount = {}, 0, 0
    local all = redis.call('HGETALL', ik)
    for i = 1, #all, 2 do
      local inc = cjson.decode(all[i + 1])
      if inc.n > 0 then
        local w = 0
        if inc.sent == 0 then w = 1; newCount = newCount + 1; inc.sent = 1 end
        table.insert(items, {k = all[i], s = inc.s, c = inc.c, f = inc.f, l = inc.l, n = inc.n, o = inc.o, w = w})
        sum = sum + inc.n
        inc.n = 0
        redis.call('HSET', ik, all[i], cjson.encode(inc))
      end
    end
    local ra = tonumber(ras[m[4]] or raDefault)
    local lastSent = tonumber(m[9] or '0')
    -- reminders only for an unchanged group; resolved notices ride along with any message of the group
    local quiet = quietScan(ik, now, ra, #items > 0 and 1e15 or tonumber(m[7]), lastSent, true)
    for _, it in ipairs(quiet) do table.insert(items, it) end
    if sum > 0 then redis.call('HINCRBY', gk, 'pending', -sum) end
    -- Lua 5.1 formats -0 as "-0", which HINCRBY rejects; a failing script keeps its earlier writes
    if newCount > 0 then redis.call('HINCRBY', gk, 'newInc', -newCount) end
    if #items > 0 then
      local meta = {r = m[1], k = m[2], l = m[3], rt = m[4], gw = tonumber(m[5]), gi = tonumber(m[6]),
        ri = tonumber(m[7]), idle = tonumber(m[8])}
      local rec = {meta = meta, items = items}
      redis.call('HSET', tk, g, cjson.encode(rec))
      table.insert(result, {g = g, meta = meta, items = items})
    end
  end
end
if #result > 0 then redis.call('PEXPIRE', tk, ttl) end
return {recovered, cjson.encode(result), redis.call('ZCARD', readyKey)}
`;

/**
 * ARGV: prefix, jobId, now. Marks the taken groups as sent, forgets the incidents whose resolved notice went
 * out (unless they occurred again meanwhile) and the take. Returns groups.
 */
export const COMMIT = `
local pre, jobId, now = ARGV[1], ARGV[2], tonumber(ARGV[3])
local tk = pre .. ':take:' .. jobId
local all = redis.call('HGETALL', tk)
for i = 1, #all, 2 do
  local g = all[i]
  local gk = pre .. ':g:' .. g
  if redis.call('EXISTS', gk) == 1 then
    redis.call('HSET', gk, 'lastSent', now, 'chk', 0, 'hold', 1)
    -- the group's next message comes no earlier than groupInterval after this one
    local gi = tonumber(redis.call('HGET', gk, 'gi') or '0')
    redis.call('ZADD', pre .. ':due', 'XX', 'GT', now + gi, g)
    local ik = pre .. ':gi:' .. g
    for _, it in ipairs(cjson.decode(all[i + 1]).items) do
      if it.st == 'r' then
        local raw = redis.call('HGET', ik, it.k)
        if raw and cjson.decode(raw).n == 0 then redis.call('HDEL', ik, it.k) end
      end
    end
  end
end
redis.call('DEL', tk)
return #all / 2
`;

/** ARGV: prefix, jobId, now. Puts a take back (send failed). Returns occurrences restored. */
export const RESTORE = `${RESTORE_GROUP}
return restoreAll(ARGV[1], ARGV[1] .. ':take:' .. ARGV[2], tonumber(ARGV[3]))
`;

/**
 * ARGV: prefix, jobId, ttl. Keeps a take of a permanently failed job for \`failed retry\`, and makes its
 * incidents that this message was to announce new again: their next occurrences are news, not repeats of
 * something nobody was told.
 */
export const PARK = `
local pre = ARGV[1]
local tk = pre .. ':take:' .. ARGV[2]
if redis.call('EXISTS', tk) == 0 then return 0 end
local all = redis.call('HGETALL', tk)
for i = 1, #all, 2 do
  local ik = pre .. ':gi:' .. all[i]
  for _, it in ipairs(cjson.decode(all[i + 1]).items) do
    if it.w == 1 then
      local raw = redis.call('HGET', ik, it.k)
      if raw then
        local inc = cjson.decode(raw)
        if inc.sent == 1 then
          inc.sent = 0
          redis.call('HSET', ik, it.k, cjson.encode(inc))
          if inc.n > 0 then redis.call('HINCRBY', pre .. ':g:' .. all[i], 'newInc', 1) end
        end
      end
    end
  end
end
local fk = pre .. ':ftake:' .. ARGV[2]
redis.call('HSET', fk, unpack(all))
redis.call('DEL', tk)
redis.call('PEXPIRE', fk, tonumber(ARGV[3]))
return 1
`;

/** ARGV: prefix, jobId, now. Restores a parked take (before retrying a failed job). */
export const UNPARK = `${RESTORE_GROUP}
return restoreAll(ARGV[1], ARGV[1] .. ':ftake:' .. ARGV[2], tonumber(ARGV[3]))
`;
