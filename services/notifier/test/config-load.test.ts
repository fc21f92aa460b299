import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { ConfigError } from '@kube-herald/config';
import { loadNotifierConfig, notifierConfigJsonSchema, parseNotifierConfig } from '../src/config.js';

const TOKEN = 'tok3n-abcdef0123456789';
const SECRET = 'SECabcdef0123456789secret';

const yamlText = `
kafka: { brokers: "\${KAFKA_BROKERS}" }
redis: { url: "redis://:redispw@127.0.0.1:6379/0" }
receivers:
  - name: oncall
    type: dingtalk
    webhookFile: secrets/webhook
    secretFile: secrets/secret
    keywords: [K8s]
    mentions: { mobiles: ["13800000001"], fromLabel: team.example.com/oncall-mobile }
  - name: audit
    type: webhook
    webhook: "http://127.0.0.1:9/hook?token=\${AUDIT_TOKEN}"
    insecureHttp: true
    locale: en
    timeZone: Europe/Berlin
route:
  receiver: oncall
  groupBy: [cluster, namespace, reason]
  routes:
    - drop: { type: Normal }
    - match: { cluster: "^prod-", reason: "BackOff|OOMKilling|FailedScheduling" }
      receiver: audit
dedup: { ttl: 3d }
`;

/** A config document with a local Kafka and Redis, these receivers and a route to `receiver`. */
const localDoc = (receiver: string, receivers: readonly Record<string, unknown>[]) => ({
  kafka: { brokers: ['127.0.0.1:9092'] },
  redis: { url: 'redis://127.0.0.1:6379' },
  receivers,
  route: { receiver },
});

function withConfigDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'kh-config-'));
  try {
    writeFileSync(join(dir, 'notifier.yaml'), yamlText);
    mkdirSync(join(dir, 'secrets'));
    writeFileSync(
      join(dir, 'secrets', 'webhook'),
      `https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}\n`,
    );
    writeFileSync(join(dir, 'secrets', 'secret'), `${SECRET}\n`);
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const env = { KAFKA_BROKERS: '127.0.0.1:9092, 127.0.0.1:9093', AUDIT_TOKEN: 'audit-tok' };

test('loads YAML: env expansion, defaults, secret files relative to the config, route receivers', () => {
  withConfigDir((dir) => {
    const c = loadNotifierConfig(join(dir, 'notifier.yaml'), env);
    assert.deepEqual(c.kafka.brokers, ['127.0.0.1:9092', '127.0.0.1:9093']);
    assert.equal(c.kafka.topic, 'kube-events.v1');
    assert.equal(c.kafka.dlqTopic, 'kube-events.dlq');
    assert.equal(c.kafka.groupId, 'kube-herald-notifier');
    assert.equal(c.redis.prefix, 'kh');
    assert.equal(c.dedup.ttl, 3 * 86_400_000);
    assert.deepEqual(c.delivery, {
      attempts: 8,
      backoffMs: 2000,
      throttleBackoff: 60_000,
      maxBodyBytes: 20_000,
    });
    assert.equal(c.http.port, 8080);
    const [oncall, audit] = c.receivers;
    assert.ok(oncall?.type === 'dingtalk');
    assert.equal(oncall?.ratePerMinute, 18);
    assert.equal(oncall?.msgType, 'markdown');
    assert.equal(oncall?.locale, 'zh-CN');
    assert.equal(oncall?.timeZone, 'Asia/Shanghai');
    assert.deepEqual(oncall?.mentions, {
      mobiles: ['13800000001'],
      userIds: [],
      atAll: false,
      fromLabel: 'team.example.com/oncall-mobile',
    });
    assert.equal(audit?.timeZone, 'Europe/Berlin');
    assert.equal(
      c.secrets.receiver('oncall')?.webhook,
      `https://oapi.dingtalk.com/robot/send?access_token=${TOKEN}`,
    );
    assert.equal(c.secrets.receiver('oncall')?.secret, SECRET);
    assert.equal(c.secrets.receiver('audit')?.webhook, 'http://127.0.0.1:9/hook?token=audit-tok');
    assert.equal(c.secrets.redisPassword, 'redispw');
    assert.ok(Object.isFrozen(c) && Object.isFrozen(c.receivers[0]));
  });
});

test('secrets never appear in JSON.stringify, Object.keys or a spread of the config', () => {
  withConfigDir((dir) => {
    const c = loadNotifierConfig(join(dir, 'notifier.yaml'), env);
    const text = JSON.stringify(c) + JSON.stringify({ ...c }) + JSON.stringify(c.receivers);
    for (const s of [TOKEN, SECRET, 'redispw', 'audit-tok']) assert.ok(!text.includes(s), `leaked ${s}`);
    assert.ok(!Object.keys(c).includes('secrets'));
    assert.ok(text.includes('webhookFile'), 'the file path (not a secret) stays visible');
    assert.equal(c.redis.url, 'redis://127.0.0.1:6379/0');
  });
});

test('every problem is listed with its path, and no secret is echoed', () => {
  const doc = parse(yamlText) as Record<string, unknown>;
  const bad = {
    ...doc,
    receivers: [
      {
        name: 'oncall',
        type: 'dingtalk',
        webhook: `https://oapi.dingtalk.com/robot/send?token=${TOKEN}`,
        ratePerMinute: 30,
      },
      { name: 'oncall', type: 'webhook', timeZone: 'Mars/Olympus', secret: 'a', secretFile: '/x' },
    ],
    route: {
      receiver: 'oncall',
      groupWait: '10 seconds',
      routes: [
        { match: { reason: 'Back(' }, receiver: 'nobody' },
        { match: { colour: 'red' } },
        { routes: [{ receiver: 'ghost' }] },
      ],
    },
  };
  const err = (() => {
    try {
      parseNotifierConfig(bad, env);
    } catch (e) {
      return e;
    }
    return undefined;
  })();
  assert.ok(err instanceof ConfigError);
  assert.equal(err.code, 'config_invalid');
  const paths = err.problems.map((p) => p.path);
  for (const expected of [
    'receivers.0.ratePerMinute',
    'receivers.1.name',
    'receivers.1',
    'receivers.1.timeZone',
    'route.groupWait',
    'route.routes.0.match.reason',
    'route.routes.0.receiver',
    'route.routes.1.match.colour',
    'route.routes.2.routes.0.receiver',
  ]) {
    assert.ok(paths.includes(expected), `missing ${expected} in ${paths.join(', ')}`);
  }
  assert.ok(!err.message.includes(TOKEN));
  assert.match(err.message, /route\.routes\.0\.match\.reason: invalid regular expression/);
});

test('a DingTalk webhook without access_token and unreadable secret files are reported together', () => {
  const doc = localDoc('a', [
    { name: 'a', type: 'dingtalk', webhook: `https://oapi.dingtalk.com/robot/send?x=${TOKEN}` },
    {
      name: 'b',
      type: 'dingtalk',
      webhookFile: '/nonexistent/kh-webhook',
      secretFile: '/nonexistent/kh-secret',
    },
  ]);
  assert.throws(
    () => parseNotifierConfig(doc),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.deepEqual(
        e.problems.map((p) => p.path),
        ['receivers.0.webhook', 'receivers.1.webhookFile', 'receivers.1.secretFile'],
      );
      assert.ok(!e.message.includes(TOKEN));
      return true;
    },
  );
});

