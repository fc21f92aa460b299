import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { occurrenceId } from '@kube-herald/events';
import { createCollectorService, type CollectorService, type KubeClient } from '../src/index.js';
import {
  countById,
  metricValue,
  newMetrics,
  quietLog,
  recordingPublisher,
  startStandin,
  waitFor,
} from './helpers.js';
import { electionConfig, testService } from './standin-rig.js';

/** A client that can be cut off from the API server, like a replica behind a network partition. */
function cuttable(client: KubeClient): KubeClient & { cut: boolean } {
  const c: KubeClient & { cut: boolean } = {
    cut: false,
    request: (method, path, body) =>
      c.cut
        ? Promise.reject(Object.assign(new Error('partitioned'), { code: 'ECONNRESET' }))
        : client.request(method, path, body),
    async watch(path, query, onLine, done) {
      const h = await client.watch(path, query, (t, o) => (c.cut ? undefined : onLine(t, o)), done);
      const timer = setInterval(() => c.cut && h.abort(), 50);
      return {
        abort: () => (clearInterval(timer), h.abort()),
        pause: () => h.pause(),
        resume: () => h.resume(),
      };
    },
  };
  return c;
}

describe('leader election on a Lease', () => {
  it('only the leader publishes; the standby takes over after a partition; nothing is lost', async () => {
    const { standin, client } = await startStandin();
    const config = electionConfig({ leaseDuration: '2s', renewDeadline: '1500ms', retryPeriod: '200ms' });
    const publisher = recordingPublisher();
    const clientA = cuttable(client);
    const mk = (identity: string, c: KubeClient) => testService({ config, client: c, publisher, identity });
    const a = mk('a', clientA);
    const b = mk('b', client);
    const services: CollectorService[] = [a.service, b.service];
    try {
      await a.service.start();
      await waitFor('a leads', () => a.service.isLeader());
      await b.service.start();
      await sleep(600);
      assert.equal(b.service.isLeader(), false);
      assert.equal(b.service.ready(), true, 'a standby is ready');
      assert.equal(await metricValue(b.metrics.leader), 0);
      let n = 0;
      const producer = setInterval(
        () =>
          standin.createEvent({
            involvedObject: { kind: 'Pod', name: `p${n++}`, namespace: 'x' },
            reason: 'BackOff',
          }),
        50,
      );
      try {
        await sleep(500);
        clientA.cut = true;
        const cutAt = Date.now();
        await waitFor('b takes over', () => b.service.isLeader(), 8000);
        const takeover = Date.now() - cutAt;
        // leaseDuration 2 s + retries; a default 15 s lease (config not applied) would exceed it.
        assert.ok(takeover < 2000 + 4000, `took over in ${takeover} ms`);
        await waitFor('a steps down', () => !a.service.isLeader(), 4000);
        await sleep(500);
      } finally {
        clearInterval(producer);
      }
      const expected = standin
        .occurrences()
        .map((o) => occurrenceId({ clusterId: 'test-1', eventUid: o.uid, count: o.count }));
      await waitFor('every occurrence published', () => {
        const ids = countById(publisher.events());
        return expected.every((id) => ids.has(id));
      });
      const holders = new Set(publisher.events().map((e) => e.collector.instance));
      assert.deepEqual([...holders].sort(), ['a', 'b']);
      const lease = standin.getObject('leases', 'kh', 'kube-herald-collector');
      assert.equal((lease?.spec as { holderIdentity?: string }).holderIdentity, 'b');
    } finally {
      for (const s of services) await s.close();
      await standin.close();
    }
  });

  it('a graceful shutdown releases the Lease so the standby takes over at once', async () => {
    const { standin, client } = await startStandin();
    const config = electionConfig({ leaseDuration: '10s', renewDeadline: '8s', retryPeriod: '200ms' });
    const publisher = recordingPublisher();
    const mk = (identity: string) =>
      createCollectorService({
        config,
        log: quietLog,
        metrics: newMetrics().metrics,
        client,
        publisher,
        identity,
        version: '0',
      });
    const a = mk('a');
    const b = mk('b');
    try {
      await a.start();
      await waitFor('a leads', () => a.isLeader());
      await b.start();
      await a.close();
      const t0 = Date.now();
      await waitFor('b leads', () => b.isLeader(), 5000);
      assert.ok(Date.now() - t0 < 5000, 'well before the 10 s lease would expire');
    } finally {
      await a.close();
      await b.close();
      await standin.close();
    }
  });
});
