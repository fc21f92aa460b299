// Webhooks carry the robot's token: https only, loopback included. Plain http only with the receiver's
// explicit test flag `insecureHttp: true` (the stand-ins of tests, benches, the demo and the compose file).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '@kube-herald/config';
import { parseNotifierConfig } from '../src/config.js';

const doc = (webhook: string, extra: Record<string, unknown> = {}) => ({
  kafka: { brokers: ['127.0.0.1:9092'] },
  redis: { url: 'redis://127.0.0.1:6379' },
  receivers: [{ name: 'oncall', type: 'dingtalk', webhook, keywords: ['K8s'], ...extra }],
  route: { receiver: 'oncall' },
});

const problems = (d: unknown): string[] => {
  try {
    parseNotifierConfig(d, {});
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.problems.map((p) => `${p.path}: ${p.message}`);
  }
};

test('an http:// DingTalk webhook off this machine is refused, naming the flag, never the URL', () => {
  const out = problems(doc('http://oapi.dingtalk.example/robot/send?access_token=t0ken-secret'));
  assert.equal(out.length, 1, out.join('\n'));
  assert.match(out[0]!, /receivers\.0\.webhook: a DingTalk webhook must be https/);
  assert.match(out[0]!, /set insecureHttp: true for a local stand-in/);
  assert.doesNotMatch(out.join(' '), /t0ken-secret/);
});

test('a loopback http:// webhook is refused too without the flag (dingtalk and webhook types)', () => {
  for (const host of ['127.0.0.1:8090', 'localhost:8090', '[::1]:8090']) {
    const out = problems(doc(`http://${host}/robot/send?access_token=t0ken-secret`));
    assert.deepEqual(out, [
      'receivers.0.webhook: a DingTalk webhook must be https (set insecureHttp: true for a local stand-in)',
    ]);
  }
  const hook = problems(doc('http://127.0.0.1:8090/hook', { type: 'webhook', keywords: [] }));
  assert.deepEqual(hook, [
    'receivers.0.webhook: a webhook must be https (set insecureHttp: true for a local stand-in)',
  ]);
});

test('https, or http with the explicit test flag, are accepted', () => {
  assert.deepEqual(problems(doc('https://oapi.dingtalk.com/robot/send?access_token=t')), []);
  assert.deepEqual(problems(doc('https://127.0.0.1:8443/robot/send?access_token=t')), []);
  assert.deepEqual(
    problems(doc('http://127.0.0.1:8090/robot/send?access_token=t', { insecureHttp: true })),
    [],
  );
  assert.deepEqual(
    problems(doc('http://dingtalk:8090/robot/send?access_token=t', { insecureHttp: true })),
    [],
  );
  assert.deepEqual(problems(doc('http://127.0.0.1:8090/hook', { type: 'webhook', insecureHttp: true })), []);
});
