// Lua sources of the group store. Keys are built inside the scripts from a prefix: the notifier targets a
// single Redis (not Redis Cluster), and one script per batch keeps dedup + group update atomic together.
//
// Layout under prefix P:
//   P:d:<bucket>:<shard>    dedup: per event uid (hashed) the highest count recorded, field `<uid>|<receiver>`
//                           (joined that receiver's groups) or `<uid>` (recorded without any group: dropped,
//                           silenced, unrouted — only makes a redelivery count as deduped, never blocks
//                           grouping). An occurrence whose count is not above it is a duplicate. bucket =
//                           floor(Redis time / (ttl/2)); reads cover the last 3 buckets; a bucket key expires ttl
//                           after its end, so a uid is remembered ttl to 1.5 ttl after its last occurrence.
//   P:seen:<occ>:<receiver>, P:seenx:<occ>, P:seen:<occ>  per-occurrence marks of earlier versions: read
//                           only, for uids not in the buckets; gone once dedup.ttl has passed since the upgrade
//   P:g:<gid>               group hash: receiver, groupKey, labels, route, gw, gi, ri, idle, newInc, pending,
//                           lastSent, lastActivity
//   P:gi:<gid>              incidents: incidentKey -> JSON {s summary, c count, f first, l last, n pending,
//                           sent 0/1, o oldest pending observedAt}
//   P:gl:<gid>              ZSET incidentKey -> last occurrence recorded (ms): finds the idle incidents that
//                           RECORD_BATCH prunes (nothing pending, idle > repeatInterval, route without
//                           resolveAfter); expires with the group's idle time + repeatInterval
//   P:stats                 hash of counters (incidentsPruned)
//   P:w:<gid>               flush window counter (outlives the group so job ids never repeat)
//   P:due                   ZSET gid -> next check time
//   P:ready:<receiver>      ZSET gid -> time a flush job was enqueued and not yet taken
//   P:take:<jobId>          hash gid -> JSON {meta, items} taken by a delivery attempt, not yet committed
//   P:ftake:<jobId>         the same, for a job that failed permanently (restored by `failed retry`)
//
// RECORD_BATCH (the record side) lives here; the delivery side (CLAIM_DUE, TAKE, COMMIT, RESTORE, PARK,
// UNPARK) in delivery-scripts.ts.

/**
 * ARGV[1] = JSON {prefix, marks?, now, ttl, bm, force, ra?: {route: resolveAfter ms}, raf?: default,
 * groups: {gid: {r,k,l,rt,gw,gi,ri,idle}}, events: [{o,u,sh,k,c,f,l,ob,s,m:[gid]}]}. Dedup is per (event uid, receiver) by the highest count
 * recorded: an event joins the groups of the receivers for which its count is above it (all of them with
 * force), and nothing when it is not above for any. Returns per event 1 (joined all its groups), 0
 * (deduped) or the receivers that already had it (joined only the others' groups). Each dedup field,
 * group and incident touched by the batch is read once and written once (a storm repeats the same uids
 * and incidents within a batch).
 */
