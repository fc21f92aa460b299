import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createRateGate,
  createReceivers,
  gateKeyOf,
  loadNotifierConfig,
  notifierPrefixes,
  type DeliveryOutcome,
  type Digest,
  type NotifierConfig,
  type RateGate,
  type Receiver,
} from '@kube-herald/notifier';
import { openRedis } from '../util/redis.js';
import type { Env } from '../command-types.js';
import { ExitCode, usageError } from '../exit-codes.js';
import { ioOf } from '../io.js';
import type { SetExit } from '../command-types.js';

function testDigest(receiver: string, now: number): Digest {
  let who: string;
  try {
    who = `${userInfo().username}@${hostname()}`;
  } catch {
    who = hostname(); // no passwd entry (containers): the host name is enough
  }
  const at = new Date(now).toISOString();
  return {
    receiver,
    groupKey: `${receiver}|test`,
    groupLabels: { receiver },
    test: true,
    incidents: [
      {
        incidentKey: 'kube-herald/test',
        status: 'new',
        type: 'Normal',
        reason: 'KubeHeraldTest',
        message: `Test message from kube-herald test-send (${who}) — delivery works, no action needed.`,
        cluster: { id: 'kube-herald-test', name: 'kube-herald test' },
        namespace: 'kube-herald',
        object: { kind: 'Receiver', name: receiver },
        newOccurrences: 1,
        count: 1,
        firstSeen: at,
        lastSeen: at,
      },
    ],
    totals: { occurrences: 1, incidents: 1, newIncidents: 1, objects: 1 },
    windowStart: at,
    windowEnd: at,
  };
}

/**
 * The lines printed for the platform's answer: its code and message, the receiver's reading of it (`why`,
 * from the platform lib's classification) and what to change (`fix`, from the receiver type's own table).
 */
export function answerText(receiver: string, out: DeliveryOutcome, fix?: string): string {
  const lines = [
    `receiver ${receiver}: ${out.verdict === 'ok' ? 'delivered' : `not delivered (${out.verdict}, ${out.code})`}`,
  ];
  if (out.errcode !== undefined) lines.push(`  errcode: ${out.errcode}`, `  errmsg:  ${out.errmsg ?? ''}`);
  if (out.hint) lines.push(`  why:     ${out.hint}`);
  if (fix && out.verdict !== 'ok') lines.push(`  fix:     ${fix}`);
  lines.push(`  took:    ${out.durationMs} ms`);
  return `${lines.join('\n')}\n`;
}

/**
 * Takes a slot of the robot's rate gate (the one the notifier fleet uses: a test message counts against the
 * robot's per-minute and per-second budgets like any other), waiting up to `waitMs`. Returns undefined when
 * it got one, else why not.
 */
async function takeSlot(gate: RateGate, receiver: Receiver, waitMs: number): Promise<string | undefined> {
  const end = Date.now() + waitMs;
  const perSecond = receiver.ratePerSecond;
  for (;;) {
    const answer = await gate.acquire(
      gateKeyOf(receiver),
      receiver.ratePerMinute ?? 18,
      `test-send@${Date.now()}`,
      perSecond ? { perSecond } : undefined,
    );
    if (answer.granted) return undefined;
    if (Date.now() + answer.waitMs > end)
      return `receiver ${receiver.name}: not sent — the robot's rate gate has no free slot for ${Math.ceil(answer.waitMs / 1000)} s (its budget is used by the notifier fleet, or it is blocked after a throttle answer); retry later or give --wait ${Math.ceil(answer.waitMs / 1000)}
`;
    await sleep(answer.waitMs);
  }
}

function gateFor(config: NotifierConfig, redis: Awaited<ReturnType<typeof openRedis>>): RateGate {
  return createRateGate({
    redis,
    prefix: notifierPrefixes(config).keys,
    throttleBaseMs: config.delivery.throttleBackoff,
  });
}

/** `kube-herald test-send`: one clearly marked test message through the receiver's render and send. */
export function registerTestSend(program: Command, env: Env, setExit: SetExit): void {
  program
    .command('test-send')
    .description(
      "Send one clearly marked test message through a receiver's real delivery path and print the platform's answer.",
    )
    .requiredOption('--receiver <name>', 'the receiver to test')
    .requiredOption('--config <file>', 'the notifier config file')
    .option('--wait <seconds>', "longest wait for a free slot of the robot's rate gate", '60')
    .addHelpText(
      'after',
      `
The message goes through the robot's rate gate in Redis (shared with the notifier fleet), so a test never
pushes the robot over its platform's limit (the receiver's ratePerMinute, and ratePerSecond where the
platform has one). Prints the platform's answer (errcode/errmsg, or the HTTP status and Slack's answer word),
why it was refused and what to change, worded for the receiver's type:
  dingtalk  310000: keyword, signing secret or clock, IP allowlist; invalid access_token
  wecom     93000: invalid key in the webhook; 45009: over 20 messages per minute
  feishu    19021: signing secret or clock; 19022: IP allowlist; 19024: keyword; 19001: invalid token
  slack     no_service, invalid_token, channel_is_archived, action_prohibited, …
  webhook   the HTTP status (401/403: the Bearer secret; 404: the URL)
Exit 0 when delivered, 3 when the platform refused it (or the gate had no free slot in --wait).

Example:
  kube-herald test-send --receiver oncall --config notifier.yaml`,
    )
    .action(async (flags: { receiver: string; config: string; wait: string }, cmd: Command) => {
      const io = ioOf(cmd);
      const config = loadNotifierConfig(flags.config, env);
      if (!config.receivers.some((r) => r.name === flags.receiver))
        throw usageError(
          `--receiver: no receiver "${flags.receiver}" (receivers: ${config.receivers.map((r) => r.name).join(', ')})`,
        );
      const waitS = Number(flags.wait);
      if (!Number.isFinite(waitS) || waitS < 0)
        throw usageError(`--wait: "${flags.wait}" is not a number of seconds`);
      const pw = config.secrets.redisPassword;
      const redis = await openRedis({
        url: config.redis.url,
        prefix: config.redis.prefix,
        ...(pw === undefined ? {} : { password: pw }),
      });
      const receivers = createReceivers(config);
      try {
        const receiver = receivers.get(flags.receiver);
        if (receiver === undefined) throw usageError(`--receiver: no receiver "${flags.receiver}"`);
        const gate = gateFor(config, redis);
        const busy = await takeSlot(gate, receiver, waitS * 1000);
        if (busy !== undefined) {
          io.stdout.write(busy);
          setExit(ExitCode.delivery);
          return;
        }
        const out = await receiver.send(receiver.render(testDigest(flags.receiver, Date.now())));
        // a throttle answer blocks the robot for the whole fleet, as a live send's would
        if (out.verdict === 'throttle')
          await gate.throttled(
            gateKeyOf(receiver),
            out.retryAfterMs ? { minMs: out.retryAfterMs } : undefined,
          );
        io.stdout.write(answerText(flags.receiver, out, receiver.fixFor?.(out)));
        setExit(out.verdict === 'ok' ? ExitCode.ok : ExitCode.delivery);
      } finally {
        await Promise.all([...receivers.values()].map((r) => (r.close ? r.close() : Promise.resolve())));
        await redis.quit().catch(() => redis.disconnect());
      }
    });
}
