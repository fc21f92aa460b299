import { createFaults, createRateWindow, waitFaultDelay, appendCapped } from '@kube-herald/standin-kit';
import type { Faults, RateWindow, StandinAction } from '@kube-herald/standin-kit';
import { ANSWERS, parseBody } from './checks.js';
import type { Answer } from './checks.js';
import { WecomStandinError } from './errors.js';
import type {
  WecomFaultSpec,
  WecomRecordedMessage,
  WecomRobotStats,
  WecomStandinOptions,
  WecomStandinRobot,
  WecomStandinStats,
} from './types.js';

/** One `/cgi-bin/webhook/send` request as the HTTP layer saw it. */
export interface SendInput {
  readonly method: string;
  readonly params: URLSearchParams;
  readonly raw: Buffer;
}

/** What the HTTP layer must do. */
export type SendAction = StandinAction<Answer>;

interface RobotState {
  readonly robot: WecomStandinRobot;
  window: RateWindow;
  throttledUntil: number;
  throttleAnswers: number;
  faults: number;
  answers: Map<number, number>;
}

/** The robots' behaviour, independent of HTTP. */
export interface Engine {
  handle(input: SendInput): Promise<SendAction>;
  readonly faults: Faults<WecomFaultSpec>;
  messages(robot?: string): readonly WecomRecordedMessage[];
  stats(): WecomStandinStats;
  /** Answers by errcode for requests that matched no robot (missing/unknown key). */
  unmatched(): Readonly<Record<string, number>>;
  reset(): void;
  robots(): readonly WecomStandinRobot[];
  /** Cancels pending `delay` faults (their requests are reset). */
  close(): void;
}

function freshState(robot: WecomStandinRobot): RobotState {
  return {
    robot,
    window: createRateWindow(),
    throttledUntil: 0,
    throttleAnswers: 0,
    faults: 0,
    answers: new Map(),
  };
}

function indexRobots(robots: readonly WecomStandinRobot[]) {
  const byKey = new Map<string, RobotState>();
  const byName = new Map<string, RobotState>();
  for (const robot of robots) {
    if (robot.name === '' || robot.key === '') {
      throw new WecomStandinError('wecom_standin_invalid_robots', `robot ${robot.name}: empty name or key`);
    }
    if (byName.has(robot.name) || byKey.has(robot.key)) {
      throw new WecomStandinError(
        'wecom_standin_invalid_robots',
        `duplicate robot name or key: ${robot.name}`,
      );
    }
    const st = freshState(robot);
    byKey.set(robot.key, st);
    byName.set(robot.name, st);
  }
  return { byKey, byName };
}

/**
 * Creates the engine. Checks in the real service's order: method, key (93000), injected faults, body
 * JSON (40035), msgtype (40008), content present (44004), content bytes (40058 `exceed max length`),
 * then the rate: `ratePerMinute` accepted messages in any rolling 60 s, past that 45009.
 */
export function createEngine(options: WecomStandinOptions): Engine {
  const clock = options.clock ?? Date.now;
  const rate = options.ratePerMinute ?? 20;
  const throttleMs = options.throttleMs ?? 0;
  if (!(rate >= 1) || !(throttleMs >= 0)) {
    throw new WecomStandinError(
      'wecom_standin_invalid_options',
      'ratePerMinute must be ≥ 1 and throttleMs ≥ 0',
    );
  }
  const { byKey, byName } = indexRobots(options.robots);
  const faults = createFaults<WecomFaultSpec>(options.random ?? Math.random, 'robot');
  let messages: WecomRecordedMessage[] = [];
  let unmatched = new Map<number, number>();
  let nextId = 1;
  const closed = new AbortController();

  const answer = (st: RobotState | undefined, a: Answer): SendAction => {
    const map = st?.answers ?? unmatched;
    map.set(a.errcode, (map.get(a.errcode) ?? 0) + 1);
    if (st !== undefined && a.errcode === 45009) st.throttleAnswers += 1;
    options.log?.debug({ robot: st?.robot.name, errcode: a.errcode }, 'wecom stand-in answer');
    return { kind: 'answer', answer: a };
  };

  function admit(st: RobotState, raw: Buffer): SendAction {
    const now = clock();
    const parsed = parseBody(raw);
    if ('errcode' in parsed) return answer(st, parsed);
    if (st.throttledUntil > now) return answer(st, ANSWERS.freq);
    // The window counts accepted messages only: what the group sees never exceeds the rate.
    if (st.window.count(now) >= rate) {
      st.throttledUntil = now + throttleMs;
      return answer(st, ANSWERS.freq);
    }
    st.window.record(now);
    appendCapped(messages, { id: nextId++, robot: st.robot.name, time: now, ...parsed });
    return answer(st, ANSWERS.ok);
  }

  async function applyFault(st: RobotState | undefined): Promise<SendAction | undefined> {
    const fault = faults.take(st?.robot.name);
    if (fault === undefined) return undefined;
    if (st !== undefined) st.faults += 1;
    switch (fault.mode) {
      case 'http5xx':
      case 'reset':
        return { kind: fault.mode };
      case 'errcode-1':
        return answer(st, ANSWERS.busy);
      case 'throttle':
        return answer(st, ANSWERS.freq);
      case 'delay':
        // a closing stand-in drops the delayed request
        if (!(await waitFaultDelay(fault.delayMs ?? 5000, closed.signal))) return { kind: 'reset' };
        return undefined;
    }
  }

  return {
    faults,
    async handle(input) {
      const key = input.params.get('key') ?? '';
      const st = byKey.get(key);
      if (input.method !== 'POST') return answer(st, ANSWERS.notPost);
      if (st === undefined) return answer(undefined, ANSWERS.invalidKey);
      return (await applyFault(st)) ?? admit(st, input.raw);
    },
    messages(robot) {
      return robot === undefined ? messages : messages.filter((m) => m.robot === robot);
    },
    stats() {
      const now = clock();
      const robots: Record<string, WecomRobotStats> = {};
      for (const [name, st] of byName) {
        robots[name] = {
          accepted: st.window.total,
          lastMinute: st.window.count(now),
          maxPerMinute: st.window.max,
          throttleAnswers: st.throttleAnswers,
          answers: Object.fromEntries(st.answers),
          faults: st.faults,
        };
      }
      return { ratePerMinute: rate, now, robots };
    },
    unmatched: () => Object.fromEntries(unmatched),
    reset() {
      for (const [name, st] of byName) {
        const fresh = freshState(st.robot);
        byName.set(name, fresh);
        byKey.set(st.robot.key, fresh);
      }
      faults.clear();
      messages = [];
      unmatched = new Map();
    },
    robots: () => options.robots,
    close: () => closed.abort(),
  };
}
