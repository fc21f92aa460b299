import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify } from '../src/index.js';

const http = (status: number, body: unknown) =>
  classify({ kind: 'http', status, body: typeof body === 'string' ? body : JSON.stringify(body) });

test('only code 0 is success; the legacy StatusCode answer too', () => {
  assert.equal(
    http(200, { StatusCode: 0, StatusMessage: 'success', code: 0, data: {}, msg: 'success' }).verdict,
    'ok',
  );
  assert.equal(http(200, { StatusCode: 0, StatusMessage: 'success' }).verdict, 'ok');
  assert.deepEqual(
    [http(200, '').verdict, http(200, '').code],
    ['retry', 'bad_response'],
    'a 200 without a code is not success',
  );
});

test('security codes are permanent with a hint of what to fix', () => {
  const sign = http(200, {
    code: 19021,
    msg: 'sign match fail or timestamp is not within one hour from current time',
  });
  assert.deepEqual([sign.verdict, sign.code, sign.errcode], ['permanent', 'security_sign', 19021]);
  assert.match(sign.hint ?? '', /secret.*clock/);
  assert.equal(http(200, { code: 19022, msg: 'Ip Not Allowed' }).code, 'security_ip');
  assert.equal(http(200, { code: 19024, msg: 'Key Words Not Found' }).code, 'security_keyword');
  assert.equal(
    http(200, { code: 19001, msg: 'param invalid: incoming webhook access token invalid' }).code,
    'token_invalid',
  );
  const bad = http(400, { code: 9499, msg: 'Bad Request', data: {} });
  assert.deepEqual([bad.verdict, bad.code], ['permanent', 'bad_request'], 'the code decides on a 4xx too');
  const unknown = http(200, { code: 12345, msg: 'new thing' });
  assert.deepEqual([unknown.verdict, unknown.code, unknown.errcode], ['permanent', 'unknown_code', 12345]);
  assert.match(unknown.hint ?? '', /12345/);
});

test('frequency limit throttles; 5xx, 408, network errors and timeouts retry (ambiguous when maybe sent)', () => {
  assert.deepEqual(
    [http(200, { code: 11232, msg: 'frequency limited' }).verdict, http(200, { code: 11232, msg: '' }).code],
    ['throttle', 'throttled'],
  );
  assert.equal(http(200, { code: 99, msg: 'request trigger frequency limit' }).verdict, 'throttle');
  assert.equal(http(429, 'Too Many Requests').verdict, 'throttle');
  assert.equal(http(200, { code: 9499, msg: 'too many request' }).verdict, 'throttle');
  assert.deepEqual([http(502, '<html>').verdict, http(502, '<html>').code], ['retry', 'http_5xx']);
  assert.equal(http(503, { code: 19021, msg: 'x' }).verdict, 'retry', '5xx retries whatever the body says');
  assert.equal(http(408, '').verdict, 'retry');
  assert.equal(http(404, 'page not found').verdict, 'permanent');
  const refused = classify({ kind: 'network', code: 'ECONNREFUSED' });
  assert.deepEqual([refused.verdict, refused.ambiguous], ['retry', undefined]);
  assert.equal(classify({ kind: 'network', code: 'ECONNRESET' }).ambiguous, true);
  assert.deepEqual(
    [classify({ kind: 'timeout' }).verdict, classify({ kind: 'timeout' }).ambiguous],
    ['retry', true],
  );
});
