import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createLuaScript } from './store/lua-script.js';

// One gate per robot (DingTalk counts per robot, i.e. per access token): every receiver, replica,
// `test-send` and replay sending to the same robot shares it. Keys under the notifier prefix P:
//   P:rate:<robotKey>      ZSET member -> send time (sliding window, Redis' own clock)
//   P:block:<robotKey>     present while the robot is blocked after a throttle answer (PX)
//   P:throttle:<robotKey>  hash level, until: the escalation of throttle blocks (reset after a clean period)
//   P:rate1s:<robotKey>    ZSET member -> send time, the last second only: present only for receivers that
//                          declare a per-second budget (Feishu 5/s, Slack ~1/s); expires 2 s after its last send

// KEYS: window zset, block key, second zset. ARGV: window ms, limit, member, per-second limit (0: none).
// Returns {granted, waitMs, remaining, nextSlotMs}. Both windows are checked before either is written: a
// refusal by one leaves no trace in the other. Per-second sends are also spaced 1000/perSecond ms apart: a
// burst of N at the start of each second arrives at the platform with jitter (render, connection, a busy
// event loop) and can land N+1 in its one-second window; evenly spaced sends leave that jitter a margin.
// `remaining`/`nextSlotMs` speak of the long window only (the per-second one frees within a second, so it
// is no reason to merge groups).
const ACQUIRE = createLuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window, limit, member = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local perSecond = tonumber(ARGV[4] or '0')
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then return {0, blocked, 0} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
if n < limit and perSecond > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - 1000)
  local spacing = math.ceil(1000 / perSecond)
  local last = redis.call('ZRANGE', KEYS[3], -1, -1, 'WITHSCORES')
  if last[2] ~= nil and now - tonumber(last[2]) < spacing then
    return {0, tonumber(last[2]) + spacing - now, 0}
  end
  if redis.call('ZCARD', KEYS[3]) >= perSecond then
    local first = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
    return {0, tonumber(first[2]) + 1000 - now + 1, 0}
  end
  redis.call('ZADD', KEYS[3], now, member)
  redis.call('PEXPIRE', KEYS[3], 2000)
end
if n < limit then
  redis.call('ZADD', KEYS[1], now, member)
  redis.call('PEXPIRE', KEYS[1], window * 2)
  local nextSlot = 0
  if n + 1 >= limit then
    local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
    nextSlot = tonumber(first[2]) + window - now + 1
  end
  return {1, 0, limit - n - 1, nextSlot}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, tonumber(oldest[2]) + window - now + 1, 0}
`);

// KEYS: block key, throttle hash. ARGV: base ms, max ms, clean ms, min ms. A throttle answer blocks the robot
// for base · 2^level (at most max), and at least `min` (the remote's own Retry-After, itself at most max); the
// level goes back to 0 once the robot was clean (no throttle answer) for `clean` after its last block ended. A
// second answer while blocked (a send already in flight) does not escalate, but a longer `min` extends the
// block. Returns {block ms, level}.
const THROTTLE = createLuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local base, max, clean = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local minMs = math.min(tonumber(ARGV[4] or '0'), max)
local st = redis.call('HMGET', KEYS[2], 'level', 'until')
local level, untilT = tonumber(st[1] or '-1'), tonumber(st[2] or '0')
if now < untilT then
  if minMs <= untilT - now then return {untilT - now, level} end
  redis.call('SET', KEYS[1], '1', 'PX', minMs)
  redis.call('HSET', KEYS[2], 'until', now + minMs)
  redis.call('PEXPIRE', KEYS[2], minMs + clean + 60000)
  return {minMs, level}
end
if now >= untilT + clean then level = -1 end
level = level + 1
local ms = math.max(math.min(base * math.pow(2, level), max), minMs)
redis.call('SET', KEYS[1], '1', 'PX', ms)
redis.call('HSET', KEYS[2], 'level', level, 'until', now + ms)
redis.call('PEXPIRE', KEYS[2], ms + clean + 60000)
return {ms, level}
`);

/** Answer of {@link RateGate.acquire}. */
export type GateAnswer =
  | {
      readonly granted: true;
      readonly remaining: number;
      /** When this was the last slot: ms until the next one frees (0 while slots remain). */
      readonly nextSlotMs?: number;
    }
  | { readonly granted: false; readonly waitMs: number };

/** A throttle block: how long, and the escalation level (0: first block after a clean period). */
export interface ThrottleBlock {
  readonly blockMs: number;
  readonly level: number;
}

/** What the gate of one robot looks like now (for the console and `failed`/`test-send` output). */
export interface GateStatus {
  readonly robotKey: string;
  /** Sends in the current sliding window. */
  readonly used: number;
  readonly windowMs: number;
  /** Remaining block after a throttle answer (0 when not blocked). */
  readonly blockedMs: number;
  /** Escalation level of the last throttle block (-1: none remembered). */
  readonly throttleLevel: number;
}

