import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { listFailed } from '../src/failed.js';
import { captureLog } from './log-capture.js';
import { createHarness, metricValue, until, warning } from './pipeline-harness.js';

const GOOD_SECRET = 'SECgoodLeak0123456789abcdef';
const BAD_SECRET = 'SECbadConfigLeak0123456789';
const ROBOT_SECRET = 'SECrealRobotLeak0123456789';

/** Every value under `prefix` (strings, hashes, lists, sets, sorted sets, streams) as one text. */
async function dumpRedis(redis: Redis, prefix: string): Promise<{ keys: number; text: string }> {
  const parts: string[] = [];
  let cursor = '0';
  let keys = 0;
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
    cursor = next;
    for (const key of batch) {
      keys += 1;
      const type = await redis.type(key);
      parts.push(key);
      if (type === 'string') parts.push((await redis.get(key)) ?? '');
      else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === 'list') parts.push(...(await redis.lrange(key, 0, -1)));
      else if (type === 'set') parts.push(...(await redis.smembers(key)));
      else if (type === 'zset') parts.push(...(await redis.zrange(key, 0, -1)));
      else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
    }
  } while (cursor !== '0');
  return { keys, text: parts.join('\n') };
}

test('secrets: token and signing secret appear in no log line, metric, Redis job data or failedReason, or decision log', async () => {
  const captured = captureLog('trace');
  const { log } = captured;
  const published: string[] = [];
  const h = await createHarness({
    robots: [
      { name: 'good', secret: GOOD_SECRET },
      { name: 'bad', secret: ROBOT_SECRET, configSecret: BAD_SECRET },
    ],
    route: {
      receiver: 'good',
      groupBy: ['namespace'],
      groupWait: '200ms',
      groupInterval: '1s',
      repeatInterval: '1h',
      routes: [{ match: { namespace: 'billing' }, receiver: 'bad' }],
    },
    log,
    decisionLogTopic: 'kh-decisions-test',
    tap: (topic, messages) => {
      for (const m of messages) published.push(`${topic} ${m.key ?? ''} ${m.value.toString()}`);
    },
  });
  try {
    h.standin.faults.inject({ robot: 'good', mode: 'http5xx', times: 1 });
    h.standin.faults.inject({ robot: 'good', mode: 'errcode-1', times: 1 });
    const a = await h.instance();
    await h.publish([
      ...Array.from({ length: 6 }, (_, i) => warning({ ns: 'payments', name: `api-${i % 2}` }, i + 1)),
      ...Array.from({ length: 4 }, (_, i) => warning({ ns: 'billing', name: 'ledger-0' }, i + 1)),
    ]);
    await h.publishRaw(['{"not":"an event"}']);
    await until(
      async () =>
        (await metricValue(a.registry, 'kube_herald_notifier_events_notified_total')) === 6 &&
        (await listFailed(a.notifier.queue)).length === 1,
      30_000,
      'one delivery after retries and one permanent failure',
    );
    await until(
      async () => (await metricValue(a.registry, 'kube_herald_notifier_dlq_total')) === 1,
      30_000,
      'malformed record in the DLQ',
    );
    const attempts = (verdict: string) =>
      metricValue(a.registry, 'kube_herald_notifier_delivery_attempts_total', { verdict });
    assert.equal(await attempts('retry'), 2, 'a 5xx and an errcode -1 were retried');
    assert.equal(await attempts('permanent'), 1);
    const [failed] = await listFailed(a.notifier.queue);
    assert.match(failed!.failedReason, /errcode=310000/);

    const secrets = [
      ...['good', 'bad'].map((r) => `tok-${r}-0123456789`),
      GOOD_SECRET,
      BAD_SECRET,
      ROBOT_SECRET,
      encodeURIComponent(GOOD_SECRET),
    ];
    const metrics = await a.registry.metrics();
    const redis = await dumpRedis(h.redis, h.config.redis.prefix);
    assert.ok(redis.keys > 0);
    assert.match(redis.text, /errcode=310000/, 'the failed job and its reason are in the dump');
    const decisions = published.filter((p) => p.startsWith('kh-decisions-test '));
    assert.ok(decisions.some((d) => d.includes('"decision":"sent"')));
    assert.ok(decisions.some((d) => d.includes('"decision":"failed"')));
    const logText = captured.text();
    assert.match(logText, /"component":"decision"/);
    assert.match(logText, /"level":20/, 'debug lines captured too');
    assert.match(logText, /delivery job failed/);
    for (const [where, text] of [
      ['log lines', logText],
      ['/metrics', metrics],
      ['Redis (BullMQ jobs, failedReason, groups)', redis.text],
      ['published records (decision log, DLQ)', published.join('\n')],
    ] as const) {
      for (const s of secrets) assert.ok(!text.includes(s), `${where} contain ${s.slice(0, 6)}…`);
      assert.doesNotMatch(text, /[?&]sign=(?!\*\*\*)/, `${where} contain a request signature`);
    }
  } finally {
    await h.close();
  }
});
