import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { KhError } from '@kube-herald/errors';

/** A Lua script, run as an ioredis custom command on the connection it is given. */
export interface LuaScript {
  run(redis: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown>;
}

type ScriptCommand = (this: Redis, ...numkeysKeysArgs: (string | number)[]) => Promise<unknown>;

/**
 * Wraps a Lua source as an ioredis custom command (`defineCommand`, named after the source's SHA-1), defined
 * on a connection the first time the script runs there. ioredis 5 (lib/Script.ts) sends the whole source
 * (EVAL) the first time a socket runs the script and EVALSHA after that; when Redis answers NOSCRIPT (its
 * script cache flushed, a replica promoted that never saw the script) it forgets that socket and sends the
 * command again, now as EVAL (redis/ioredis#1499, "Pipeline-based script loading and retries"; a script
 * queued in a pipeline or MULTI takes the same path, without the SCRIPT EXISTS/LOAD round trip ioredis 4
 * sent first, redis/ioredis#778). So a call stays one round trip, as with the hand-written EVALSHA-then-EVAL
 * this replaces (which took two on a cold script cache).
 */
export function createLuaScript(lua: string): LuaScript {
  const name = `khLua${createHash('sha1').update(lua).digest('hex')}`;
  return {
    run(redis, keys, args) {
      if (!(name in redis.scriptsSet)) redis.defineCommand(name, { lua });
      const command = (redis as unknown as Record<string, ScriptCommand | undefined>)[name];
      if (command === undefined)
        throw new KhError('notifier_lua_undefined', `ioredis did not define the Lua command ${name}`);
      return command.call(redis, keys.length, ...keys, ...args);
    },
  };
}
