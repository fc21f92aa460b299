import { createEngineCore, createRoster } from '@kube-herald/standin-kit';
import type { RosterRules, StandinEngine } from '@kube-herald/standin-kit';
import { ANSWERS, parseBody, rateLimited, specials } from './checks.js';
import type { Answer } from './checks.js';
import { createBucket } from './bucket.js';
import type { Bucket } from './bucket.js';
import { SlackStandinError } from './errors.js';
import type {
  ChannelStats,
  FaultSpec,
  RecordedMessage,
  SlackStandinOptions,
  SlackStandinStats,
  StandinChannel,
} from './types.js';

/** One webhook request as the HTTP layer saw it. */
export interface SendInput {
  readonly method: string;
  /** The path after `/services/`. */
  readonly path: string;
  readonly raw: Buffer;
}

/** What the HTTP layer must do. */
export type SendAction = { readonly kind: 'answer'; readonly answer: Answer } | { readonly kind: 'reset' };

interface ChannelState {
  readonly channel: StandinChannel;
  bucket: Bucket;
  accepted: number;
  rateLimited: number;
  faults: number;
  answers: Map<string, number>;
}

/** The webhooks' behaviour, independent of HTTP. */
export interface Engine extends StandinEngine<
  SendInput,
  SendAction,
  FaultSpec,
  RecordedMessage,
  SlackStandinStats
> {
  channels(): readonly StandinChannel[];
}

const PATH = /^[\w-]+\/[\w-]+\/[\w-]+$/;
const PROBLEM = 'empty or duplicate name, or a path that is not T…/B…/secret (or a duplicate)';

/** The channels' rules: unique names and paths, paths of three segments. */
const CHANNEL_RULES: RosterRules<StandinChannel> = {
  name: (c) => c.name,
  key: (c) => c.path,
  invalid: (c) => (c.name === '' || !PATH.test(c.path) ? `channel ${c.name}: ${PROBLEM}` : undefined),
  duplicate: (c) => `channel ${c.name}: ${PROBLEM}`,
  error: (message) => new SlackStandinError('slack_standin_invalid_channels', message),
};

function validate(options: SlackStandinOptions): void {
  const rate = options.ratePerSecond ?? 1;
  const burst = options.burst ?? 3;
  if (!(rate > 0) || !(burst >= 1)) {
    throw new SlackStandinError('slack_standin_invalid_options', 'ratePerSecond must be > 0 and burst ≥ 1');
  }
}

/** Creates the engine; validates the channel list (unique names and paths). */
export function createEngine(options: SlackStandinOptions): Engine {
  validate(options);
  const clock = options.clock ?? Date.now;
  const rate = options.ratePerSecond ?? 1;
  const burst = options.burst ?? 3;
  const fresh = (channel: StandinChannel): ChannelState => ({
    channel,
    bucket: createBucket(rate, burst),
    accepted: 0,
    rateLimited: 0,
    faults: 0,
    answers: new Map(),
  });
  const roster = createRoster(options.channels, CHANNEL_RULES, fresh);
  const core = createEngineCore<FaultSpec, RecordedMessage, string>('channel', options.random);

  const answer = (st: ChannelState | undefined, a: Answer): SendAction => {
    core.count(st?.answers, `${a.status} ${a.body}`);
    if (st !== undefined && a.status === 429) st.rateLimited += 1;
    options.log?.debug(
      { channel: st?.channel.name, status: a.status, body: a.body },
      'slack stand-in answer',
    );
    return { kind: 'answer', answer: a };
  };

  function admit(st: ChannelState, raw: Buffer): SendAction {
    const parsed = parseBody(raw);
    if ('status' in parsed) return answer(st, parsed);
    const now = clock();
    const token = st.bucket.take(now);
    if (!token.ok) return answer(st, rateLimited(token.waitSeconds));
    st.bucket.record(now);
    st.accepted += 1;
    core.record({
      channel: st.channel.name,
      time: now,
      text: parsed.text,
      blockTexts: parsed.blockTexts,
      ...specials([parsed.text, ...parsed.blockTexts]),
      body: parsed.body,
    });
    return answer(st, ANSWERS.ok);
  }

  const applyFault = (st: ChannelState) =>
    core.applyFault(st.channel.name, (fault): SendAction | undefined => {
      st.faults += 1;
      switch (fault.mode) {
        case 'http5xx':
          return answer(st, ANSWERS.rollup);
        case 'reset':
          return { kind: 'reset' };
        case 'throttle':
          return answer(st, rateLimited(fault.retryAfterSeconds ?? 1));
        case 'delay':
          return undefined;
      }
    });

  return {
    faults: core.faults,
    async handle(input) {
      const st = roster.get(input.path);
      if (st === undefined) return answer(undefined, ANSWERS.noService);
      if (input.method !== 'POST') return answer(st, { status: 405, body: 'invalid_method' });
      if (st.channel.archived === true) return answer(st, ANSWERS.archived);
      if (st.channel.prohibited === true) return answer(st, ANSWERS.prohibited);
      return (await applyFault(st)) ?? admit(st, input.raw);
    },
    messages: (channel) => core.messages(channel),
    stats() {
      const channels: Record<string, ChannelStats> = {};
      for (const st of roster.states()) {
        channels[st.channel.name] = {
          accepted: st.accepted,
          rateLimited: st.rateLimited,
          maxPerSecond: st.bucket.maxPerSecond,
          answers: Object.fromEntries(st.answers),
          faults: st.faults,
        };
      }
      return { ratePerSecond: rate, burst, now: clock(), channels, unmatched: core.unmatched() };
    },
    reset() {
      roster.reset();
      core.clear();
    },
    channels: () => options.channels,
    close: () => core.close(),
  };
}
