import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '@kube-herald/testing';
import {
  collectorIdentity,
  freshTopic,
  kubeScript,
  namespace,
  remove,
  startCollector,
  type CollectorIdentity,
  type ServiceChild,
} from '@kube-herald/cluster-tests';

// A real API server sends no BOOKMARKs on Event watches, so a quiet namespace gives the collector a silent
// watch whose resourceVersion would age past etcd compaction. For KH_QUIET_MINUTES (default 10) minutes,
// with etcd compacted every 2 minutes to the revision of 2 minutes before (the API server's own compaction
// at a shorter interval), the collector must neither warn nor re-list: its watch heartbeat (chart RBAC)
// keeps the watch alive and its resourceVersion current.
const MINUTES = Number(process.env.KH_QUIET_MINUTES ?? '10');

describe(`collector on a quiet real API server for ${MINUTES} minutes (no bookmarks)`, () => {
  let id: CollectorIdentity;
  let collector: ServiceChild;
  let relistsAtStart = 0;

  before(async () => {
    id = await collectorIdentity('kh-quiet', true);
    collector = startCollector({
      name: 'quiet',
      kubeconfig: id.kubeconfig,
      topic: await freshTopic('quiet'),
      api: 'core/v1',
      namespaces: [id.ns],
      leaseNamespace: id.ns,
    });
    await collector.url();
    // the first LIST (or a resume from a checkpoint) is done once the collector reports ready
    await waitFor(async () => (await fetch(`${await collector.url()}/readyz`)).ok, {
      timeoutMs: 60_000,
      what: 'the quiet collector ready',
    });
    // a fresh topic holds no checkpoint: the collector LISTs once when it starts leading
    relistsAtStart = await waitFor(
      async () => {
        const n = await collector.metric('kube_herald_collector_relists_total', { reason: 'initial' });
        return n >= 1 ? n : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: 'the quiet collector’s first LIST' },
    );
  });

  after(async () => {
    await collector.stop();
    await remove(id.admin, namespace(id.ns));
  });

  // longer than run-tests.sh's default --test-timeout (10 min)
  it(
    'logs no warning, re-lists never after the first LIST, restarts no watch as stalled or expired',
    {
      timeout: (MINUTES + 3) * 60_000,
    },
    async () => {
      const end = Date.now() + MINUTES * 60_000;
      let compactions = 0;
      // as the API server compacts (every --etcd-compaction-interval, to the revision of its previous run),
      // every 2 minutes instead of 5: a watch whose resourceVersion stays put is compacted away
      let previous = (await kubeScript('revision')).trim();
      while (Date.now() < end) {
        await sleep(Math.min(120_000, Math.max(0, end - Date.now())));
        const now = (await kubeScript('revision')).trim();
        await kubeScript('compact', previous);
        previous = now;
        compactions += 1;
      }
      assert.ok(compactions >= Math.floor(MINUTES / 2));
      const relists = await collector.metric('kube_herald_collector_relists_total');
      const stalled = await collector.metric('kube_herald_collector_watch_restarts_total', {
        reason: 'stall',
      });
      const expired = await collector.metric('kube_herald_collector_watch_restarts_total', {
        reason: 'expired',
      });
      const seen = await collector.metric('kube_herald_collector_watch_heartbeats_total', { result: 'seen' });
      assert.deepEqual(
        collector.warnings().map((l) => l.msg),
        [],
        'a quiet watch is not a problem',
      );
      assert.equal(relistsAtStart, 1);
      const text = await (await fetch(`${await collector.url()}/metrics`)).text();
      const detail = text
        .split('\n')
        .filter((l) => /^kube_herald_collector_(relists|watch_heartbeats|watch_restarts)_total/.test(l))
        .join('; ');
      const logged = collector.logs
        .filter((l) => /list|410|expired|heartbeat|watch/i.test(String(l.msg)))
        .map((l) => `${String(l.time)} ${String(l.msg)}`)
        .slice(-20)
        .join('\n');
      assert.equal(relists, relistsAtStart, `no LIST after the first: ${detail}\n${logged}`);
      assert.equal(stalled, 0, 'no watch restarted as stalled');
      assert.equal(expired, 0, 'no watch restarted on 410 Expired');
      assert.ok(seen >= MINUTES - 2, `heartbeats came back through the watch (${seen})`);
      process.stdout.write(
        `# quiet ${MINUTES} min: relists=${relists} heartbeats seen=${seen} compactions=${compactions}\n`,
      );
    },
  );
});
