import type {
  FaultBase,
  MinuteRobotStats,
  StandinBaseOptions,
  StandinLogger,
} from '@kube-herald/standin-kit';

/** One simulated group robot (one group chat). */
export interface WecomStandinRobot {
  readonly name: string;
  /** The webhook's `key`. */
  readonly key: string;
}

/** Minimal pino-compatible logger. */
export type WecomStandinLogger = StandinLogger;

/** Options of `createWecomStandin`. */
export interface WecomStandinOptions extends StandinBaseOptions {
  readonly robots: readonly WecomStandinRobot[];
  /** Accepted messages per robot per rolling 60 s. Default 20. */
  readonly ratePerMinute?: number;
  /** Extra time a robot keeps answering 45009 after it went over the rate. Default 0. */
  readonly throttleMs?: number;
}

/** What the group sees of a message. */
export interface WecomMessageContent {
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

/** One accepted message. */
export interface WecomRecordedMessage extends WecomMessageContent {
  /** Sequence number, increasing across robots. */
  readonly id: number;
  readonly robot: string;
  /** Stand-in clock, ms. */
  readonly time: number;
}

/** Fault modes: HTTP 5xx, errcode -1, a delay before normal handling, a TCP reset, a 45009 answer. */
export type WecomFaultMode = 'http5xx' | 'errcode-1' | 'delay' | 'reset' | 'throttle';

/** A fault to inject into `/cgi-bin/webhook/send` answers. */
export interface WecomFaultSpec extends FaultBase {
  /** Only this robot (by name); all requests when absent. */
  readonly robot?: string;
  readonly mode: WecomFaultMode;
}

/** Counters of one robot; `throttleAnswers` counts 45009 answers, organic or injected. */
export type WecomRobotStats = MinuteRobotStats;

/** Snapshot of every robot's counters. */
export interface WecomStandinStats {
  readonly ratePerMinute: number;
  readonly now: number;
  readonly robots: Readonly<Record<string, WecomRobotStats>>;
}
