import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { isKhError } from '@kube-herald/errors';
import { kubeEventerConfigYaml } from '../src/kube-eventer-yaml.js';
import { parseKubeEventerSink, kubeEventerSinksToConfig } from '../src/kube-eventer.js';
import { parseWechatSink } from '../src/kube-eventer-wechat.js';
import { parseNotifierConfig } from '../src/config.js';

const TOKEN = 'a1b2c3d4e5f6a7b8';
const SIGN = 'SEC9f8e7d6c5b4a3';
const CORP_SECRET = 'a212359acfe86fd80eb1591870';
const DING = `dingtalk:https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}&label=prod-hz&level=Warning&sign=${SIGN}`;
// As kube-eventer's docs/en/wechat-sink.md writes them.
const WECHAT_DOC =
  'wechat:?corp_id=<your_corp_id>&corp_secret=<your_corp_secret>&agent_id=<your_agent_id>&to_user=<to_user>&label=<your_cluster_id>&level=<Normal or Warning, Warning default>';
const WECHAT = `wechat:?corp_id=a5c19f3e02feba7bd5dfc22bfb&corp_secret=${CORP_SECRET}&agent_id=1000012&to_user=zhangshan,xiaowang&level=Normal`;
const WECHAT_ALL = `wechat:?corp_id=a5c19f3e02feba7bd5dfc22bfb&corp_secret=${CORP_SECRET}&agent_id=1000012&to_user=&label=prod-sh&level=Warning&namespaces=payments&kinds=Pod`;

test('the printed config holds no token or secret: webhookFile/secretFile, with kubectl and ${VAR} comments', () => {
  const yaml = kubeEventerConfigYaml([DING]);
  assert.ok(!yaml.includes(TOKEN) && !yaml.includes(SIGN), 'no secret in the printed YAML');
  const doc = parse(yaml) as { receivers: Record<string, unknown>[] };
  assert.deepEqual(doc.receivers, [
    {
      name: 'dingtalk-prod-hz',
      type: 'dingtalk',
      msgType: 'markdown',
      webhookFile: '/secrets/dingtalk-prod-hz/webhook',
      secretFile: '/secrets/dingtalk-prod-hz/secret',
    },
  ]);
  assert.match(
    yaml,
    /kubectl -n kube-herald create secret generic kube-herald-dingtalk-prod-hz \\\n\s*#\s+--from-file=webhook=/,
  );
  assert.match(yaml, /--from-file=secret=<file holding the sign= value of --sink 1/);
  assert.match(yaml, /webhook: \$\{KH_DINGTALK_PROD_HZ_WEBHOOK\}, secret: \$\{KH_DINGTALK_PROD_HZ_SECRET\}/);
  assert.match(yaml, /^# kube-herald notifier configuration translated from 1 kube-eventer sink/);
});

test('the printed config loads once the files exist (the same receivers and secrets as the sink)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kh-ke-'));
  try {
    mkdirSync(join(dir, 'dingtalk-prod-hz'));
    writeFileSync(
      join(dir, 'dingtalk-prod-hz/webhook'),
      `https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}\n`,
    );
    writeFileSync(join(dir, 'dingtalk-prod-hz/secret'), `${SIGN}\n`);
    const yaml = kubeEventerConfigYaml([DING], { secretsDir: dir });
    const config = parseNotifierConfig(parse(yaml), {
      KH_KAFKA_BROKERS: '127.0.0.1:9092',
      KH_REDIS_URL: 'redis://127.0.0.1:6379',
    });
    const inline = parseKubeEventerSink(DING);
    assert.deepEqual(config.secrets.receiver('dingtalk-prod-hz'), {
      webhook: inline.receiver.webhook,
      secret: SIGN,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('wechat sinks as the docs write them: a wecom receiver without webhook, the route, and WARNING lines', () => {
  const f = parseWechatSink(WECHAT_ALL);
  assert.deepEqual(f.receiver, { name: 'wecom-prod-sh', type: 'wecom' });
  assert.deepEqual(f.route, {
    match: { cluster: 'prod-sh', type: 'Warning', namespace: 'payments', kind: 'Pod' },
    receiver: 'wecom-prod-sh',
    continue: true,
  });
  const yaml = kubeEventerConfigYaml([WECHAT, WECHAT_ALL]);
  assert.ok(
    !yaml.includes(CORP_SECRET) && !yaml.includes('a5c19f3e02'),
    'corp_id/corp_secret written nowhere',
  );
  const doc = parse(yaml) as { receivers: Record<string, unknown>[]; route: { routes: unknown[] } };
  assert.deepEqual(doc.receivers[0], {
    name: 'wecom-default',
    type: 'wecom',
    mentions: { userIds: ['zhangshan', 'xiaowang'] },
    webhookFile: '/secrets/wecom-default/webhook',
  });
  assert.deepEqual(
    doc.route.routes[0],
    { receiver: 'wecom-default', continue: true },
    'level=Normal: all events',
  );
  assert.match(
    yaml,
    /# WARNING: kube-eventer sends WeCom application messages.*corp_id, corp_secret and agent_id have no equivalent/,
  );
  assert.match(yaml, /# WARNING: to_user \(zhangshan, xiaowang\): these users are @-mentioned/);
  assert.match(yaml, /# WARNING: to_user empty or @all/);
  assert.match(
    yaml,
    /WeCom group robot webhook \(https:\/\/qyapi\.weixin\.qq\.com\/cgi-bin\/webhook\/send\?key=…\) — not in --sink 1/,
  );
  // the string of the docs with its placeholders filled in; agent_id must be numeric, as kube-eventer wants it
  const filled = WECHAT_DOC.replace('<Normal or Warning, Warning default>', 'Warning').replace(
    '<to_user>',
    '',
  );
  assert.throws(
    () => parseWechatSink(filled),
    (e: unknown) => isKhError(e, 'kube_eventer_sink_invalid') && /agent_id must be a number/.test(e.message),
  );
  const ok = parseWechatSink(filled.replace('<your_agent_id>', '1000002'));
  assert.deepEqual(
    [ok.receiver.name, ok.route.match],
    ['wecom-your_cluster_id', { cluster: '<your_cluster_id>', type: 'Warning' }],
  );
});

test('wechat sinks: missing credentials and bad to_user fail without echoing corp_secret; --sink refuses them at run time', () => {
  for (const bad of [
    `wechat:?corp_secret=${CORP_SECRET}&agent_id=1`,
    `wechat:?corp_id=x&agent_id=1`,
    `wechat:?corp_id=x&corp_secret=${CORP_SECRET}&agent_id=abc`,
    `wechat:?corp_id=x&corp_secret=${CORP_SECRET}&agent_id=1&to_user=<@all>`,
    `wechat:corp_id=x&corp_secret=${CORP_SECRET}`,
    `wechat:?corp_id=x&corp_secret=${CORP_SECRET}&agent_id=1&level=Error`,
  ]) {
    assert.throws(
      () => kubeEventerConfigYaml([bad]),
      (e: unknown) => isKhError(e, 'kube_eventer_sink_invalid') && !e.message.includes(CORP_SECRET),
      bad,
    );
  }
  assert.throws(
    () => kubeEventerSinksToConfig([WECHAT]),
    (e: unknown) =>
      isKhError(e, 'kube_eventer_sink_invalid') &&
      /WeCom application messages/.test(e.message) &&
      /config from-kube-eventer/.test(e.message) &&
      !e.message.includes(CORP_SECRET),
  );
  assert.match(
    kubeEventerConfigYaml([`${WECHAT}&foo=1`]),
    /# WARNING: not kube-eventer wechat parameters, ignored: foo/,
  );
});
