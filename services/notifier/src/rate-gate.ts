import type { Redis } from 'ioredis';
import { createLuaScript } from './store/lua-script.js';

// Sliding window over Redis' own clock (TIME), so replicas with skewed clocks share one budget.
// KEYS: window zset, block key. ARGV: window ms, limit, member. Returns {granted, waitMs, remaining, nextSlotMs}.
const ACQUIRE = createLuaScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window, limit, member = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local blocked = redis.call('PTTL', KEYS[2])
if blocked > 0 then return {0, blocked, 0} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
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

/** Answer of {@link RateGate.acquire}. */
export type GateAnswer =
  | {
      readonly granted: true;
      readonly remaining: number;
      /** When this was the last slot: ms until the next one frees (0 while slots remain). */
      readonly nextSlotMs?: number;
    }
  | { readonly granted: false; readonly waitMs: number };

/** Options of {@link createRateGate}. */
export interface RateGateOptions {
  readonly redis: Redis;
  readonly prefix: string;
  /** Length of the sliding window. Default 60 000 (DingTalk counts per minute). */
  readonly windowMs?: number;
}

/** Fleet-wide per-robot send budget: a sliding window plus a throttle block, both in Redis. */
export interface RateGate {
  /** Takes one send slot for `receiver` (limit per window) or says how long to wait. */
  acquire(receiver: string, limit: number, member: string): Promise<GateAnswer>;
  /** Gives back a slot that was not used. */
  release(receiver: string, member: string): Promise<void>;
  /** Blocks the robot fleet-wide (after a throttle answer). */
  block(receiver: string, ms: number): Promise<void>;
}

/** Creates the Redis rate gate. */
export function createRateGate(options: RateGateOptions): RateGate {
  const windowMs = options.windowMs ?? 60_000;
  const key = (kind: string, receiver: string): string => `${options.prefix}:${kind}:${receiver}`;
  return {
    async acquire(receiver, limit, member) {
      const keys = [key('rate', receiver), key('block', receiver)];
      const res = (await ACQUIRE.run(options.redis, keys, [windowMs, limit, member])) as number[];
      if (res[0] === 1) return { granted: true, remaining: Number(res[2]), nextSlotMs: Number(res[3] ?? 0) };
      return { granted: false, waitMs: Math.max(1, Number(res[1])) };
    },
    async release(receiver, member) {
      await options.redis.zrem(key('rate', receiver), member);
    },
    async block(receiver, ms) {
      await options.redis.set(key('block', receiver), '1', 'PX', Math.max(1, Math.round(ms)));
    },
  };
}
