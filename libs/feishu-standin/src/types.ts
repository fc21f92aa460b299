import type { FaultBase, SignedRobot, StandinBaseOptions } from '@kube-herald/standin-kit';

/** Minimal pino-compatible logger. */
export type { StandinLogger } from '@kube-herald/standin-kit';

/** One simulated custom bot (one group chat); `timestamp` and `sign` come in the body. */
export type StandinBot = SignedRobot;

/** Options of `createFeishuStandin`. */
export interface StandinOptions extends StandinBaseOptions {
  readonly bots: readonly StandinBot[];
  /** Accepted messages per bot per rolling 60 s. Default 100 (documented). */
  readonly ratePerMinute?: number;
  /** Accepted messages per bot per rolling second. Default 5 (documented). */
  readonly ratePerSecond?: number;
  /** Request body limit, UTF-8 bytes of the whole JSON. Default 20,000 ("20 KB"). */
  readonly maxBodyBytes?: number;
}

/** One accepted message. */
export interface RecordedMessage {
  /** Sequence number, increasing across bots. */
  readonly id: number;
  readonly bot: string;
  /** Stand-in clock, ms. */
  readonly time: number;
  readonly msgType: 'text' | 'post' | 'interactive';
  /** Post or card title; undefined for text. */
  readonly title?: string;
  /** Every visible text of the message joined by newlines (mention tags included as sent). */
  readonly text: string;
  /** Mentioned ids as Feishu would resolve them (`all` for everyone). */
  readonly mentions: readonly string[];
  /** Links Feishu would render (post `a` elements, markdown `[x](url)` in cards). */
  readonly links: readonly string[];
  /** Whether the body was signed (and the signature valid). */
  readonly signed: boolean;
  /** The body exactly as parsed. */
  readonly body: Record<string, unknown>;
}

/** Fault modes: HTTP 5xx, a delay before normal handling, a TCP reset, a frequency-limit answer. */
export type FaultMode = 'http5xx' | 'delay' | 'reset' | 'throttle';

/** A fault to inject into hook answers. */
export interface FaultSpec extends FaultBase {
  /** Only this bot (by name); all requests when absent. */
  readonly bot?: string;
  readonly mode: FaultMode;
}

/** Counters of one bot. */
export interface BotStats {
  readonly accepted: number;
  readonly lastMinute: number;
  /** Most messages accepted in any rolling 60 s window so far. */
  readonly maxPerMinute: number;
  /** Most messages accepted in any rolling 1 s window so far. */
  readonly maxPerSecond: number;
  /** 11232 answers, organic or injected. */
  readonly throttleAnswers: number;
  /** Answers by code, including 0. */
  readonly answers: Readonly<Record<string, number>>;
  readonly faults: number;
}

/** Snapshot of every bot's counters. */
export interface StandinStats {
  readonly ratePerMinute: number;
  readonly ratePerSecond: number;
  readonly now: number;
  readonly bots: Readonly<Record<string, BotStats>>;
}
