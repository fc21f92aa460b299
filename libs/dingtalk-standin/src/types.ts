import type { FaultBase, MinuteRobotStats, SignedRobot, StandinBaseOptions } from '@kube-herald/standin-kit';

/** Minimal pino-compatible logger. */
export type { StandinLogger } from '@kube-herald/standin-kit';

/** One simulated custom robot (one group chat); `timestamp` and `sign` come in the query. */
export type StandinRobot = SignedRobot;

/** Options of `createDingtalkStandin`. */
export interface StandinOptions extends StandinBaseOptions {
  readonly robots: readonly StandinRobot[];
  /** Accepted messages per robot per rolling 60 s. Default 20. */
  readonly ratePerMinute?: number;
  /** How long a robot stays throttled after exceeding the rate. Default 60000. */
  readonly throttleMs?: number;
  /** errcode of the throttle answer. Default 130101 (seen in production); 410100 is the official one. */
  readonly throttleErrcode?: 130101 | 410100;
}

/** Mentions as received. */
export interface RecordedAt {
  readonly atMobiles: readonly string[];
  readonly atUserIds: readonly string[];
  readonly isAtAll: boolean;
}

/** One accepted message. */
export interface RecordedMessage {
  /** Sequence number, increasing across robots. */
  readonly id: number;
  readonly robot: string;
  /** Stand-in clock, ms. */
  readonly time: number;
  readonly msgtype: string;
  /** markdown/link/actionCard title; undefined for text and feedCard. */
  readonly title?: string;
  /** text content, markdown/link/actionCard text, or the feedCard titles joined by newlines. */
  readonly text: string;
  readonly at: RecordedAt;
  /** The body exactly as parsed. */
  readonly body: Record<string, unknown>;
}

/** Fault modes: HTTP 5xx, errcode -1, a delay before normal handling, a TCP reset, a throttle answer. */
export type FaultMode = 'http5xx' | 'errcode-1' | 'delay' | 'reset' | 'throttle';

/** A fault to inject into `/robot/send` answers. */
export interface FaultSpec extends FaultBase {
  /** Only this robot (by name); all requests when absent. */
  readonly robot?: string;
  readonly mode: FaultMode;
}

/** Counters of one robot; `throttleAnswers` counts 130101/410100 answers, organic or injected. */
export interface RobotStats extends MinuteRobotStats {
  /** Until when (stand-in clock, ms) the robot is throttled; 0 when not. */
  readonly throttledUntil: number;
}

/** Snapshot of every robot's counters. */
export interface StandinStats {
  readonly ratePerMinute: number;
  readonly now: number;
  readonly robots: Readonly<Record<string, RobotStats>>;
}