/** Options of {@link createRateGate}. */
export interface RateGateOptions {
  readonly redis: Redis;
  /** The notifier key prefix (`notifierPrefixes(config).keys`), shared by everything sending to a robot. */
  readonly prefix: string;
  /** Length of the sliding window. Default 60 000 (DingTalk counts per minute). */
  readonly windowMs?: number;
  /** First throttle block (default 60 000); it doubles per throttle answer up to 10× (10 min). */
  readonly throttleBaseMs?: number;
  /** Longest throttle block. Default 10 × the base. */
  readonly throttleMaxMs?: number;
  /** A robot without a throttle answer for this long after its block ended starts again at the base. */
  readonly cleanMs?: number;
}

/** Extra budgets of one {@link RateGate.acquire}. */
export interface AcquireOptions {
  /**
   * Most sends to the robot in any rolling second, fleet-wide, checked in the same atomic step as the
   * per-window limit (Feishu allows 5 per second besides 100 per minute), and spaced at least
   * 1000/perSecond ms apart. Absent or 0: no per-second budget.
   */
  readonly perSecond?: number;
}

/** Extra facts of one throttle answer. */
export interface ThrottleOptions {
  /**
   * The remote's own wait (an HTTP `Retry-After`, e.g. Slack's): the block lasts at least this long (at most
   * `throttleMaxMs`), and extends a shorter block already set. Absent: the escalation alone decides.
   */
  readonly minMs?: number;
}

/** Fleet-wide per-robot send budget: a sliding window plus an escalating throttle block, in Redis. */
export interface RateGate {
  /**
   * Takes one send slot for the robot (limit per window, and at most `options.perSecond` in any rolling
   * second when given) or says how long to wait.
   */
  acquire(robotKey: string, limit: number, member: string, options?: AcquireOptions): Promise<GateAnswer>;
  /** Gives back a slot that was not used. */
  release(robotKey: string, member: string): Promise<void>;
  /** Blocks the robot fleet-wide after a throttle answer, escalating (60 s, 2 min, 4 min … 10 min). */
  throttled(robotKey: string, options?: ThrottleOptions): Promise<ThrottleBlock>;
  status(robotKey: string): Promise<GateStatus>;
}

/** Key of a robot: a hash of its access token (never the token itself: keys are visible). */
export function robotKeyOf(webhook: string): string {
  let id = webhook;
  try {
    const u = new URL(webhook);
    const token = u.searchParams.get('access_token');
    id = token ? `token:${token}` : `url:${u.origin}${u.pathname}`;
  } catch {
    // not a URL: the whole string identifies the robot
  }
  return createHash('sha256').update(id).digest('hex').slice(0, 20);
}

/** The gate key of a receiver: its robot (shared by every receiver on the same webhook), else its name. */
export function gateKeyOf(receiver: { readonly name: string; readonly robotKey?: string }): string {
  return receiver.robotKey ?? `receiver:${receiver.name}`;
}

const keyOf = (prefix: string, kind: string, robot: string): string => `${prefix}:${kind}:${robot}`;

/** The gate state of one robot, read only (usable without a gate, e.g. by the console). */
export async function gateStatus(
  redis: Redis,
  prefix: string,
  robotKey: string,
  windowMs = 60_000,
): Promise<GateStatus> {
  const t = await redis.time();
  const now = Number(t[0]) * 1000 + Math.floor(Number(t[1]) / 1000);
  const [used, blocked, level] = await Promise.all([
    redis.zcount(keyOf(prefix, 'rate', robotKey), `(${now - windowMs}`, '+inf'),
    redis.pttl(keyOf(prefix, 'block', robotKey)),
    redis.hget(keyOf(prefix, 'throttle', robotKey), 'level'),
  ]);
  return {
    robotKey,
    used,
    windowMs,
    blockedMs: Math.max(0, blocked),
    throttleLevel: level === null ? -1 : Number(level),
  };
}

/** Creates the Redis rate gate. */
export function createRateGate(options: RateGateOptions): RateGate {
  const windowMs = options.windowMs ?? 60_000;
  const base = options.throttleBaseMs ?? 60_000;
  const max = options.throttleMaxMs ?? base * 10;
  const clean = options.cleanMs ?? base;
  const key = (kind: string, robot: string): string => keyOf(options.prefix, kind, robot);
  return {
    async acquire(robot, limit, member, opts) {
      const keys = [key('rate', robot), key('block', robot), key('rate1s', robot)];
      const perSecond = Math.max(0, Math.floor(opts?.perSecond ?? 0));
      const res = (await ACQUIRE.run(options.redis, keys, [windowMs, limit, member, perSecond])) as number[];
      if (res[0] === 1) return { granted: true, remaining: Number(res[2]), nextSlotMs: Number(res[3] ?? 0) };
      return { granted: false, waitMs: Math.max(1, Number(res[1])) };
    },
    async release(robot, member) {
      await Promise.all([
        options.redis.zrem(key('rate', robot), member),
        options.redis.zrem(key('rate1s', robot), member),
      ]);
    },
    async throttled(robot, opts) {
      const keys = [key('block', robot), key('throttle', robot)];
      const minMs = Math.max(0, Math.ceil(opts?.minMs ?? 0));
      const res = (await THROTTLE.run(options.redis, keys, [base, max, clean, minMs])) as number[];
      return { blockMs: Math.max(1, Number(res[0])), level: Number(res[1]) };
    },
    status: (robot) => gateStatus(options.redis, options.prefix, robot, windowMs),
  };
}
