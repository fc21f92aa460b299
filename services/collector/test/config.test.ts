import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, parseConfig } from '@kube-herald/config';
import { runCollector } from '../src/main.js';
import { applyEnvOverrides, collectorConfigSchema, loadCollectorConfig } from '../src/index.js';

describe('collector config', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kh-collector-config-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('fills defaults and converts durations', () => {
    const c = parseConfig(collectorConfigSchema, {
      cluster: { id: 'prod-1' },
      kafka: { brokers: ['k:9092'] },
    });
    assert.equal(c.kubernetes.api, 'core/v1');
    assert.deepEqual(c.kubernetes.namespaces, []);
    assert.equal(c.kafka.topic, 'kube-events.v1');
    assert.equal(c.collector.maxEventAge, 3_600_000);
    assert.equal(c.leaderElection.leaseDuration, 15_000);
    assert.equal(c.http.port, 8080);
    assert.ok(Object.isFrozen(c.kafka));
  });

  it('lists every problem as path: message', () => {
    const doc = {
      cluster: { id: 'bad id!' },
      kubernetes: { api: 'v2', stallTimeout: 'soon', pageSize: 0 },
      kafka: { brokers: ['nohostport'] },
      collector: { maxEventAge: '1 hour', seenSize: 50_000_000, typo: true },
      leaderElection: { enabled: true, leaseDuration: '5s', renewDeadline: '10s' },
    };
    const err = (() => {
      try {
        parseConfig(collectorConfigSchema, doc);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    assert.ok(err instanceof ConfigError);
    const paths = err.problems.map((p) => p.path);
    for (const p of [
      'cluster.id',
      'kubernetes.api',
      'kubernetes.stallTimeout',
      'kubernetes.pageSize',
      'kafka.brokers.0',
      'collector.maxEventAge',
      'collector.seenSize',
      'collector',
      'leaderElection.renewDeadline',
    ])
      assert.ok(paths.includes(p), `missing problem at ${p}: ${JSON.stringify(err.problems)}`);
  });

  it('applies KH_* environment overrides over the file', async () => {
    const file = join(dir, 'c.yaml');
    await writeFile(file, 'cluster: { id: from-file }\nkafka: { brokers: ["a:1"], topic: "${TOPIC:-t1}" }\n');
    const c = loadCollectorConfig(file, {
      KH_CLUSTER_ID: 'from-env',
      KH_KAFKA_BROKERS: 'b:2, c:3',
      KH_HTTP_PORT: '9100',
      POD_NAME: 'collector-0',
    });
    assert.equal(c.cluster.id, 'from-env');
    assert.deepEqual(c.kafka.brokers, ['b:2', 'c:3']);
    assert.equal(c.kafka.topic, 't1');
    assert.equal(c.http.port, 9100);
    assert.equal(c.leaderElection.identity, 'collector-0');
    assert.deepEqual(applyEnvOverrides(undefined, {}), {});
  });

  it('runCollector exits 1 on an invalid or missing config', async () => {
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'cluster: {}\nkafka: { brokers: [] }\n');
    assert.equal(await runCollector(['--config', file], { KH_LOG_LEVEL: 'silent' }), 1);
    assert.equal(await runCollector([], { KH_LOG_LEVEL: 'silent' }), 1);
  });
});
