import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { bodyBytes, computeSign, DingtalkError, MAX_BODY_BYTES, signUrl } from '@kube-herald/dingtalk';

const WEBHOOK = 'https://oapi.dingtalk.com/robot/send?access_token=abc123';

test('signUrl matches a literal vector (cross-checked with Python hmac)', () => {
  const url = signUrl(WEBHOOK, 'SEC1234567890abcdef', 1_700_000_000_000);
  assert.equal(url, `${WEBHOOK}&timestamp=1700000000000&sign=RqBq3E1RTBDv3n2QBCh4adZ2WHk9mVklyUoDBLxarjI%3D`);
  // A secret and signature with + / = must be URL-encoded exactly once.
  const url2 = signUrl(WEBHOOK, 'SECtest+/=secret', 1_577_836_800_000);
  assert.ok(url2.endsWith('&timestamp=1577836800000&sign=utVE9byDOAn%2FLbQhmlq9YQhPDRBfZuzIhBptFDPBb1A%3D'));
});

test('signUrl equals an independent node:crypto computation for many timestamps', () => {
  const secret = 'SECa1b2c3d4e5f6';
  for (let i = 0; i < 50; i++) {
    const ts = 1_600_000_000_000 + i * 7_919_113;
    const expected = encodeURIComponent(
      createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64'),
    );
    const url = new URL(signUrl(WEBHOOK, secret, ts));
    assert.equal(url.searchParams.get('timestamp'), String(ts));
    assert.equal(encodeURIComponent(url.searchParams.get('sign')!), expected);
    assert.equal(computeSign(secret, ts), decodeURIComponent(expected));
  }
});

test('signUrl replaces stale timestamp/sign instead of stacking them', () => {
  const once = signUrl(WEBHOOK, 'SECx', 1000);
  const twice = signUrl(once, 'SECx', 2000);
  const params = new URL(twice).searchParams;
  assert.deepEqual(params.getAll('timestamp'), ['2000']);
  assert.equal(params.getAll('sign').length, 1);
  assert.equal(params.get('access_token'), 'abc123');
});

test('signUrl on an invalid webhook throws a coded error without the secret or token', () => {
  assert.throws(
    () => signUrl('not a url access_token=tok-SECRET', 'SECverysecret', 1),
    (err: unknown) => {
      assert.ok(err instanceof DingtalkError);
      assert.equal(err.code, 'dingtalk_invalid_webhook');
      assert.ok(!err.message.includes('tok-SECRET') && !err.message.includes('SECverysecret'));
      return true;
    },
  );
});

test('bodyBytes counts UTF-8 bytes of the JSON', () => {
  assert.equal(MAX_BODY_BYTES, 20_000);
  const body = { msgtype: 'text', text: { content: '告警' } };
  assert.equal(bodyBytes(body), Buffer.byteLength(JSON.stringify(body), 'utf8'));
  assert.equal(bodyBytes(body), JSON.stringify(body).length + 4); // two 3-byte characters
  assert.equal(bodyBytes('{"a":"é"}'), 10);
});
