import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify } from '@kube-herald/wecom';

const http = (status: number, body: unknown) =>
  classify({ kind: 'http', status, body: typeof body === 'string' ? body : JSON.stringify(body) });
const err = (errcode: number, errmsg = '') => http(200, { errcode, errmsg });

test('HTTP 200 is not success: only errcode 0 is', () => {
  assert.deepEqual([err(0, 'ok').verdict, err(0, 'ok').code], ['ok', 'ok']);
  assert.deepEqual([http(200, '<html>').verdict, http(200, '<html>').code], ['retry', 'bad_response']);
  assert.equal(http(200, { errmsg: 'no code' }).code, 'bad_response');
});

test('45009 and HTTP 429 throttle; -1, 5xx, 408, network errors and timeouts retry', () => {
  const freq = err(45009, 'api freq out of limit, hint: [x], from ip: 1.2.3.4, more info at https://...');
  assert.deepEqual(
    [freq.verdict, freq.code, freq.errmsg],
    ['throttle', 'throttled', 'api freq out of limit'],
  );
  assert.equal(http(429, '').verdict, 'throttle');
  assert.deepEqual([err(-1, 'system busy').verdict, err(-1).code], ['retry', 'system_busy']);
  assert.deepEqual([http(502, '<html>').verdict, http(502, '').code], ['retry', 'http_5xx']);
  assert.equal(http(408, '').verdict, 'retry');
  const reset = classify({ kind: 'network', code: 'ECONNRESET' });
  assert.deepEqual([reset.verdict, reset.ambiguous], ['retry', true]);
  assert.equal(classify({ kind: 'network', code: 'ECONNREFUSED' }).ambiguous, undefined);
  assert.deepEqual(
    [classify({ kind: 'timeout' }).verdict, classify({ kind: 'timeout' }).ambiguous],
    ['retry', true],
  );
});

test('93000, 93xxx, 40xxx and unknown errcodes are permanent with a hint; the errmsg tail (caller IP) is cut', () => {
  const invalid = err(
    93000,
    'invalid webhook url, hint: [1717], from ip: 219.128.72.126, more info at https://x',
  );
  assert.deepEqual(
    [invalid.verdict, invalid.code, invalid.errmsg],
    ['permanent', 'webhook_invalid', 'invalid webhook url'],
  );
  assert.match(invalid.hint ?? '', /robot key/);
  assert.equal(err(93004).code, 'webhook_rejected');
  assert.equal(err(40008).code, 'unsupported_msgtype');
  assert.equal(err(44004).code, 'empty_content');
  assert.equal(
    err(40058, 'markdown.content exceed max length 4096. invalid Request Parameter').code,
    'body_too_long',
  );
  assert.equal(err(40058, 'text.mentioned_list invalid').code, 'invalid_parameter');
  assert.equal(err(40035).code, 'invalid_parameter');
  const unknown = err(77777);
  assert.deepEqual([unknown.verdict, unknown.code], ['permanent', 'unknown_errcode']);
  for (const c of [invalid, err(93004), err(40035), unknown]) assert.ok(c.hint, `hint for ${c.errcode}`);
  assert.deepEqual([http(404, 'nope').verdict, http(404, 'nope').code], ['permanent', 'http_status']);
});
