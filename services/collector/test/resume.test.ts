import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeStandin } from '@kube-herald/kube-standin';
import { kafkaBrokers } from '@kube-herald/testing';
import { startChildCollector, type ChildCollector } from './child-collector.js';
import { countById, startStandin, waitFor } from './helpers.js';
import { freshTopic, readTopic } from './kafka-helpers.js';
import { expectedIds } from './standin-rig.js';

// Scaled-down forms of the measurements (60,000 events at 1,000/s, five kill -9): here 500
// events/s for 10 s with a kill -9 every 2.5 s, and a SIGTERM handover between two replicas.
const RATE = 500;
const SECONDS = 10;

function yaml(kubeconfig: string, topic: string, extra: string[] = []): string[] {
  return [
    'cluster: { id: test-1 }',
    `kubernetes: { kubeconfig: ${JSON.stringify(kubeconfig)} }`,
    `kafka: { brokers: ${JSON.stringify(kafkaBrokers())}, topic: ${topic} }`,
    `collector: { enrichment: { enabled: false }${process.env.KH_TEST_NO_RESUME ? ', resume: { enabled: false }' : ''} }`,
    'log: { level: info }',
    ...extra,
  ];
}

/** Creates RATE events per second for SECONDS, each on its own object (one occurrence each). */
async function produce(standin: KubeStandin, tag: string): Promise<void> {
  const perTick = RATE / 50;
  for (let tick = 0; tick < SECONDS * 50; tick++) {
    for (let i = 0; i < perTick; i++) {
      const n = tick * perTick + i;
      standin.createEvent({
        involvedObject: { kind: 'Pod', name: `${tag}-${n}`, namespace: `ns-${n % 5}` },
        reason: 'BackOff',
        type: 'Warning',
      });
    }
    await sleep(20);
  }
}

async function ready(child: ChildCollector): Promise<void> {
  await waitFor(
    'child ready',
    async () => (await fetch(`${await child.url()}/readyz`)).status === 200,
    60_000,
  );
}

/** Waits until every expected occurrence is in the topic; returns the duplicates. */
async function duplicatesOnceComplete(topic: string, standin: KubeStandin): Promise<number> {
  const reader = await readTopic(topic);
  try {
    const expected = expectedIds(standin, 'test-1');
    await waitFor(
      `${expected.length} occurrences in Kafka`,
      () => {
        const ids = countById(reader.events);
        return expected.every((id) => ids.has(id));
      },
      120_000,
    );
    await sleep(1500); // anything re-published late would arrive now
    const ids = countById(reader.events);
    assert.equal(ids.size, expected.length, 'only the created occurrences');
    return reader.events.length - ids.size;
  } finally {
    await reader.close();
  }
}

describe('collector resumes from the checkpoint in Kafka (main.ts in child processes, real Kafka)', () => {
  it('kill -9 loop: every restart resumes where the last one stopped — ≤ 1 % re-published, nothing lost', async (t) => {
    const { standin, kubeconfig } = await startStandin({ watchCacheSize: 100_000 });
    const topic = await freshTopic();
    const children: ChildCollector[] = [];
    try {
      const start = async (i: number): Promise<ChildCollector> => {
        const c = await startChildCollector(`kill-${i}`, yaml(kubeconfig, topic));
        children.push(c);
        return c;
      };
      let child = await start(0);
      await ready(child);
      const producing = produce(standin, 'k');
      for (let kill = 1; kill <= 3; kill++) {
        await sleep(2500);
        child.signal('SIGKILL');
        await child.exited;
        child = await start(kill);
      }
      await producing;
      const duplicates = await duplicatesOnceComplete(topic, standin);
      const total = RATE * SECONDS;
      t.diagnostic(`kill -9 ×3: ${duplicates} of ${total} re-published`);
      assert.ok(duplicates <= total * 0.01, `${duplicates} of ${total} re-published after 3 kill -9`);
      const log = child.logs.find((l) => l.msg === 'resuming from the checkpoint');
      assert.ok(log, 'the last collector resumed from a checkpoint');
      child.signal('SIGTERM');
      assert.equal(await child.exited, 0, child.stderr());
    } finally {
      for (const c of children) c.signal('SIGKILL');
      await standin.close();
    }
  });

  it('SIGTERM handover to the standby: ≤ 1 % re-published, nothing lost', async (t) => {
    const { standin, kubeconfig } = await startStandin({ watchCacheSize: 100_000 });
    const topic = await freshTopic();
    const election = (id: string) => [
      `leaderElection: { enabled: true, namespace: kh, identity: ${id}, leaseDuration: 6s, renewDeadline: 4s, retryPeriod: 500ms }`,
    ];
    const a = await startChildCollector('handover-a', yaml(kubeconfig, topic, election('a')));
    let b: ChildCollector | undefined;
    try {
      await waitFor('a leads', async () => (await a.metric('kube_herald_collector_leader')) === 1, 60_000);
      b = await startChildCollector('handover-b', yaml(kubeconfig, topic, election('b')));
      await ready(b); // standing by
      const producing = produce(standin, 'h');
      await sleep(4000);
      a.signal('SIGTERM');
      assert.equal(await a.exited, 0, a.stderr());
      await producing;
      const duplicates = await duplicatesOnceComplete(topic, standin);
      const total = RATE * SECONDS;
      t.diagnostic(`SIGTERM handover: ${duplicates} of ${total} re-published`);
      assert.ok(duplicates <= total * 0.01, `${duplicates} of ${total} re-published after a handover`);
      assert.equal(await b.metric('kube_herald_collector_leader'), 1);
      assert.equal(
        await b.metric('kube_herald_collector_relists_total'),
        0,
        'the new leader watched from the checkpoint: no LIST',
      );
      b.signal('SIGTERM');
      assert.equal(await b.exited, 0, b.stderr());
    } finally {
      a.signal('SIGKILL');
      b?.signal('SIGKILL');
      await standin.close();
    }
  });
});
