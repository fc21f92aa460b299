import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uniqueName } from '@kube-herald/testing';
import { createHarness, metricValue, testRoute, until, warning } from './pipeline-harness.js';

const route = testRoute();

test('Kafka records → dedup → group → one signed DingTalk message; redelivery sends nothing twice', async () => {
  const h = await createHarness({ robots: [{ name: 'oncall', secret: 'SECe2e0123456789abcdef' }], route });
  try {
    const a = await h.instance();
    const events = Array.from({ length: 30 }, (_, i) =>
      warning({ ns: 'payments', name: `api-${i % 3}` }, i + 1),
    );
    await h.publish(events);
    await until(
      async () => (await metricValue(a.registry, 'kube_herald_notifier_events_notified_total')) === 30,
      60_000,
      '30 events notified',
    );
    const msgs = h.standin.messages('oncall');
    assert.equal(msgs.length, 1, 'one group, one message');
    assert.match(msgs[0]!.text, /payments/);
    assert.match(msgs[0]!.text, /K8s/);
    assert.equal(
      await metricValue(a.registry, 'kube_herald_notifier_grouped_total', { receiver: 'oncall' }),
      30,
    );
    assert.equal(h.standin.stats().robots['oncall']?.answers['0'], 1, 'accepted with a valid signature');

    // the same records again (a second consumer group reads them from the beginning) and a republish
    const b = await h.instance({}, uniqueName('kh-replay-group'));
    await h.publish(events.slice(0, 10));
    // B (own group) reads the 30 + 10 records, A (the live group) at least the 10 republished. Kafka is
    // at least once: a fresh broker answering "coordinator is loading" can fail a commit, the consumer
    // restarts and reads a batch again. So the counts are lower bounds; what is exact is that every
    // record consumed was either grouped (once, fleet-wide) or deduped, and nothing was sent twice.
    const settled = async (i: typeof a, min: number): Promise<boolean> => {
      const consumed = await metricValue(i.registry, 'kube_herald_notifier_consumed_total');
      const accounted =
        (await metricValue(i.registry, 'kube_herald_notifier_deduped_total')) +
        (await metricValue(i.registry, 'kube_herald_notifier_grouped_total'));
      return consumed >= min && accounted === consumed;
    };
    await until(
      async () => (await settled(b, 40)) && (await settled(a, 40)),
      60_000,
      'all redeliveries deduped (B read 40 records, A 30 + 10)',
    );
    assert.ok((await metricValue(b.registry, 'kube_herald_notifier_deduped_total')) >= 40);
    assert.ok((await metricValue(a.registry, 'kube_herald_notifier_deduped_total')) >= 10);
    assert.equal(await metricValue(a.registry, 'kube_herald_notifier_grouped_total'), 30);
    await new Promise((r) => setTimeout(r, 2500)); // past groupWait + groupInterval: anything due would be sent by now
    assert.equal(h.standin.messages('oncall').length, 1, 'nothing sent twice');
    assert.equal(await metricValue(b.registry, 'kube_herald_notifier_grouped_total'), 0);
  } finally {
    await h.close();
  }
});
