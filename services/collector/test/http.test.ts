import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { kafkaBrokers } from '@kube-herald/testing';
import { startChildCollector, type ChildCollector } from './child-collector.js';
import { waitFor, startStandin } from './helpers.js';
import { freshTopic } from './kafka-helpers.js';

const DOCUMENTED = [
  'events_watched_total',
  'events_published_total',
  'events_skipped_total',
  'normalize_failures_total',
  'normalize_warnings_total',
  'dropped_total',
  'buffered',
  'watch_restarts_total',
  'relists_total',
  'publish_latency_seconds',
  'publish_failures_total',
  'enrichment_failures_total',
  'enrichment_lookups_total',
  'leader',
  'lease_errors_total',
  'watch_heartbeats_total',
].map((n) => `kube_herald_collector_${n}`);

async function get(child: ChildCollector, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${await child.url()}${path}`);
  return { status: res.status, body: await res.text() };
}

/** A loopback "broker" that hangs up on every connection (a port of our own: no collision with others). */
async function hangingUpBroker(): Promise<{ address: string; close(): Promise<void> }> {
  const srv = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => srv.close(() => resolve())),
  };
}

async function stop(child: ChildCollector): Promise<void> {
  child.signal('SIGTERM');
  assert.equal(await child.exited, 0, child.stderr());
}

function config(kubeconfig: string, brokers: readonly string[], topic: string, extra: string[] = []) {
  return [
    'cluster: { id: test-1 }',
    `kubernetes: { kubeconfig: ${JSON.stringify(kubeconfig)} }`,
    `kafka: { brokers: ${JSON.stringify(brokers)}, topic: ${topic} }`,
    'collector: { enrichment: { enabled: false } }',
    'log: { level: info }', // the listening port is logged at info
    ...extra,
  ];
}

describe('collector /metrics, /healthz, /readyz over HTTP (main.ts in a child process)', () => {
  it('ready once watching with Kafka reachable; metrics carry the documented names', async () => {
    const topic = await freshTopic();
    const { standin, kubeconfig } = await startStandin();
    const child = await startChildCollector('http-ready', config(kubeconfig, kafkaBrokers(), topic));
    try {
      await waitFor('ready', async () => (await get(child, '/readyz')).status === 200, 60_000);
      assert.equal((await get(child, '/healthz')).status, 200);
      standin.createEvent({
        involvedObject: { kind: 'Pod', name: 'p', namespace: 'shop' },
        reason: 'BackOff',
      });
      const published = () => child.metric('kube_herald_collector_events_published_total');
      await waitFor('published', async () => (await published()) === 1, 30_000);
      const metrics = await get(child, '/metrics');
      assert.equal(metrics.status, 200);
      for (const name of DOCUMENTED) assert.match(metrics.body, new RegExp(`^# TYPE ${name} `, 'm'));
      assert.equal(await child.metric('kube_herald_collector_leader'), 1);
      assert.equal(await child.metric('kube_herald_collector_relists_total', { reason: 'initial' }), 1);
      assert.equal(await child.metric('kube_herald_collector_publish_latency_seconds_count'), 1);
      assert.equal((await get(child, '/nope')).status, 404);
      // 5 s after start, one memory-reducing GC (main.ts compactAfterStart); the watch path works after it
      const compacted = () => child.logs.find((l) => l.msg === 'heap compacted after start');
      await waitFor('heap compacted', () => compacted() !== undefined, 30_000);
      assert.equal(compacted()?.done, true);
      standin.createEvent({
        involvedObject: { kind: 'Pod', name: 'q', namespace: 'shop' },
        reason: 'BackOff',
      });
      await waitFor('published after the compaction', async () => (await published()) === 2, 30_000);
      await stop(child);
    } finally {
      child.signal('SIGKILL');
      await standin.close();
    }
  });

  it('not ready while Kafka is unreachable, though alive; shutdown stays prompt', async () => {
    const { standin, kubeconfig } = await startStandin();
    const broker = await hangingUpBroker();
    const child = await startChildCollector(
      'http-nokafka',
      config(kubeconfig, [broker.address], 'kube-events.v1'),
    );
    try {
      await waitFor('watching', () => standin.stats().openWatches === 1, 60_000);
      const ready = await get(child, '/readyz');
      assert.equal(ready.status, 503);
      assert.match(ready.body, /Kafka unreachable/);
      assert.equal((await get(child, '/healthz')).status, 200);
      const t0 = Date.now();
      await stop(child);
      assert.ok(Date.now() - t0 < 20_000, `shutdown took ${Date.now() - t0} ms`);
    } finally {
      child.signal('SIGKILL');
      await broker.close();
      await standin.close();
    }
  });

  it('a standby (Lease held by another replica) is ready and does not watch', async () => {
    const { standin, kubeconfig } = await startStandin();
    const renewTime = new Date().toISOString().replace('Z', '000Z');
    standin.putObject('leases', {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'kube-herald-collector', namespace: 'kh' },
      spec: {
        holderIdentity: 'other-replica',
        leaseDurationSeconds: 3600,
        renewTime,
        acquireTime: renewTime,
      },
    });
    const child = await startChildCollector(
      'http-standby',
      config(kubeconfig, kafkaBrokers(), 'kube-events.v1', [
        'leaderElection: { enabled: true, namespace: kh, identity: standby-0, retryPeriod: 200ms }',
      ]),
    );
    try {
      await waitFor(
        'the Lease read',
        () =>
          (standin.stats().requests[
            '/apis/coordination.k8s.io/v1/namespaces/kh/leases/kube-herald-collector'
          ] ?? 0) >= 2,
        60_000,
      );
      assert.equal((await get(child, '/readyz')).status, 200);
      assert.equal(await child.metric('kube_herald_collector_leader'), 0);
      assert.equal(standin.stats().openWatches, 0);
      assert.equal(
        (standin.getObject('leases', 'kh', 'kube-herald-collector')?.spec as { holderIdentity?: string })
          ?.holderIdentity,
        'other-replica',
      );
      await stop(child);
    } finally {
      child.signal('SIGKILL');
      await standin.close();
    }
  });
});
