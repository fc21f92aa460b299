import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { ownerGets, startFailingPod } from '@kube-herald/kube-standin';
import type { KubeClient } from '../src/index.js';
import { metricValue, recordingPublisher, startStandin, testConfig, waitFor } from './helpers.js';
import { testService } from './standin-rig.js';

/** A leading collector enriching from owner caches (label `app`), publishing into a recording publisher. */
function enrichingCollector(client: KubeClient, budget?: string) {
  const publisher = recordingPublisher();
  const enrichment = { enabled: true, labelKeys: ['app'], ...(budget ? { budget } : {}) };
  const config = testConfig({ collector: { enrichment } });
  return { ...testService({ config, client, publisher }), publisher };
}

describe('enrichment from watched owner caches', () => {
  it('≥ 99 % of a 2,000 events/s burst over 500 new pods carry owners and labels, with no GET per event', async () => {
    const { standin, client } = await startStandin({ watchCacheSize: 50_000 });
    const { service, publisher, metrics } = enrichingCollector(client);
    try {
      await service.start();
      await waitFor('ready', () => service.ready() === true);
      const getsBefore = ownerGets(standin);
      // 500 Deployments (ReplicaSet + Pod each) created over 1 s; each new Pod at once gets 4 events:
      // 2,000 events in the second, most of them written before the Pod reached the collector's cache.
      const t0 = Date.now();
      for (let tick = 0; tick < 50; tick++) {
        for (let i = tick * 10; i < tick * 10 + 10; i++) {
          startFailingPod(standin, `web-${i}`, `ns-${i % 5}`);
        }
        await sleep(Math.max(0, t0 + (tick + 1) * 20 - Date.now()));
      }
      await waitFor('2,000 published', () => publisher.records.length === 2000, 30_000);
      const events = publisher.events();
      const enriched = events.filter(
        (e) =>
          e.owners?.[0]?.kind === 'ReplicaSet' &&
          e.owners[1]?.kind === 'Deployment' &&
          e.owners[1].name === e.involvedObject.name.replace(/-[^-]+-[^-]+$/, '') &&
          e.labels?.app === e.owners[1].name,
      );
      assert.ok(enriched.length >= 1980, `${enriched.length} of 2000 enriched`);
      assert.ok(ownerGets(standin) - getsBefore <= 20, `${ownerGets(standin) - getsBefore} GETs of owners`);
      const without = await metricValue(metrics.enrichmentLookups, { result: 'without' });
      assert.equal(without, 2000 - enriched.length, 'what went out without is counted as such');
    } finally {
      await service.close();
      await standin.close();
    }
  });

  it('an event about a Pod deleted just before is still enriched; a kind the API refuses falls back to GETs', async () => {
    const { standin, client } = await startStandin();
    standin.forbid(['jobs']); // RBAC without list/watch on jobs
    // A generous GET budget: the Job's owner comes from a GET, on a machine shared with Kafka.
    const { service, publisher } = enrichingCollector(client, '3s');
    try {
      const d = standin.workloads.deployment({ name: 'gone', namespace: 'shop' });
      const pod = d.pods[0]!;
      await service.start();
      await waitFor('ready', () => service.ready() === true);
      standin.deleteObject('pods', 'shop', pod.metadata.name!);
      await sleep(500); // the watch took the deletion in
      standin.forbid([]);
      standin.createEvent({
        involvedObject: { kind: 'Pod', name: pod.metadata.name!, namespace: 'shop', uid: pod.metadata.uid! },
        reason: 'Killing',
        type: 'Normal',
      });
      const cj = standin.workloads.cronJob({ name: 'nightly', namespace: 'shop' });
      standin.createEvent({
        involvedObject: {
          kind: 'Job',
          name: cj.job.metadata.name!,
          namespace: 'shop',
          uid: cj.job.metadata.uid!,
        },
        reason: 'Completed',
        type: 'Normal',
      });
      await waitFor('2 published', () => publisher.records.length === 2);
      const [killing, completed] = publisher.events();
      assert.deepEqual(
        killing?.owners?.map((o) => o.kind),
        ['ReplicaSet', 'Deployment'],
        'from the tombstone of the deleted Pod',
      );
      assert.equal(killing?.labels?.app, 'gone');
      assert.deepEqual(
        completed?.owners?.map((o) => o.kind),
        ['CronJob'],
        'jobs refused: a GET',
      );
      assert.equal(standin.stats().requests[`/api/v1/namespaces/shop/pods/${pod.metadata.name!}`], undefined);
    } finally {
      await service.close();
      await standin.close();
    }
  });

  it('an API server answering 403 for a moment after its start: the owner caches come up once it allows', async () => {
    const { standin, client } = await startStandin({ forbiddenAfterStartMs: 2000 });
    const { service, publisher } = enrichingCollector(client);
    try {
      await service.start();
      await waitFor('ready once allowed', () => service.ready() === true, 15_000);
      await sleep(3000); // the caches' retry (1 s, then 2 s) after the first refusals
      const before = ownerGets(standin);
      for (let i = 0; i < 20; i++) {
        const pod = standin.workloads.deployment({ name: `late-${i}`, namespace: 'shop' }).pods[0]!;
        standin.createEvent({
          involvedObject: {
            kind: 'Pod',
            name: pod.metadata.name!,
            namespace: 'shop',
            uid: pod.metadata.uid!,
          },
          reason: 'BackOff',
          type: 'Warning',
        });
      }
      await waitFor('20 published', () => publisher.records.length === 20);
      const enriched = publisher.events().filter((e) => e.owners?.[1]?.kind === 'Deployment');
      assert.equal(enriched.length, 20);
      assert.equal(ownerGets(standin) - before, 0, 'from the watched caches, not by GET');
    } finally {
      await service.close();
      await standin.close();
    }
  });
});
