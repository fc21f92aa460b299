import type { FaultBase, StandinBaseOptions } from '@kube-herald/standin-kit';

/** Minimal pino-compatible logger. */
export type { StandinLogger } from '@kube-herald/standin-kit';

/** One simulated incoming webhook (one channel). */
export interface StandinChannel {
  readonly name: string;
  /** The webhook path after `/services/`: `T…/B…/<secret>` (three segments). */
  readonly path: string;
  /** The channel was archived: every post is answered 410 `channel_is_archived`. */
  readonly archived?: boolean;
  /** A workspace restriction: every post is answered 403 `action_prohibited`. */
  readonly prohibited?: boolean;
}

/** Options of `createSlackStandin`. */
export interface SlackStandinOptions extends StandinBaseOptions {
  readonly channels: readonly StandinChannel[];
  /** Messages per second a webhook accepts in the long run (token refill). Default 1. */
  readonly ratePerSecond?: number;
  /** Short burst a webhook tolerates above the rate (bucket size). Default 3. */
  readonly burst?: number;
}

/** One accepted message. */
export interface RecordedMessage {
  /** Sequence number, increasing across channels. */
  readonly id: number;
  readonly channel: string;
  /** Stand-in clock, ms. */
  readonly time: number;
  /** The top-level `text` (notification / fallback), as received. */
  readonly text: string;
  /** The text of every block (header, section, context elements), in order. */
  readonly blockTexts: readonly string[];
  /** Mentions found in `text` and blocks: `<@U…>`, `<!subteam^…>`, `<!channel>`, `<!here>`, `<!everyone>`. */
  readonly mentions: readonly string[];
  /** Links found: `<http…>` sequences. */
  readonly links: readonly string[];
  /** The body exactly as parsed. */
  readonly body: Record<string, unknown>;
}

/** Fault modes: HTTP 500 `rollup_error`, a delay before normal handling, a TCP reset, a 429 answer. */
export type FaultMode = 'http5xx' | 'delay' | 'reset' | 'throttle';

/** A fault to inject into webhook answers. */
export interface FaultSpec extends FaultBase {
  /** Only this channel (by name); all requests when absent. */
  readonly channel?: string;
  readonly mode: FaultMode;
  /** For `throttle`: the `Retry-After` seconds. Default 1. */
  readonly retryAfterSeconds?: number;
}

/** Counters of one channel. */
export interface ChannelStats {
  readonly accepted: number;
  /** 429 answers, organic or injected. */
  readonly rateLimited: number;
  /** Most messages accepted in any rolling second so far. */
  readonly maxPerSecond: number;
  /** Answers by `<status> <body>`, e.g. `200 ok`, `429 rate_limited`. */
  readonly answers: Readonly<Record<string, number>>;
  /** Faults applied. */
  readonly faults: number;
}

/** Snapshot of every channel's counters. */
export interface SlackStandinStats {
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly now: number;
  readonly channels: Readonly<Record<string, ChannelStats>>;
  /** Answers to requests that matched no webhook. */
  readonly unmatched: Readonly<Record<string, number>>;
}
