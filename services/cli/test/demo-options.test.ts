import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { demoSettings, DemoUsageError, type DemoFlags } from '../src/demo/demo-options.js';
import { collectorConfig, notifierConfig, simulatedRoute, writeConfig } from '../src/demo/service-configs.js';
import { collectorConfigSchema } from '@kube-herald/collector';
import { parseConfig, parseYaml } from '@kube-herald/config';
import { readFile } from 'node:fs/promises';
import { parseNotifierConfig } from '@kube-herald/notifier';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const flags: DemoFlags = { scenario: 'incidents', clusterId: 'my-cluster', port: '8765', speed: '1' };

describe('demo settings', () => {
  test('simulated by default, even when KUBECONFIG is set (no robot given)', () => {
    assert.deepEqual(demoSettings(flags, { KUBECONFIG: '/home/me/.kube/config' }), {
      kind: 'simulated',
      scenario: 'incidents',
      pagePort: 8765,
      speed: 1,
    });
    assert.deepEqual(demoSettings({ ...flags, duration: '90s', speed: '2', port: '0' }, {}), {
      kind: 'simulated',
      scenario: 'incidents',
      pagePort: 0,
      speed: 2,
      durationMs: 90_000,
    });
  });

  test('a kubeconfig and a webhook (flags or environment) select the real cluster and robot', () => {
    assert.deepEqual(
      demoSettings(flags, {
        KUBECONFIG: '/k',
        KH_DINGTALK_WEBHOOK: 'https://x/robot/send?access_token=t',
        KH_DINGTALK_SECRET: 'SEC1',
      }),
      {
        kind: 'real',
        kubeconfig: '/k',
        webhook: 'https://x/robot/send?access_token=t',
        secret: 'SEC1',
        clusterId: 'my-cluster',
      },
    );
    const s = demoSettings(
      { ...flags, kubeconfig: '/a', webhook: 'https://y/robot/send?access_token=u' },
      { KUBECONFIG: '/b' },
    );
    assert.equal(s.kind === 'real' && s.kubeconfig, '/a');
    assert.equal('secret' in s, false);
  });

  test('usage errors say what is missing', () => {
    const err = (f: Partial<DemoFlags>, env: Record<string, string> = {}) =>
      assert.throws(() => demoSettings({ ...flags, ...f }, env), DemoUsageError);
    err({ webhook: 'https://x/robot/send?access_token=t' });
    err({ kubeconfig: '/k' });
    err({ duration: 'later' });
    err({ port: '70000' });
    err({ speed: '0' });
    assert.throws(() => demoSettings({ ...flags, kubeconfig: '/k' }, {}), /--kubeconfig needs a robot/);
  });
});

describe("generated service configs pass the services' own validation", () => {
  const plumbing = {
    brokers: ['127.0.0.1:9092'],
    redisUrl: 'redis://127.0.0.1:6379',
    topic: 'kh-demo-x.events',
    groupId: 'kh-demo-x',
    redisPrefix: 'khdemo-x',
    logLevel: 'info',
  };

  test('collector config', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kh-demo-cfg-'));
    try {
      const file = join(dir, 'collector.yaml');
      const doc = collectorConfig({ id: 'prod-hz', name: '杭州生产', kubeconfig: '/k' }, plumbing, 18080);
      await writeConfig(file, doc);
      const config = parseConfig(collectorConfigSchema, parseYaml(await readFile(file, 'utf8'), file));
      assert.deepEqual(config.cluster, { id: 'prod-hz', name: '杭州生产' });
      assert.equal(config.kafka.topic, 'kh-demo-x.events');
      assert.equal(config.leaderElection.enabled, false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('notifier config with the simulated route tree', () => {
    const doc = notifierConfig(
      [
        {
          name: 'prod-oncall',
          webhook: 'http://127.0.0.1:1/robot/send?access_token=a',
          secret: 'SECx',
          insecureHttp: true,
        },
        {
          name: 'staging',
          webhook: 'http://127.0.0.1:1/robot/send?access_token=b',
          keywords: ['K8s'],
          insecureHttp: true,
        },
      ],
      simulatedRoute('prod-oncall', 'staging'),
      plumbing,
      18081,
    );
    const config = parseNotifierConfig(doc, {});
    assert.deepEqual(
      config.receivers.map((r) => [r.name, r.type === 'dingtalk' ? r.keywords : undefined]),
      [
        ['prod-oncall', []],
        ['staging', ['K8s']],
      ],
    );
    assert.equal(config.route.groupWait, 5000);
    assert.equal(config.secrets.receiver('prod-oncall')?.secret, 'SECx');
  });
});