export const RECORD_BATCH = `
local p = cjson.decode(ARGV[1])
local pre, now = p.prefix, p.now
-- dedup marks may live under another prefix (a replay groups under its own prefix, marks under the live one)
local mp = p.marks or pre
local out = {}
local groups = {}
local pruned = 0
local function group(g)
  local st = groups[g]
  if st then return st end
  local m = p.groups[g]
  local gk = pre .. ':g:' .. g
  if redis.call('EXISTS', gk) == 0 then
    redis.call('HSET', gk, 'receiver', m.r, 'groupKey', m.k, 'labels', m.l, 'route', m.rt, 'gw', m.gw,
      'gi', m.gi, 'ri', m.ri, 'idle', m.idle, 'newInc', 0, 'pending', 0, 'lastSent', 0, 'lastActivity', now)
    redis.call('ZADD', pre .. ':due', 'NX', now + m.gw, g)
  end
  st = {gk = gk, ik = pre .. ':gi:' .. g, lk = pre .. ':gl:' .. g, m = m, pending = 0, newInc = 0, incs = {}}
  groups[g] = st
  return st
end
-- buckets follow Redis' clock (callers' clocks may differ, or be a test's fixed time)
local clock = redis.call('TIME')
local bucket = math.floor((tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)) / p.bm)
local highest = {}   -- shard .. ' ' .. field -> highest count known (read once per batch)
local dirty = {}     -- shard -> {field -> count} to write into the current bucket
local function known(ev, fld, legacy)
  local ck = ev.sh .. ' ' .. fld
  local v = highest[ck]
  if v ~= nil then return v, ck end
  v = 0
  for j = 0, 2 do
    local x = redis.call('HGET', mp .. ':d:' .. (bucket - j) .. ':' .. ev.sh, fld)
    if x and tonumber(x) > v then v = tonumber(x) end
  end
  -- a per-occurrence mark of an earlier version: this occurrence was recorded then
  if v == 0 and p.force ~= 1 then
    for _, lk in ipairs(legacy) do
      if redis.call('EXISTS', mp .. lk) == 1 then v = ev.c break end
    end
  end
  highest[ck] = v
  return v, ck
end
local function mark(ev, fld, legacy)
  local v, ck = known(ev, fld, legacy)
  if ev.c <= v and p.force ~= 1 then return false end
  if ev.c > v then
    highest[ck] = ev.c
    local d = dirty[ev.sh]
    if not d then d = {} dirty[ev.sh] = d end
    d[fld] = ev.c
  end
  return true
end
-- receiver -> true (count above what it had: join its groups) / false; the skipped list
local function marks(ev)
  local fresh, skipped, n = {}, {}, 0
  for _, g in ipairs(ev.m) do
    local r = p.groups[g].r
    if fresh[r] == nil then
      fresh[r] = mark(ev, ev.u .. '|' .. r, {':seen:' .. ev.o .. ':' .. r, ':seen:' .. ev.o})
      if fresh[r] then n = n + 1 else skipped[#skipped + 1] = r end
    end
  end
  return fresh, skipped, n
end
-- one occurrence joins group g (a storm repeats incidents: each is read once per batch)
local function join(g, ev)
  local st = group(g)
  local inc = st.incs[ev.k]
  if not inc then
    local raw = redis.call('HGET', st.ik, ev.k)
    if raw then
      inc = cjson.decode(raw)
    else
      inc = {c = 0, f = ev.f, l = ev.l, n = 0, sent = 0, o = ev.ob}
      st.newInc = st.newInc + 1
    end
    st.incs[ev.k] = inc
  end
  inc.s = ev.s
  if ev.c > inc.c then inc.c = ev.c end
  if ev.f < inc.f then inc.f = ev.f end
  if ev.l > inc.l then inc.l = ev.l end
  if inc.n == 0 or ev.ob < inc.o then inc.o = ev.ob end
  inc.n = inc.n + 1
  st.pending = st.pending + 1
end
for i, ev in ipairs(p.events) do
  local res = 1
  if #ev.m == 0 then
    if not mark(ev, ev.u, {':seenx:' .. ev.o}) then res = 0 end
  else
    local fresh, skipped, n = marks(ev)
    if n == 0 then
      res = 0
    else
      if #skipped > 0 then res = skipped end
      for _, g in ipairs(ev.m) do
        if fresh[p.groups[g].r] then join(g, ev) end
      end
    end
  end
  out[i] = res
end
-- incidents idle past repeatInterval with nothing pending leave the group (bounded work per batch). Only
-- when the route's resolveAfter is known and 0: otherwise the delivery side keeps the incident until its
-- resolved notice went out, and forgets it then.
local PRUNE_LIMIT = 100
local function prune(st)
  local ra = p.ra and tonumber(p.ra[st.m.rt] or p.raf)
  if ra ~= 0 then return end
  local old = redis.call('ZRANGEBYSCORE', st.lk, '-inf', now - st.m.ri, 'LIMIT', 0, PRUNE_LIMIT)
  for _, k in ipairs(old) do
    if not st.incs[k] then
      local raw = redis.call('HGET', st.ik, k)
      if not raw then
        redis.call('ZREM', st.lk, k)
      elseif cjson.decode(raw).n == 0 then
        redis.call('HDEL', st.ik, k)
        redis.call('ZREM', st.lk, k)
        pruned = pruned + 1
      else
        -- pending: due for a flush anyway; looked at again one repeatInterval later
        redis.call('ZADD', st.lk, now, k)
      end
    end
  end
end
for _, st in pairs(groups) do
  prune(st)
  local touched = {}
  for k in pairs(st.incs) do
    touched[#touched + 1] = now
    touched[#touched + 1] = k
    if #touched >= 1000 then
      redis.call('ZADD', st.lk, unpack(touched))
      touched = {}
    end
  end
  if #touched > 0 then redis.call('ZADD', st.lk, unpack(touched)) end
  redis.call('PEXPIRE', st.lk, st.m.idle + st.m.ri)
  -- HSET in slices: unpack() is bounded by Lua's C stack (about 8000 values), whatever the chunk size
  local args = {}
  for k, inc in pairs(st.incs) do
    args[#args + 1] = k
    args[#args + 1] = cjson.encode(inc)
    if #args >= 1000 then
      redis.call('HSET', st.ik, unpack(args))
      args = {}
    end
  end
  if #args > 0 then redis.call('HSET', st.ik, unpack(args)) end
  if st.newInc > 0 then redis.call('HINCRBY', st.gk, 'newInc', st.newInc) end
  redis.call('HINCRBY', st.gk, 'pending', st.pending)
  redis.call('HSET', st.gk, 'lastActivity', now)
end
local expireAt = (bucket + 1) * p.bm + p.ttl
for sh, d in pairs(dirty) do
  local dk = mp .. ':d:' .. bucket .. ':' .. sh
  local args = {}
  for f, c in pairs(d) do
    args[#args + 1] = f
    args[#args + 1] = c
    if #args >= 1000 then
      redis.call('HSET', dk, unpack(args))
      args = {}
    end
  end
  if #args > 0 then redis.call('HSET', dk, unpack(args)) end
  redis.call('PEXPIREAT', dk, expireAt)
end
if pruned > 0 then redis.call('HINCRBY', pre .. ':stats', 'incidentsPruned', pruned) end
return out
`;
