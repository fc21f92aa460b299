import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHarness, metricValue, until, warning } from './pipeline-harness.js';
import { createLogger } from '@kube-herald/logging';

test('a send held past the client timeout and then accepted: retried, the duplicate counted and logged as possible', async () => {
  const lines: Record<string, unknown>[] = [];
  const sink = { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) };
  const h = await createHarness({
    robots: [{ name: 'oncall' }],
    route: { receiver: 'oncall', groupWait: '100ms', groupInterval: '1s', repeatInterval: '1h' },
    log: createLogger({ name: 'amb', level: 'info', destination: sink }),
  });
  try {
    // the receivers' client times out after 2 s; the robot holds the first request 3 s, then accepts it
    h.standin.faults.inject({ robot: 'oncall', mode: 'delay', delayMs: 3000, times: 1 });
    const a = await h.instance();
    await h.publish(Array.from({ length: 5 }, (_, i) => warning({ ns: 'orders', name: 'w-0' }, i + 1)));
    await until(
      async () => (await metricValue(a.registry, 'kube_herald_notifier_events_notified_total')) === 5,
      30_000,
      'delivered',
    );
    await until(() => h.standin.messages('oncall').length === 2, 10_000, 'the held request accepted too');
    assert.equal(await metricValue(a.registry, 'kube_herald_notifier_messages_sent_total'), 1);
    assert.equal(await metricValue(a.registry, 'kube_herald_notifier_possible_duplicates_total'), 1);
    assert.equal(
      await metricValue(a.registry, 'kube_herald_notifier_delivery_attempts_total', { verdict: 'retry' }),
      1,
    );
    const amb = lines.filter((l) => l.decision === 'ambiguous');
    assert.equal(amb.length, 1, 'one decision-log line for the unknown outcome');
    assert.equal(amb[0]?.receiver, 'oncall');
    assert.equal(amb[0]?.code, 'timeout');
  } finally {
    await h.close();
  }
});