test('unset environment variables are problems', () => {
  assert.throws(
    () => parseNotifierConfig(parse(yamlText), {}),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.ok(
        e.problems.some((p) => p.path === 'kafka.brokers' && /KAFKA_BROKERS is not set/.test(p.message)),
      );
      return true;
    },
  );
});

test('the JSON Schema accepts the example and rejects a wrong msgType', () => {
  const ajv = new Ajv({ strict: false });
  const validate = ajv.compile(notifierConfigJsonSchema());
  const doc = parse(yamlText) as { receivers: Array<Record<string, unknown>> };
  assert.equal(validate(doc), true, JSON.stringify(validate.errors));
  doc.receivers[0]!.msgType = 'feedCard';
  assert.equal(validate(doc), false);
});

test('an actionCard receiver must name its button URL (DingTalk rejects a card without one)', () => {
  const doc = localDoc('card', [
    {
      name: 'card',
      type: 'dingtalk',
      webhook: 'https://oapi.dingtalk.com/robot/send?access_token=t',
      msgType: 'actionCard',
    },
  ]);
  assert.throws(
    () => parseNotifierConfig(doc, {}, '.'),
    (err: unknown) =>
      err instanceof ConfigError &&
      err.problems.some((p) => p.path === 'receivers.0.actionCard' && /actionCard.url/.test(p.message)),
  );
  const ok = parseNotifierConfig(
    { ...doc, receivers: [{ ...doc.receivers[0], actionCard: { url: 'https://grafana.example.com/d/kh' } }] },
    {},
    '.',
  );
  const card = ok.receivers[0];
  assert.ok(card?.type === 'dingtalk');
  assert.equal(card.actionCard?.title, '查看详情');
});
