import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify, parseRetryAfter } from '@kube-herald/slack';

const http = (status: number, body: string, retryAfter?: string) =>
  classify({ kind: 'http', status, body, ...(retryAfter === undefined ? {} : { retryAfter }) }, 1_000_000);

test('only 200 "ok" is success; another 200 is retried as a bad response', () => {
  assert.deepEqual(http(200, 'ok'), { verdict: 'ok', code: 'ok', error: 'ok' });
  assert.deepEqual([http(200, '<html>proxy</html>').verdict, http(200, '').code], ['retry', 'bad_response']);
});

test('429 is a throttle carrying Retry-After (seconds or an HTTP date)', () => {
  const c = http(429, 'rate_limited', '30');
  assert.deepEqual([c.verdict, c.code, c.retryAfterMs], ['throttle', 'throttled', 30_000]);
  assert.equal(http(429, '').retryAfterMs, undefined);
  assert.equal(parseRetryAfter(new Date(1_000_000 + 5000).toUTCString(), 1_000_000), 5000);
  assert.equal(parseRetryAfter('soon', 0), undefined);
});

test('5xx (rollup_error), 408, network errors and timeouts are retried', () => {
  assert.deepEqual(
    [http(500, 'rollup_error').verdict, http(500, 'rollup_error').error],
    ['retry', 'rollup_error'],
  );
  assert.equal(http(503, '<html>down</html>').verdict, 'retry');
  assert.equal(http(503, '<html>down</html>').error, undefined, 'a page is not an answer word');
  assert.equal(http(408, '').verdict, 'retry');
  const reset = classify({ kind: 'network', code: 'ECONNRESET', ambiguous: true });
  assert.deepEqual([reset.verdict, reset.ambiguous], ['retry', true]);
  const refused = classify({ kind: 'network', code: 'ECONNREFUSED', ambiguous: false });
  assert.equal(refused.ambiguous, undefined);
  assert.deepEqual(
    [classify({ kind: 'timeout' }).verdict, classify({ kind: 'timeout' }).ambiguous],
    ['retry', true],
  );
});

test("Slack's refusals are permanent, each with its code and a hint", () => {
  const cases: [number, string, string][] = [
    [400, 'invalid_payload', 'invalid_payload'],
    [400, 'invalid_blocks', 'invalid_blocks'],
    [400, 'no_text', 'no_text'],
    [400, 'too_many_attachments', 'too_many_attachments'],
    [400, 'user_not_found', 'user_not_found'],
    [403, 'action_prohibited', 'action_prohibited'],
    [403, 'invalid_token', 'invalid_token'],
    [403, 'posting_to_general_channel_denied', 'posting_denied'],
    [404, 'no_service', 'no_service'],
    [404, 'channel_not_found', 'channel_not_found'],
    [410, 'channel_is_archived', 'channel_is_archived'],
  ];
  for (const [status, body, code] of cases) {
    const c = http(status, body);
    assert.deepEqual([c.verdict, c.code, c.error, c.detail], ['permanent', code, body, String(status)], body);
    assert.ok(c.hint && c.hint.length > 10, `${body} has a hint`);
  }
  const unknown = http(418, '<html>teapot</html>');
  assert.deepEqual([unknown.verdict, unknown.code, unknown.error], ['permanent', 'http_status', undefined]);
  assert.ok(!JSON.stringify(unknown).includes('teapot'), 'a page body never reaches the classification');
});
