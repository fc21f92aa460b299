import type { Redis } from 'ioredis';
import { KhError } from '@kube-herald/errors';
import type { EventV1 } from '@kube-herald/events';
import { activate, buildSilence, silences } from './silence.js';
import type { ActiveSilence, Silence, SilenceInput } from './silence.js';

/** Minimal logger (pino-compatible). */
export interface SilenceStoreLogger {
  warn(obj: object, msg: string): void;
}

/** Options of {@link createSilenceStore}. */
export interface SilenceStoreOptions {
  readonly redis: Redis;
  /** Key prefix (the config's `redis.prefix`). Keys: `<prefix>:silences` (hash), channel `<prefix>:silences:changed`. */
  readonly prefix: string;
  readonly clock?: () => number;
  /** Full reload period, a safety net behind the pub/sub notices (default 5 s). */
  readonly refreshMs?: number;
  /**
   * How long an ended silence stays listable (`silence list --expired`) before it is removed from Redis
   * (default 5 days, as Alertmanager's retention): the hash holds the silences of the last few days only.
   */
  readonly retentionMs?: number;
  readonly log?: SilenceStoreLogger;
}

/** Silences in Redis, with an in-memory copy so that `match` (the hot path) does no round trip. */
export interface SilenceStore {
  start(): Promise<void>;
  add(input: SilenceInput): Promise<Silence>;
  list(opts?: { readonly includeExpired?: boolean }): Promise<Silence[]>;
  /** Ends a silence now. Throws `KhError('silence_not_found')`. */
  expire(id: string): Promise<Silence>;
  /** The silence covering the event at `now`, from memory. */
  match(event: EventV1, now?: number): Silence | undefined;
  /** Reloads from Redis (also done on notices and every `refreshMs`). */
  refresh(): Promise<void>;
  /** Failed background refreshes since start (each one is also logged). */
  readonly refreshErrors: number;
  /** Ended silences removed (past `retentionMs`) by this store. */
  readonly removed: number;
  close(): Promise<void>;
}

/** Creates the silence store; call `start()` before `match`. */
export function createSilenceStore(options: SilenceStoreOptions): SilenceStore {
  const { redis, prefix } = options;
  const clock = options.clock ?? Date.now;
  const key = `${prefix}:silences`;
  const channel = `${prefix}:silences:changed`;
  let active: readonly ActiveSilence[] = [];
  let subscriber: Redis | undefined;
  let timer: NodeJS.Timeout | undefined;
  let refreshErrors = 0;
  let removed = 0;
  const retentionMs = options.retentionMs ?? 5 * 86_400_000;
  let closing: Promise<void> | undefined;

  async function readAll(): Promise<Silence[]> {
    const raw = await redis.hvals(key);
    return raw.map((v) => JSON.parse(v) as Silence).sort((a, b) => a.startsAt.localeCompare(b.startsAt));
  }

  async function refresh(): Promise<void> {
    const all = await readAll();
    const now = clock();
    active = all.filter((s) => Date.parse(s.endsAt) > now).map(activate);
    const stale = all.filter((s) => Date.parse(s.endsAt) <= now - retentionMs).map((s) => s.id);
    // every replica does this: HDEL of an id already gone is a no-op
    if (stale.length > 0) removed += await redis.hdel(key, ...stale);
  }

  function background(): void {
    refresh().catch((err: unknown) => {
      refreshErrors++;
      options.log?.warn({ err }, 'silence refresh failed; keeping the previous silences');
    });
  }

  async function save(s: Silence): Promise<void> {
    await redis.hset(key, s.id, JSON.stringify(s));
    await redis.publish(channel, s.id);
    await refresh();
  }

  return {
    async start() {
      await refresh();
      subscriber = redis.duplicate();
      subscriber.on('message', background);
      await subscriber.subscribe(channel);
      timer = setInterval(background, options.refreshMs ?? 5000);
      timer.unref();
    },
    async add(input) {
      const s = buildSilence(input, clock());
      await save(s);
      return s;
    },
    async list(opts = {}) {
      const now = clock();
      const all = await readAll();
      return opts.includeExpired ? all : all.filter((s) => Date.parse(s.endsAt) > now);
    },
    async expire(id) {
      const raw = await redis.hget(key, id);
      if (raw === null) throw new KhError('silence_not_found', `no silence with id ${id}`);
      const s = JSON.parse(raw) as Silence;
      const now = clock();
      const ended: Silence = Date.parse(s.endsAt) > now ? { ...s, endsAt: new Date(now).toISOString() } : s;
      await save(ended);
      return ended;
    },
    match(event, now = clock()) {
      for (const a of active) if (silences(a, event, now)) return a.silence;
      return undefined;
    },
    refresh,
    get refreshErrors() {
      return refreshErrors;
    },
    get removed() {
      return removed;
    },
    close() {
      closing ??= (async () => {
        if (timer) clearInterval(timer);
        if (subscriber) await subscriber.quit();
      })();
      return closing;
    },
  };
}
