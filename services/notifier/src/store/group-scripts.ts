// Lua sources of the group store. Keys are built inside the scripts from a prefix: the notifier targets a
// single Redis (not Redis Cluster), and one script per batch keeps dedup + group update atomic together.
//
// Layout under prefix P:
//   P:seen:<occurrenceId>:<receiver>  dedup mark: the occurrence joined that receiver's group(s) (PX ttl)
//   P:seenx:<occurrenceId>  light mark of an occurrence recorded without any group (dropped, silenced,
//                           unrouted): only makes its redelivery count as deduped; never blocks grouping
//   P:seen:<occurrenceId>   fleet-wide mark written by earlier versions: read only (every receiver had it),
//                           gone once dedup.ttl has passed since the upgrade
//   P:g:<gid>               group hash: receiver, groupKey, labels, route, gw, gi, ri, idle, newInc, pending,
//                           lastSent, lastActivity
//   P:gi:<gid>              incidents: incidentKey -> JSON {s summary, c count, f first, l last, n pending,
//                           sent 0/1, o oldest pending observedAt}
//   P:w:<gid>               flush window counter (outlives the group so job ids never repeat)
//   P:due                   ZSET gid -> next check time
//   P:ready:<receiver>      ZSET gid -> time a flush job was enqueued and not yet taken
//   P:take:<jobId>          hash gid -> JSON {meta, items} taken by a delivery attempt, not yet committed
//   P:ftake:<jobId>         the same, for a job that failed permanently (restored by `failed retry`)
//
// RECORD_BATCH (the record side) lives here; the delivery side (CLAIM_DUE, TAKE, COMMIT, RESTORE, PARK,
// UNPARK) in delivery-scripts.ts.

/**
 * ARGV[1] = JSON {prefix, marks?, now, ttl, force, groups: {gid: {r,k,l,rt,gw,gi,ri,idle}},
 * events: [{o,k,c,f,l,ob,s,m:[gid]}]}. Dedup is per (occurrence, receiver): an event joins the groups of
 * the receivers whose mark it sets now (all of them with force), and nothing when every receiver was
 * marked. Returns per event 1 (joined all its groups), 0 (deduped) or the receivers already marked
 * (joined only the others' groups). Each group and incident touched by the batch is read once and
 * written once (a storm repeats the same incidents within a batch), so Redis does about one SET NX per
 * (event, receiver), one EXISTS per fresh event, plus a few commands per incident and group.
 */
export const RECORD_BATCH = `
local p = cjson.decode(ARGV[1])
local pre, now = p.prefix, p.now
-- dedup marks may live under another prefix (a replay groups under its own prefix, marks under the live one)
local mp = p.marks or pre
local out = {}
local groups = {}
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
  st = {gk = gk, ik = pre .. ':gi:' .. g, pending = 0, newInc = 0, incs = {}}
  groups[g] = st
  return st
end
local function mark(key)
  if p.force == 1 then
    redis.call('SET', key, '1', 'PX', p.ttl)
    return true
  end
  return redis.call('SET', key, '1', 'NX', 'PX', p.ttl) ~= false
end
-- receiver -> true (mark set now: join its groups) / false (already had the occurrence); the skipped list
local function marks(ev)
  local fresh, skipped, n = {}, {}, 0
  for _, g in ipairs(ev.m) do
    local r = p.groups[g].r
    if fresh[r] == nil then
      fresh[r] = mark(mp .. ':seen:' .. ev.o .. ':' .. r)
      if fresh[r] then n = n + 1 else skipped[#skipped + 1] = r end
    end
  end
  -- a fleet-wide mark of an earlier version: the occurrence was grouped for every receiver then
  if n > 0 and p.force ~= 1 and redis.call('EXISTS', mp .. ':seen:' .. ev.o) == 1 then n = 0 end
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
    if not mark(mp .. ':seenx:' .. ev.o) then res = 0 end
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
for _, st in pairs(groups) do
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
return out
`;
