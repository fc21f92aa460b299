import { createFaults, createRateWindow, waitFaultDelay, appendCapped } from '@kube-herald/standin-kit';
import type { Faults, RateWindow, StandinAction } from '@kube-herald/standin-kit';
import { ANSWERS, checkIp, checkKeywords, checkSignature, parseBody, throttleAnswer } from './checks.js';
import type { Answer } from './checks.js';
import { StandinError } from './errors.js';
import type {
  FaultSpec,
  RecordedMessage,
  RobotStats,
  StandinOptions,
  StandinRobot,
  StandinStats,
} from './types.js';

/** One `/robot/send` request as the HTTP layer saw it. */
export interface SendInput {
  readonly method: string;
  readonly params: URLSearchParams;
  readonly remote: string | undefined;
  readonly raw: Buffer;
}

/** What the HTTP layer must do. */
export type SendAction = StandinAction<Answer>;

/** Something that changed, for the live stream. */
export type EngineEvent =
  | { readonly type: 'message'; readonly message: RecordedMessage }
  | { readonly type: 'answer'; readonly robot: string | undefined; readonly errcode: number }
  | { readonly type: 'fault'; readonly robot: string | undefined; readonly mode: 'http5xx' | 'reset' }
  | { readonly type: 'reset' };

interface RobotState {
  readonly robot: StandinRobot;
  window: RateWindow;
  throttledUntil: number;
  throttleAnswers: number;
  faults: number;
  answers: Map<number, number>;
}

/** The robots' behaviour, independent of HTTP. */
export interface Engine {
  handle(input: SendInput): Promise<SendAction>;
  readonly faults: Faults<FaultSpec>;
  messages(robot?: string): readonly RecordedMessage[];
  stats(): StandinStats;
  /** Answers by errcode for requests that matched no robot (missing/unknown token). */
  unmatched(): Readonly<Record<string, number>>;
  reset(): void;
  subscribe(listener: (e: EngineEvent) => void): () => void;
  robots(): readonly StandinRobot[];
  /** Cancels pending `delay` faults (their requests are reset). */
  close(): void;
}

function freshState(robot: StandinRobot): RobotState {
  return {
    robot,
    window: createRateWindow(),
    throttledUntil: 0,
    throttleAnswers: 0,
    faults: 0,
    answers: new Map(),
  };
}

/** Creates the engine; validates the robot list (unique names and tokens). */
export function createEngine(options: StandinOptions): Engine {
  const clock = options.clock ?? Date.now;
  const rate = options.ratePerMinute ?? 20;
  const throttleMs = options.throttleMs ?? 60_000;
  const throttle = throttleAnswer(options.throttleErrcode ?? 130101);
  const byToken = new Map<string, RobotState>();
  const byName = new Map<string, RobotState>();
  if (!(rate >= 1) || !(throttleMs >= 0)) {
    throw new StandinError('standin_invalid_options', 'ratePerMinute must be ≥ 1 and throttleMs ≥ 0');
  }
  for (const robot of options.robots) {
    if (robot.name === '' || robot.token === '' || (robot.keywords?.length ?? 0) > 10) {
      throw new StandinError(
        'standin_invalid_robots',
        `robot ${robot.name}: empty name/token or > 10 keywords`,
      );
    }
    if (byName.has(robot.name) || byToken.has(robot.token)) {
      throw new StandinError('standin_invalid_robots', `duplicate robot name or token: ${robot.name}`);
    }
    const st = freshState(robot);
    byToken.set(robot.token, st);
    byName.set(robot.name, st);
  }
  const faults = createFaults<FaultSpec>(options.random ?? Math.random, 'robot');
  const listeners = new Set<(e: EngineEvent) => void>();
  let messages: RecordedMessage[] = [];
  let unmatched = new Map<number, number>();
  let nextId = 1;
  const closed = new AbortController();

  const emit = (e: EngineEvent): void => {
    for (const l of listeners) l(e);
  };
  const answer = (st: RobotState | undefined, a: Answer): SendAction => {
    const map = st?.answers ?? unmatched;
    map.set(a.errcode, (map.get(a.errcode) ?? 0) + 1);
    if (st !== undefined && (a.errcode === 130101 || a.errcode === 410100)) st.throttleAnswers += 1;
    options.log?.debug({ robot: st?.robot.name, errcode: a.errcode }, 'dingtalk stand-in answer');
    emit({ type: 'answer', robot: st?.robot.name, errcode: a.errcode });
    return { kind: 'answer', answer: a };
  };

  function admit(st: RobotState, input: SendInput): SendAction {
    const now = clock();
    const denied = checkSignature(st.robot, input.params, now) ?? checkIp(st.robot, input.remote);
    if (denied !== undefined) return answer(st, denied);
    const parsed = parseBody(input.raw);
    if ('errcode' in parsed) return answer(st, parsed);
    const noKeyword = checkKeywords(st.robot, parsed);
    if (noKeyword !== undefined) return answer(st, noKeyword);
    if (st.throttledUntil > now) return answer(st, throttle);
    // The window counts accepted messages only: what the group sees never exceeds the rate.
    if (st.window.count(now) >= rate) {
      st.throttledUntil = now + throttleMs;
      options.log?.info(
        { robot: st.robot.name, until: st.throttledUntil },
        'dingtalk stand-in robot throttled',
      );
      return answer(st, throttle);
    }
    st.window.record(now);
    const message: RecordedMessage = { id: nextId++, robot: st.robot.name, time: now, ...parsed };
    appendCapped(messages, message);
    emit({ type: 'message', message });
    return answer(st, ANSWERS.ok);
  }

  return {
    faults,
    async handle(input) {
      const token = input.params.get('access_token') ?? '';
      const st = byToken.get(token);
      if (input.method !== 'POST') return answer(st, ANSWERS.notPost);
      if (token === '') return answer(undefined, ANSWERS.missingToken);
      const fault = faults.take(st?.robot.name);
      if (fault !== undefined) {
        if (st !== undefined) st.faults += 1;
        switch (fault.mode) {
          case 'http5xx':
          case 'reset':
            emit({ type: 'fault', robot: st?.robot.name, mode: fault.mode });
            return { kind: fault.mode };
          case 'errcode-1':
            return answer(st, ANSWERS.busy);
          case 'throttle':
            return answer(st, throttle);
          case 'delay':
            // a closing stand-in drops the delayed request
            if (!(await waitFaultDelay(fault.delayMs ?? 5000, closed.signal))) return { kind: 'reset' };
            break;
        }
      }
      if (st === undefined) return answer(undefined, ANSWERS.unknownToken);
      return admit(st, input);
    },
    messages(robot) {
      return robot === undefined ? messages : messages.filter((m) => m.robot === robot);
    },
    stats() {
      const now = clock();
      const robots: Record<string, RobotStats> = {};
      for (const [name, st] of byName) {
        robots[name] = {
          accepted: st.window.total,
          lastMinute: st.window.count(now),
          maxPerMinute: st.window.max,
          throttleAnswers: st.throttleAnswers,
          answers: Object.fromEntries(st.answers),
          faults: st.faults,
          throttledUntil: st.throttledUntil > now ? st.throttledUntil : 0,
        };
      }
      return { ratePerMinute: rate, now, robots };
    },
    unmatched: () => Object.fromEntries(unmatched),
    reset() {
      for (const [name, st] of byName) {
        const fresh = freshState(st.robot);
        byName.set(name, fresh);
        byToken.set(st.robot.token, fresh);
      }
      faults.clear();
      messages = [];
      unmatched = new Map();
      emit({ type: 'reset' });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    robots: () => options.robots,
    close: () => closed.abort(),
  };
}
