import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { isKhError } from '@kube-herald/errors';
import { kubeEventerSinksToConfig, parseKubeEventerSink, toYaml } from '../src/kube-eventer.js';
import { parseNotifierConfig } from '../src/config.js';
import { compileRoutes, routeEvent } from '../src/routing/index.js';
import { makeEvent } from './routing-fixtures.js';

const DOC_SINK =
  'dingtalk:https://oapi.dingtalk.com/robot/send?access_token=<token>&label=<cluster_id>&level=Warning';
const TOKEN = 'a1b2c3d4e5f6';

test('the exact string of the docs: webhook keeps only access_token, label → cluster, level=Warning → type', () => {
  const f = parseKubeEventerSink(DOC_SINK);
  assert.equal(f.receiver.webhook, 'https://oapi.dingtalk.com/robot/send?access_token=%3Ctoken%3E');
  assert.equal(f.receiver.name, 'dingtalk-cluster_id');
  assert.deepEqual(f.route, {
    match: { cluster: '<cluster_id>', type: 'Warning' },
    receiver: f.receiver.name,
    continue: true,
  });
});

test('every parameter: namespaces, kinds, sign, msg_type, level=Normal', () => {
  const f = parseKubeEventerSink(
    `dingtalk:https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}&label=prod-hz.1&level=Normal&namespaces=kube-system,payments&kinds=Pod,Node&sign=SECxyz&msg_type=text`,
  );
  assert.deepEqual(f.receiver, {
    name: 'dingtalk-prod-hz.1',
    type: 'dingtalk',
    webhook: `https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}`,
    secret: 'SECxyz',
    msgType: 'text',
  });
  assert.deepEqual(f.route.match, {
    cluster: 'prod-hz\\.1',
    namespace: 'kube-system|payments',
    kind: 'Pod|Node',
  });
});

test('an http:// sink is refused with the hint to use a config file and insecureHttp: true', () => {
  assert.throws(
    () => parseKubeEventerSink(`dingtalk:http://dingtalk:8090/robot/send?access_token=${TOKEN}`),
    (e: unknown) =>
      isKhError(e, 'kube_eventer_sink_invalid') && /must be https.*insecureHttp: true/.test(e.message),
  );
});

test('bad sinks fail with a stable code and never echo the token', () => {
  for (const bad of [
    `webhook:https://example.com/?access_token=${TOKEN}`,
    'dingtalk:https://oapi.dingtalk.com/robot/send?label=x',
    `dingtalk:https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}&level=Error`,
    `dingtalk:https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}&msg_type=link`,
    `dingtalk:not a url ${TOKEN}`,
    `dingtalk:http://127.0.0.1:8090/robot/send?access_token=${TOKEN}`,
  ]) {
    assert.throws(
      () => parseKubeEventerSink(bad),
      (e: unknown) => isKhError(e, 'kube_eventer_sink_invalid') && !e.message.includes(TOKEN),
    );
  }
});

test('sinks → a full config that the notifier loads, round-trips through YAML and routes as kube-eventer would', () => {
  const doc = kubeEventerSinksToConfig([
    `dingtalk:https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}&label=prod-hz&level=Warning&kinds=Pod`,
    `dingtalk:https://oapi.dingtalk.com/robot/send?access_token=other&label=prod-hz&level=Normal&sign=SECabc`,
  ]);
  const yaml = toYaml(doc);
  assert.deepEqual(parse(yaml), doc);
  const config = parseNotifierConfig(parse(yaml), {
    KH_KAFKA_BROKERS: '127.0.0.1:9092',
    KH_REDIS_URL: 'redis://127.0.0.1:6379',
  });
  assert.deepEqual(
    config.receivers.map((r) => r.name),
    ['dingtalk-prod-hz', 'dingtalk-prod-hz-2'],
  );
  assert.equal(config.secrets.receiver('dingtalk-prod-hz-2')?.secret, 'SECabc');
  const tree = compileRoutes(config.route);
  assert.deepEqual(
    routeEvent(tree, makeEvent()).matches.map((m) => m.receiver),
    ['dingtalk-prod-hz', 'dingtalk-prod-hz-2'],
  );
  assert.deepEqual(
    routeEvent(tree, makeEvent({ type: 'Normal' })).matches.map((m) => m.receiver),
    ['dingtalk-prod-hz-2'],
  );
  assert.deepEqual(
    routeEvent(tree, makeEvent({ kind: 'Node' })).matches.map((m) => m.receiver),
    ['dingtalk-prod-hz-2'],
  );
  assert.deepEqual(routeEvent(tree, makeEvent({ clusterId: 'dev-1' })).matches, []);
});
