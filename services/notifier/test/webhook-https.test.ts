// DingTalk webhooks carry the robot's token: https only, except a loopback host or the receiver's explicit
// test flag `insecureHttp: true` (the compose demo's DingTalk stand-in).
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
  assert.match(out[0]!, /insecureHttp/);
  assert.doesNotMatch(out.join(' '), /t0ken-secret/);
});

test('https, a loopback stand-in, or the explicit test flag are accepted', () => {
  assert.deepEqual(problems(doc('https://oapi.dingtalk.com/robot/send?access_token=t')), []);
  assert.deepEqual(problems(doc('http://127.0.0.1:8090/robot/send?access_token=t')), []);
  assert.deepEqual(problems(doc('http://localhost:8090/robot/send?access_token=t')), []);
  assert.deepEqual(
    problems(doc('http://dingtalk:8090/robot/send?access_token=t', { insecureHttp: true })),
    [],
  );
});
