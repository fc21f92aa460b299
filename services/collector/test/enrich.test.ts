import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeStandin } from '@kube-herald/kube-standin';
import { createEnricher, type Enricher, type KubeClient } from '../src/index.js';
import { metricValue, newMetrics, quietLog, startStandin, waitFor } from './helpers.js';

function refOf(o: { metadata: { name?: string; namespace?: string; uid?: string } }, kind: string) {
  return {
    kind,
    name: o.metadata.name ?? '',
    namespace: o.metadata.namespace ?? '',
    uid: o.metadata.uid ?? '',
    apiVersion: 'v1',
  };
}

describe('enrichment (owner chain and labels)', () => {
  let standin: KubeStandin;
  let client: KubeClient;
  before(async () => {
    ({ standin, client } = await startStandin());
  });
  after(() => standin.close());

  const make = (rate = 100): { enricher: Enricher; metrics: ReturnType<typeof newMetrics>['metrics'] } => {
    const { metrics } = newMetrics();
    const enricher = createEnricher({
      client,
      labelKeys: ['app', 'team'],
      cacheSize: 100,
      ttlMs: 60_000,
      apiRatePerSecond: rate,
      log: quietLog,
      metrics,
    });
    return { enricher, metrics };
  };

  it('resolves Pod → ReplicaSet → Deployment with selected labels, then serves it from cache', async () => {
    const { deployment, replicaSet, pods } = standin.workloads.deployment({
      name: 'web',
      namespace: 'shop',
      labels: { app: 'web', team: 'payments', other: 'x' },
      replicas: 2,
    });
    const { enricher } = make();
    const ref = refOf(pods[0]!, 'Pod');
    assert.equal(enricher.cached(ref), undefined);
    const before = standin.stats().requestsTotal;
    const e = await enricher.resolve(ref, 2000);
    assert.deepEqual(
      e?.owners.map((o) => [o.kind, o.name]),
      [
        ['ReplicaSet', replicaSet.metadata.name],
        ['Deployment', deployment.metadata.name],
      ],
    );
    assert.equal(e?.owners[0]?.uid, replicaSet.metadata.uid);
    assert.equal(e?.labels.app, 'web');
    assert.equal(e?.labels.team, 'payments');
    assert.equal(e?.labels.other, undefined);
    assert.deepEqual(enricher.cached(ref), e);
    const calls = standin.stats().requestsTotal - before;
    assert.equal(calls, 3, 'one GET per link');
    const sibling = await enricher.resolve(refOf(pods[1]!, 'Pod'), 2000);
    assert.equal(standin.stats().requestsTotal - before, 4, 'the ReplicaSet chain came from the cache');
    assert.equal(sibling?.owners.length, 2);
  });

  it('resolves Job → CronJob and StatefulSet/DaemonSet owners', async () => {
    const { enricher } = make();
    const cj = standin.workloads.cronJob({ name: 'nightly', namespace: 'ops' });
    const e = await enricher.resolve(refOf(cj.pods[0]!, 'Pod'), 2000);
    assert.deepEqual(
      e?.owners.map((o) => o.kind),
      ['Job', 'CronJob'],
    );
    const ss = standin.workloads.statefulSet({ name: 'db', namespace: 'ops' });
    assert.deepEqual(
      (await enricher.resolve(refOf(ss.pods[0]!, 'Pod'), 2000))?.owners.map((o) => o.kind),
      ['StatefulSet'],
    );
    const ds = standin.workloads.daemonSet({ name: 'agent', namespace: 'ops' });
    assert.deepEqual(
      (await enricher.resolve(refOf(ds.pods[0]!, 'Pod'), 2000))?.owners.map((o) => o.kind),
      ['DaemonSet'],
    );
  });

  it('never waits past the budget; the late answer fills the cache; failures are counted', async () => {
    const { enricher, metrics } = make();
    const { pods } = standin.workloads.deployment({ name: 'slow', namespace: 'shop' });
    // The answer takes 2 s; the budget is 50 ms. The bound leaves room for a loaded machine's timer lag.
    standin.delay(2000);
    const t0 = Date.now();
    const e = await enricher.resolve(refOf(pods[0]!, 'Pod'), 50);
    assert.equal(e, undefined);
    assert.ok(Date.now() - t0 < 1000, 'resolved long before the answer');
    standin.delay(0);
    await waitFor(
      'the late answer in the cache',
      () => enricher.cached(refOf(pods[0]!, 'Pod')) !== undefined,
    );
    assert.equal(enricher.cached(refOf(pods[0]!, 'Pod'))?.owners.length, 2, 'filled for the next event');
    await enricher.resolve(
      { kind: 'Pod', name: 'ghost', namespace: 'shop', uid: 'g', apiVersion: 'v1' },
      1000,
    );
    assert.equal(await metricValue(metrics.enrichmentFailures, { reason: 'not_found' }), 1);
    assert.deepEqual(
      enricher.cached({ kind: 'Widget', name: 'w', namespace: 'x', uid: '', apiVersion: 'v1' })?.owners,
      [],
    );
  });

  it('rate-limits API calls with a token bucket', async () => {
    const { enricher, metrics } = make(2);
    const pods = Array.from({ length: 6 }, (_, i) =>
      standin.workloads.pod({ name: `solo-${i}`, namespace: 'rl' }),
    );
    await Promise.all(pods.map((p) => enricher.resolve(refOf(p, 'Pod'), 500)));
    assert.ok((await metricValue(metrics.enrichmentFailures, { reason: 'rate_limited' })) >= 3);
  });
});
