import assert from 'node:assert/strict';
import { test } from 'node:test';
import { notifierLuaCommands } from '../src/bench/notifier-bench.js';

test('the round-trip count leaves out every command the notifier Lua scripts call, read from their sources', () => {
  const commands = notifierLuaCommands();
  // The dedup window's PEXPIREAT and the group counters' HINCRBY run inside the group script; the rate
  // gate's ZADD inside its take; none of them is a round trip of its own.
  for (const c of ['pexpireat', 'hincrby', 'hset', 'zadd', 'time']) assert.ok(commands.has(c), c);
  assert.ok(!commands.has('evalsha'));
});
