import {
  admitPerMinute,
  createEngineCore,
  createMinuteRoster,
  minuteRobotStats,
} from '@kube-herald/standin-kit';
import type { MinuteRobotState, StandinAction, StandinEngine } from '@kube-herald/standin-kit';
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

type RobotState = MinuteRobotState<StandinRobot>;

/** The robots' behaviour, independent of HTTP. */
export interface Engine extends StandinEngine<
  SendInput,
  SendAction,
  FaultSpec,
  RecordedMessage,
  StandinStats
> {
  /** Answers by errcode for requests that matched no robot (missing/unknown token). */
  unmatched(): Readonly<Record<string, number>>;
  subscribe(listener: (e: EngineEvent) => void): () => void;
  robots(): readonly StandinRobot[];
}

/** Creates the engine; validates the robot list (unique names and tokens). */
export function createEngine(options: StandinOptions): Engine {
  const clock = options.clock ?? Date.now;
  const rate = options.ratePerMinute ?? 20;
  const throttleMs = options.throttleMs ?? 60_000;
  const throttle = throttleAnswer(options.throttleErrcode ?? 130101);
  if (!(rate >= 1) || !(throttleMs >= 0)) {
    throw new StandinError('standin_invalid_options', 'ratePerMinute must be ≥ 1 and throttleMs ≥ 0');
  }
  const roster = createMinuteRoster(options.robots, {
    name: (r) => r.name,
    key: (r) => r.token,
    invalid: (r) =>
      r.name === '' || r.token === '' || (r.keywords?.length ?? 0) > 10
        ? `robot ${r.name}: empty name/token or > 10 keywords`
        : undefined,
    duplicate: (r) => `duplicate robot name or token: ${r.name}`,
    error: (problem) => new StandinError('standin_invalid_robots', problem),
  });
  const core = createEngineCore<FaultSpec, RecordedMessage, number>('robot', options.random);
  const listeners = new Set<(e: EngineEvent) => void>();

  const emit = (e: EngineEvent): void => {
    for (const l of listeners) l(e);
  };
  const answer = (st: RobotState | undefined, a: Answer): SendAction => {
    core.count(st?.answers, a.errcode);
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
    const admitted = admitPerMinute(st, now, rate, throttleMs);
    if (admitted === 'over') {
      options.log?.info(
        { robot: st.robot.name, until: st.throttledUntil },
        'dingtalk stand-in robot throttled',
      );
    }
    if (admitted !== 'ok') return answer(st, throttle);
    const message = core.record({ robot: st.robot.name, time: now, ...parsed });
    emit({ type: 'message', message });
    return answer(st, ANSWERS.ok);
  }

  // Unknown tokens get faults too: a fault without `robot` hits every request.
  const applyFault = (st: RobotState | undefined) =>
    core.applyFault(st?.robot.name, (fault): SendAction | undefined => {
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
          return undefined;
      }
    });

  return {
    faults: core.faults,
    async handle(input) {
      const token = input.params.get('access_token') ?? '';
      const st = roster.get(token);
      if (input.method !== 'POST') return answer(st, ANSWERS.notPost);
      if (token === '') return answer(undefined, ANSWERS.missingToken);
      const faulted = await applyFault(st);
      if (faulted !== undefined) return faulted;
      if (st === undefined) return answer(undefined, ANSWERS.unknownToken);
      return admit(st, input);
    },
    messages: (robot) => core.messages(robot),
    stats() {
      const now = clock();
      const robots: Record<string, RobotStats> = {};
      for (const st of roster.states()) {
        robots[st.robot.name] = {
          ...minuteRobotStats(st, now),
          throttledUntil: st.throttledUntil > now ? st.throttledUntil : 0,
        };
      }
      return { ratePerMinute: rate, now, robots };
    },
    unmatched: () => core.unmatched(),
    reset() {
      roster.reset();
      core.clear();
      emit({ type: 'reset' });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    robots: () => options.robots,
    close: () => core.close(),
  };
}
