import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, after } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeStandin } from '@kube-herald/kube-standin';
import {
  createKubeClient,
  createKubeEventSource,
  loadKubeConfig,
  type EventSource,
  type SourceEvent,
  type WatchHandle,
} from '../src/index.js';
import { metricValue, newMetrics, quietLog, startStandin, waitFor } from './helpers.js';
import { pod } from './standin-rig.js';

/** The real list+watch source on a stand-in, with a sink that records and pauses at chosen counts. */
async function sourceRig(
  options: { stallTimeoutMs?: number; maxWatchPauseMs?: number; heartbeatIntervalMs?: number } = {},
  standinOptions: { bookmarkIntervalMs?: number } = {},
) {
  const { standin, client } = await startStandin(standinOptions);
  const { metrics } = newMetrics();
  const got: SourceEvent[] = [];
  const pauseAt = new Set<number>();
  const source: EventSource = createKubeEventSource({
    client,
    api: 'core/v1',
    namespaces: [],
    pageSize: 500,
    watchTimeoutSeconds: 60,
    stallTimeoutMs: options.stallTimeoutMs ?? 5000,
    heartbeatIntervalMs: options.heartbeatIntervalMs ?? 0,
    heartbeatNamespace: 'kube-herald',
    retryBaseMs: 50,
    log: quietLog,
    metrics,
    ...(options.maxWatchPauseMs === undefined ? {} : { maxWatchPauseMs: options.maxWatchPauseMs }),
  });
  await source.start((ev) => {
    if (ev.type === 'PROGRESS') return; // heartbeats: no Event
    got.push(ev);
    if (pauseAt.has(got.length)) source.pause(); // from inside the line, like the buffer does
  });
  await waitFor('watching', () => source.synced() && standin.stats().openWatches === 1);
  return {
    standin,
    source,
    metrics,
    got,
    pauseAt,
    names: () => got.map((e) => (e.object as { involvedObject: { name: string } }).involvedObject.name),
    async close() {
      await source.close();
      await standin.close();
    },
  };
}

/** Creates `n` events while the watch is stalled, so that they reach the collector in one write. */
function createInOneWrite(standin: KubeStandin, prefix: string, n: number): string[] {
  standin.stallWatches(true);
  const names = Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  for (const name of names) standin.createEvent(pod(name));
  standin.stallWatches(false);
  return names;
}

