import { createEngineCore, createRateWindow, createRoster } from '@kube-herald/standin-kit';
import type { RateWindow, StandinAction, StandinEngine } from '@kube-herald/standin-kit';
import { ANSWERS, checkIp, checkKeywords, checkSignature, parseJson, parseMessage } from './checks.js';
import type { Answer } from './checks.js';
import { StandinError } from './errors.js';
import type {
  BotStats,
  FaultSpec,
  RecordedMessage,
  StandinBot,
  StandinOptions,
  StandinStats,
} from './types.js';

/** One hook request as the HTTP layer saw it. */
export interface HookInput {
  readonly method: string;
  readonly token: string;
  readonly remote: string | undefined;
  readonly raw: Buffer;
}

/** What the HTTP layer must do. */
export type HookAction = StandinAction<Answer>;

interface BotState {
  readonly bot: StandinBot;
  readonly minute: RateWindow;
  readonly second: RateWindow;
  throttleAnswers: number;
  faults: number;
  readonly answers: Map<number, number>;
}

/** The bots' behaviour, independent of HTTP. */
export interface Engine extends StandinEngine<
  HookInput,
  HookAction,
  FaultSpec,
  RecordedMessage,
  StandinStats
> {
  /** Answers by code for requests that matched no bot. */
  unmatched(): Readonly<Record<string, number>>;
  bots(): readonly StandinBot[];
}

const fresh = (bot: StandinBot): BotState => ({
  bot,
  minute: createRateWindow(60_000),
  second: createRateWindow(1000),
  throttleAnswers: 0,
  faults: 0,
  answers: new Map(),
});

/** Creates the engine; validates the bot list (unique names and tokens). */
export function createEngine(options: StandinOptions): Engine {
  const clock = options.clock ?? Date.now;
  const perMinute = options.ratePerMinute ?? 100;
  const perSecond = options.ratePerSecond ?? 5;
  const maxBody = options.maxBodyBytes ?? 20_000;
  if (!(perMinute >= 1 && perSecond >= 1 && maxBody >= 1)) {
    throw new StandinError(
      'standin_invalid_options',
      'ratePerMinute, ratePerSecond and maxBodyBytes must be ≥ 1',
    );
  }
  const roster = createRoster(
    options.bots,
    {
      name: (b) => b.name,
      key: (b) => b.token,
      invalid: (b) =>
        b.name === '' || !/^[\w-]{1,128}$/.test(b.token) || (b.keywords?.length ?? 0) > 10
          ? `bot ${b.name}: empty name, bad token or > 10 keywords`
          : undefined,
      duplicate: (b) => `duplicate bot name or token: ${b.name}`,
      error: (problem) => new StandinError('standin_invalid_bots', problem),
    },
    fresh,
  );
  const core = createEngineCore<FaultSpec, RecordedMessage, number>('bot', options.random);

  const answer = (st: BotState | undefined, a: Answer): HookAction => {
    core.count(st?.answers, a.body.code);
    if (st !== undefined && a.body.code === 11232) st.throttleAnswers += 1;
    options.log?.debug({ bot: st?.bot.name, code: a.body.code }, 'feishu stand-in answer');
    return { kind: 'answer', answer: a };
  };

  // The real checks in the real order: signature and its window, IP, keyword, body, frequency.
  function admit(st: BotState, input: HookInput): HookAction {
    const now = clock();
    const body = parseJson(input.raw);
    if ('answer' in body) return answer(st, body.answer);
    const json = body.json;
    const denied = checkSignature(st.bot, json, now) ?? checkIp(st.bot, input.remote);
    if (denied !== undefined) return answer(st, denied);
    const parsed = parseMessage(json);
    if ('status' in parsed) return answer(st, parsed);
    const noKeyword = checkKeywords(st.bot, parsed);
    if (noKeyword !== undefined) return answer(st, noKeyword);
    if (input.raw.length > maxBody) return answer(st, ANSWERS.tooLarge);
    // The windows count accepted messages: what the group sees never exceeds the documented rates.
    if (st.minute.count(now) >= perMinute || st.second.count(now) >= perSecond) {
      return answer(st, ANSWERS.throttled);
    }
    st.minute.record(now);
    st.second.record(now);
    core.record({ bot: st.bot.name, time: now, ...parsed, signed: st.bot.secret !== undefined, body: json });
    return answer(st, ANSWERS.ok);
  }

  // Unknown tokens get faults too: a fault without `bot` hits every request.
  const applyFault = (st: BotState | undefined) =>
    core.applyFault(st?.bot.name, (fault): HookAction | undefined => {
      if (st !== undefined) st.faults += 1;
      switch (fault.mode) {
        case 'http5xx':
        case 'reset':
          return { kind: fault.mode };
        case 'throttle':
          return answer(st, ANSWERS.throttled);
        case 'delay':
          return undefined;
      }
    });

  return {
    faults: core.faults,
    async handle(input) {
      const st = roster.get(input.token);
      if (input.method !== 'POST') return answer(st, ANSWERS.notPost);
      const faulted = await applyFault(st);
      if (faulted !== undefined) return faulted;
      if (st === undefined) return answer(undefined, ANSWERS.unknownToken);
      return admit(st, input);
    },
    messages: (bot) => core.messages(bot),
    stats() {
      const now = clock();
      const bots: Record<string, BotStats> = {};
      for (const st of roster.states()) {
        bots[st.bot.name] = {
          accepted: st.minute.total,
          lastMinute: st.minute.count(now),
          maxPerMinute: st.minute.max,
          maxPerSecond: st.second.max,
          throttleAnswers: st.throttleAnswers,
          answers: Object.fromEntries(st.answers),
          faults: st.faults,
        };
      }
      return { ratePerMinute: perMinute, ratePerSecond: perSecond, now, bots };
    },
    unmatched: () => core.unmatched(),
    reset() {
      roster.reset();
      core.clear();
    },
    bots: () => options.bots,
    close: () => core.close(),
  };
}
