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

/** What to change for the security checks that share errcode 310000 (only errmsg tells them apart). */
const FIXES: Readonly<Record<string, (receiver: string) => string>> = {
  security_keyword: (r) =>
    `add one of the robot's security keywords (自定义关键词) to receivers[${r}].keywords, or add the keyword to the robot`,
  security_timestamp: () =>
    "fix this machine's clock (NTP): a signed request's timestamp must be within 1 hour of DingTalk's",
  security_sign: (r) =>
    `receivers[${r}].secret/secretFile must be the robot's 加签 secret (SEC…), unchanged; remove it if the robot does not sign`,
  security_ip: () =>
    "add this machine's public egress IP (or range) to the robot's IP allowlist (IP地址段), or send from an allowed host",
  security_check: () => 'check the robot security settings: keywords, signing secret, IP allowlist',
  token_invalid: (r) =>
    `the webhook's access_token is wrong or the robot was deleted: update receivers[${r}].webhook`,
};

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

/** The lines printed for DingTalk's answer. */
export function answerText(receiver: string, out: DeliveryOutcome): string {
  const lines = [
    `receiver ${receiver}: ${out.verdict === 'ok' ? 'delivered' : `not delivered (${out.verdict}, ${out.code})`}`,
  ];
  if (out.errcode !== undefined) lines.push(`  errcode: ${out.errcode}`, `  errmsg:  ${out.errmsg ?? ''}`);
  if (out.hint) lines.push(`  why:     ${out.hint}`);
  const fix = FIXES[out.code];
  if (fix) lines.push(`  fix:     ${fix(receiver)}`);
  lines.push(`  took:    ${out.durationMs} ms`);
  return `${lines.join('\n')}\n`;
}

/**
 * Takes a slot of the robot's rate gate (the one the notifier fleet uses: a test message counts against the
 * robot's 20/min like any other), waiting up to `waitMs`. Returns undefined when it got one, else why not.
 */
async function takeSlot(gate: RateGate, receiver: Receiver, waitMs: number): Promise<string | undefined> {
  const end = Date.now() + waitMs;
  for (;;) {
    const answer = await gate.acquire(
      gateKeyOf(receiver),
      receiver.ratePerMinute ?? 18,
      `test-send@${Date.now()}`,
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
      "Send one clearly marked test message through a receiver's real delivery path and print DingTalk's answer.",
    )
    .requiredOption('--receiver <name>', 'the receiver to test')
    .requiredOption('--config <file>', 'the notifier config file')
    .option('--wait <seconds>', "longest wait for a free slot of the robot's rate gate", '60')
    .addHelpText(
      'after',
      `
The message goes through the robot's rate gate in Redis (shared with the notifier fleet), so a test never
pushes the robot over DingTalk's 20/min. Prints errcode and errmsg; for 310000 it says which security check failed and what to change (keyword,
signing secret or clock, IP allowlist). Exit 0 when delivered, 3 when DingTalk refused it.

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
        if (out.verdict === 'throttle') await gate.throttled(gateKeyOf(receiver));
        io.stdout.write(answerText(flags.receiver, out));
        setExit(out.verdict === 'ok' ? ExitCode.ok : ExitCode.delivery);
      } finally {
        await Promise.all([...receivers.values()].map((r) => (r.close ? r.close() : Promise.resolve())));
        await redis.quit().catch(() => redis.disconnect());
      }
    });
}