describe('a paused watch', () => {
  it('the client holds the rest of a chunk while paused and delivers it, in order, on resume', async () => {
    let requests = 0;
    const line = (i: number): string => `${JSON.stringify({ type: 'ADDED', object: { name: `e${i}` } })}\n`;
    let second: (() => void) | undefined;
    const server: Server = createServer((_req, res) => {
      requests++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write([1, 2, 3, 4, 5, 6].map(line).join('')); // one chunk of six lines
      second = () => res.write(line(7));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const dir = mkdtempSync(join(tmpdir(), 'kh-pause-'));
      const file = join(dir, 'kubeconfig');
      writeFileSync(
        file,
        [
          'apiVersion: v1',
          'kind: Config',
          'clusters: [{ name: c, cluster: { server: "http://127.0.0.1:' + String(port) + '" } }]',
          'users: [{ name: u, user: { token: t } }]',
          'contexts: [{ name: x, context: { cluster: c, user: u } }]',
          'current-context: x',
          '',
        ].join('\n'),
      );
      const client = createKubeClient(await loadKubeConfig({ kubeconfig: file }));
      const names: string[] = [];
      let ended: unknown = 'running';
      const handle: WatchHandle = await client.watch(
        '/api/v1/events',
        { timeoutSeconds: '5' },
        (_type, obj) => {
          names.push((obj as { name: string }).name);
          if (names.length === 2 || names.length === 4) handle.pause(); // lines come after the answer
        },
        (err) => (ended = err),
      );
      await waitFor('two lines', () => names.length === 2);
      await sleep(200);
      assert.deepEqual(names, ['e1', 'e2'], 'nothing delivered while paused');
      handle.resume(); // delivers e3, e4 and pauses again inside the held lines
      assert.deepEqual(names, ['e1', 'e2', 'e3', 'e4']);
      await sleep(100);
      assert.deepEqual(names, ['e1', 'e2', 'e3', 'e4']);
      handle.resume();
      assert.deepEqual(names, ['e1', 'e2', 'e3', 'e4', 'e5', 'e6']);
      second?.();
      await waitFor('the next chunk', () => names.length === 7);
      assert.deepEqual(names, ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7']);
      assert.equal(requests, 1, 'the watch was not reopened');
      assert.equal(ended, 'running');
      handle.abort();
      assert.equal(ended, undefined);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  describe('through the reflector on the stand-in', () => {
    const open: Array<{ close(): Promise<void> }> = [];
    after(async () => {
      for (const r of open) await r.close();
    });

    it('a pause inside a chunk keeps the watch open; resume delivers the rest in order, once', async () => {
      const r = await sourceRig();
      open.push(r);
      const started = r.standin.stats().watchesStarted;
      r.pauseAt.add(7).add(20);
      const created = createInOneWrite(r.standin, 'c', 40);
      await waitFor('paused at 7', () => r.got.length === 7);
      await sleep(300);
      assert.equal(r.got.length, 7, 'nothing delivered while paused');
      assert.equal(r.standin.stats().openWatches, 1);
      r.source.resume(); // the held lines go first; the sink pauses again at 20
      await waitFor('paused at 20', () => r.got.length === 20);
      await sleep(200);
      assert.equal(r.got.length, 20);
      r.source.resume();
      await waitFor('all 40', () => r.got.length === 40);
      assert.deepEqual(r.names(), created);
      assert.equal(r.standin.stats().watchesStarted, started, 'the watch was not reopened');
      assert.equal(await metricValue(r.metrics.watchRestarts), 0);
      // The resourceVersion is the last delivered line's: a dropped watch resumes exactly after it.
      r.standin.dropWatches();
      r.standin.createEvent(pod('after-drop'));
      await waitFor('after drop', () => r.got.length === 41);
      await sleep(200);
      assert.deepEqual(r.names(), [...created, 'after-drop']);
      assert.equal(await metricValue(r.metrics.relists), 1);
    });

    it('a pause longer than the bound ends the watch; resume watches again from the last delivered line', async () => {
      const r = await sourceRig({ maxWatchPauseMs: 300 });
      open.push(r);
      const started = r.standin.stats().watchesStarted;
      r.pauseAt.add(7);
      const created = createInOneWrite(r.standin, 'c', 40);
      await waitFor('paused at 7', () => r.got.length === 7);
      await waitFor(
        'watch ended by the pause bound',
        async () =>
          r.standin.stats().openWatches === 0 &&
          (await metricValue(r.metrics.watchRestarts, { reason: 'backpressure' })) === 1,
      );
      const more = Array.from({ length: 5 }, (_, i) => `d${i}`);
      for (const name of more) r.standin.createEvent(pod(name));
      await sleep(200);
      assert.equal(r.got.length, 7, 'nothing delivered while paused');
      assert.equal(r.standin.stats().watchesStarted, started, 'no watch while paused');
      r.source.resume();
      await waitFor('all', () => r.got.length >= 45);
      await sleep(200);
      assert.deepEqual(r.names(), [...created, ...more], 'nothing lost, nothing twice, in order');
      assert.equal(r.standin.stats().watchesStarted, started + 1);
      assert.equal(await metricValue(r.metrics.relists), 1, 'resumed from rv, no relist');
    });

    it('the watchdog does not count a pause as silence, and watches again after resume', async () => {
      // No bookmarks on event watches (as a real API server): heartbeats after 350 ms of silence.
      const r = await sourceRig({ stallTimeoutMs: 700, heartbeatIntervalMs: 350 });
      open.push(r);
      const started = r.standin.stats().watchesStarted;
      r.pauseAt.add(1);
      r.standin.createEvent(pod('first'));
      await waitFor('paused at 1', () => r.got.length === 1);
      await sleep(1600); // more than twice the stall timeout, less than the pause bound
      assert.equal(await metricValue(r.metrics.watchRestarts), 0, 'no stall restart while paused');
      assert.equal(await metricValue(r.metrics.heartbeats), 0, 'no heartbeat while paused');
      assert.equal(r.standin.stats().watchesStarted, started);
      r.source.resume();
      r.standin.createEvent(pod('second'));
      await waitFor('second', () => r.got.length === 2);
      await sleep(400);
      assert.equal(await metricValue(r.metrics.watchRestarts), 0);
      assert.equal(r.standin.stats().watchesStarted, started);
      // The watchdog runs again after resume: a silent watch is still restarted.
      r.standin.stallWatches(true);
      await waitFor(
        'stall restart',
        async () => (await metricValue(r.metrics.watchRestarts, { reason: 'stall' })) >= 1,
        5000,
      );
      r.standin.stallWatches(false);
      r.standin.createEvent(pod('third'));
      await waitFor('third', () => r.got.length === 3);
      assert.deepEqual(r.names(), ['first', 'second', 'third']);
    });
  });
});
