import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  collectorIdentity,
  freshTopic,
  kubeScript,
  namespace,
  readEvents,
  remove,
  startCollector,
  type CollectorIdentity,
  type ServiceChild,
  type TopicEvents,
} from '@kube-herald/cluster-tests';
import { waitFor } from '@kube-herald/testing';

// The API server is killed (-9), terminated (SIGTERM) and etcd compacted under the collectors; every Event
// the API server accepted must reach Kafka. Reproduce: bash scripts/kube.sh start && source .run/kube.env &&
// bash scripts/run-tests.sh libs/cluster-tests/test/real-faults.test.ts
const MODES = ['core/v1', 'events.k8s.io/v1'] as const;
const PER_PHASE = 40;

describe('collector across API server kill -9, SIGTERM and etcd compaction (real control plane)', () => {
  let id: CollectorIdentity;
  const collectors: ServiceChild[] = [];
  const topics = new Map<string, TopicEvents>();
  const accepted = new Set<string>();
  let seq = 0;

  before(async () => {
    id = await collectorIdentity('kh-faults', true);
    for (const api of MODES) {
      const topic = await freshTopic(`faults-${api.replace(/[^a-z0-9]/g, '-')}`);
      topics.set(api, await readEvents(topic));
      collectors.push(
        startCollector({
          name: `faults-${api.replace(/[^a-z0-9]/g, '')}`,
          kubeconfig: id.kubeconfig,
          topic,
          api,
          namespaces: [id.ns],
          leaseNamespace: id.ns,
        }),
      );
    }
    await Promise.all(collectors.map((c) => c.url()));
  });

  after(async () => {
    await Promise.all(collectors.map((c) => c.stop()));
    for (const t of topics.values()) await t.close();
    await remove(id.admin, namespace(id.ns));
  });

  /** Posts `n` Events; the uids of those the API server accepted go to `accepted`. */
  const post = async (n: number, phase: string): Promise<void> => {
    for (let i = 0; i < n; i += 1) {
      seq += 1;
      const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
      const res = await id.admin.raw('POST', `/api/v1/namespaces/${id.ns}/events`, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `fault-${seq}`, namespace: id.ns },
        involvedObject: { kind: 'Pod', namespace: id.ns, name: `pod-${seq}`, uid: `uid-${seq}` },
        reason: 'BackOff',
        message: `${phase}: back-off restarting failed container (${seq})`,
        type: 'Warning',
        count: 1,
        firstTimestamp: now,
        lastTimestamp: now,
        source: { component: 'kubelet', host: 'node-1' },
      });
      if (res.status === 201) accepted.add(res.json<{ metadata: { uid: string } }>().metadata.uid);
      else throw new Error(`the API server refused an Event: HTTP ${res.status} ${res.body.slice(0, 300)}`);
    }
  };

  it('publishes every accepted Event: 0 lost in both API modes', async () => {
    await post(PER_PHASE, 'before');
    await kubeScript('restart-apiserver', 'KILL');
    await post(PER_PHASE, 'after kill -9');
    await kubeScript('stop-apiserver', 'TERM');
    // compacted while the API server is down: the collectors' next watch from their resourceVersion gets 410
    await kubeScript('compact');
    await kubeScript('start-apiserver');
    await post(PER_PHASE, 'after SIGTERM and compaction');
    await kubeScript('compact');
    await post(PER_PHASE, 'after a second compaction');
    assert.equal(accepted.size, 4 * PER_PHASE);
    for (const api of MODES) {
      const events = topics.get(api)!.events;
      const missing = await waitFor(
        () => {
          const seen = new Set(events.map((e) => e.event.uid));
          const lost = [...accepted].filter((uid) => !seen.has(uid));
          return lost.length === 0 ? 'none' : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 500, what: `every accepted Event on Kafka (${api})` },
      ).catch(() => {
        const seen = new Set(events.map((e) => e.event.uid));
        return [...accepted].filter((uid) => !seen.has(uid)).join(',');
      });
      assert.equal(missing, 'none', `${api}: events lost`);
      const ids = events.filter((e) => accepted.has(e.event.uid)).map((e) => e.occurrenceId);
      // at least once; report duplicates without failing on them (relists may republish)
      assert.ok(new Set(ids).size === accepted.size, `${api}: one occurrence per accepted Event`);
    }
  });

  it('the collectors stayed up and report ready', async () => {
    for (const c of collectors) {
      const res = await fetch(`${await c.url()}/readyz`);
      assert.equal(res.status, 200, c.stderr().slice(-500));
    }
  });
});
