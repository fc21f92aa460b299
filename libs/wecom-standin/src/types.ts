/** One simulated group robot (one group chat). */
export interface WecomStandinRobot {
  readonly name: string;
  /** The webhook's `key`. */
  readonly key: string;
}

/** Minimal pino-compatible logger. */
export interface WecomStandinLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** Options of `createWecomStandin`. */
export interface WecomStandinOptions {
  readonly robots: readonly WecomStandinRobot[];
  /** Accepted messages per robot per rolling 60 s. Default 20. */
  readonly ratePerMinute?: number;
  /** Extra time a robot keeps answering 45009 after it went over the rate. Default 0. */
  readonly throttleMs?: number;
  /** Clock in ms; injected by tests to move time. Default `Date.now`. */
  readonly clock?: () => number;
  /** Random source for fault probabilities. Default `Math.random`. */
  readonly random?: () => number;
  readonly log?: WecomStandinLogger;
}

/** One accepted message. */
export interface WecomRecordedMessage {
  /** Sequence number, increasing across robots. */
  readonly id: number;
  readonly robot: string;
  /** Stand-in clock, ms. */
  readonly time: number;
  readonly msgtype: 'text' | 'markdown';
  readonly content: string;
  /** UTF-8 bytes of the content. */
  readonly contentBytes: number;
  /** Who is notified: `mentioned_list` plus the `<@userid>` of the content. */
  readonly mentionedList: readonly string[];
  readonly mentionedMobileList: readonly string[];
  /** The body exactly as parsed. */
  readonly body: Record<string, unknown>;
}

/** Fault modes: HTTP 5xx, errcode -1, a delay before normal handling, a TCP reset, a 45009 answer. */
export type WecomFaultMode = 'http5xx' | 'errcode-1' | 'delay' | 'reset' | 'throttle';

/** A fault to inject into `/cgi-bin/webhook/send` answers. */
export interface WecomFaultSpec {
  /** Only this robot (by name); all requests when absent. */
  readonly robot?: string;
  readonly mode: WecomFaultMode;
  /** How many requests it hits before it is used up; unlimited when absent. */
  readonly times?: number;
  /** Chance (0..1) that a request is hit. Default 1. */
  readonly probability?: number;
  /** For `delay`: how long to wait before handling the request normally. Default 5000. */
  readonly delayMs?: number;
}

/** Counters of one robot. */
export interface WecomRobotStats {
  readonly accepted: number;
  readonly lastMinute: number;
  /** Most messages accepted in any rolling 60 s window so far. */
  readonly maxPerMinute: number;
  /** 45009 answers, organic or injected. */
  readonly throttleAnswers: number;
  /** Answers by errcode, including 0. */
  readonly answers: Readonly<Record<string, number>>;
  /** Faults applied (5xx, reset, delay, -1, throttle). */
  readonly faults: number;
}

/** Snapshot of every robot's counters. */
export interface WecomStandinStats {
  readonly ratePerMinute: number;
  readonly now: number;
  readonly robots: Readonly<Record<string, WecomRobotStats>>;
}
