import {
  admitPerMinute,
  createEngineCore,
  createMinuteRoster,
  minuteRobotStats,
} from '@kube-herald/standin-kit';
import type { MinuteRobotState, StandinAction, StandinEngine } from '@kube-herald/standin-kit';
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

type RobotState = MinuteRobotState<WecomStandinRobot>;

/** The robots' behaviour, independent of HTTP. */
export interface Engine extends StandinEngine<
  SendInput,
  SendAction,
  WecomFaultSpec,
  WecomRecordedMessage,
  WecomStandinStats
> {
  /** Answers by errcode for requests that matched no robot (missing/unknown key). */
  unmatched(): Readonly<Record<string, number>>;
  robots(): readonly WecomStandinRobot[];
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
  const roster = createMinuteRoster(options.robots, {
    name: (r) => r.name,
    key: (r) => r.key,
    invalid: (r) => (r.name === '' || r.key === '' ? `robot ${r.name}: empty name or key` : undefined),
    duplicate: (r) => `duplicate robot name or key: ${r.name}`,
    error: (problem) => new WecomStandinError('wecom_standin_invalid_robots', problem),
  });
  const core = createEngineCore<WecomFaultSpec, WecomRecordedMessage, number>('robot', options.random);

  const answer = (st: RobotState | undefined, a: Answer): SendAction => {
    core.count(st?.answers, a.errcode);
    if (st !== undefined && a.errcode === 45009) st.throttleAnswers += 1;
    options.log?.debug({ robot: st?.robot.name, errcode: a.errcode }, 'wecom stand-in answer');
    return { kind: 'answer', answer: a };
  };

  function admit(st: RobotState, raw: Buffer): SendAction {
    const now = clock();
    const parsed = parseBody(raw);
    if ('errcode' in parsed) return answer(st, parsed);
    if (admitPerMinute(st, now, rate, throttleMs) !== 'ok') return answer(st, ANSWERS.freq);
    core.record({ robot: st.robot.name, time: now, ...parsed });
    return answer(st, ANSWERS.ok);
  }

  const applyFault = (st: RobotState) =>
    core.applyFault(st.robot.name, (fault): SendAction | undefined => {
      st.faults += 1;
      switch (fault.mode) {
        case 'http5xx':
        case 'reset':
          return { kind: fault.mode };
        case 'errcode-1':
          return answer(st, ANSWERS.busy);
        case 'throttle':
          return answer(st, ANSWERS.freq);
        case 'delay':
          return undefined;
      }
    });

  return {
    faults: core.faults,
    async handle(input) {
      const st = roster.get(input.params.get('key') ?? '');
      if (input.method !== 'POST') return answer(st, ANSWERS.notPost);
      if (st === undefined) return answer(undefined, ANSWERS.invalidKey);
      return (await applyFault(st)) ?? admit(st, input.raw);
    },
    messages: (robot) => core.messages(robot),
    stats() {
      const now = clock();
      const robots: Record<string, WecomRobotStats> = {};
      for (const st of roster.states()) robots[st.robot.name] = minuteRobotStats(st, now);
      return { ratePerMinute: rate, now, robots };
    },
    unmatched: () => core.unmatched(),
    reset() {
      roster.reset();
      core.clear();
    },
    robots: () => options.robots,
    close: () => core.close(),
  };
}
