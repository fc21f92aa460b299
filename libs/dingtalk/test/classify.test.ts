import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify } from '@kube-herald/dingtalk';
import type { ClassificationCode, Verdict } from '@kube-herald/dingtalk';

const answer = (errcode: number, errmsg = 'x') =>
  classify({ kind: 'http', status: 200, body: JSON.stringify({ errcode, errmsg }) });

const TABLE: ReadonlyArray<readonly [number, string, Verdict, ClassificationCode]> = [
  [0, 'ok', 'ok', 'ok'],
  [-1, '系统繁忙', 'retry', 'system_busy'],
  [130101, 'send too fast, exceed 20 times per minute', 'throttle', 'throttled'],
  [410100, '发送速度太快而限流', 'throttle', 'throttled'],
  [310000, 'keywords not in content, more: [https://ding-doc.dingtalk.com]', 'permanent', 'security_keyword'],
  [310000, 'sign not match, more: [https://ding-doc.dingtalk.com]', 'permanent', 'security_sign'],
  [310000, 'invalid timestamp', 'permanent', 'security_timestamp'],
  [310000, 'ip 10.1.2.3 not in whitelist', 'permanent', 'security_ip'],
  [310000, '机器人安全校验失败', 'permanent', 'security_check'],
  [300001, 'token is not exist', 'permanent', 'token_invalid'],
  [300005, 'token is not exist', 'permanent', 'token_invalid'],
  [400101, 'access_token不存在', 'permanent', 'token_invalid'],
  [400013, '群已被解散', 'permanent', 'group_dissolved'],
  [400102, '机器人已停用', 'permanent', 'robot_disabled'],
  [400105, '不支持的消息类型', 'permanent', 'unsupported_msgtype'],
  [400106, '机器人不存在', 'permanent', 'robot_not_in_group'],
  [430101, '含有不安全的外链', 'permanent', 'content_rejected'],
  [430102, '含有不合适的文本', 'permanent', 'content_rejected'],
  [430103, '含有不合适的图片', 'permanent', 'content_rejected'],
  [430104, '含有不合适的内容', 'permanent', 'content_rejected'],
  [460101, 'message too long, exceed 20000 bytes', 'permanent', 'body_too_long'],
  [101002, 'message is too long', 'permanent', 'body_too_long'],
  [40035, '缺少参数 access_token', 'permanent', 'missing_parameter'],
  [400402, '参数 markdown --> title 缺失', 'permanent', 'missing_parameter'],
  [43002, '需要POST请求', 'permanent', 'method_not_post'],
  [90030, 'webhook over limit', 'permanent', 'quota_exhausted'],
  [777777, 'something new', 'permanent', 'unknown_errcode'],
  [430105, 'outside the moderation range', 'permanent', 'unknown_errcode'],
];

test('every errcode of DINGTALK.md classifies as documented', () => {
  for (const [errcode, errmsg, verdict, code] of TABLE) {
    const c = answer(errcode, errmsg);
    assert.equal(c.verdict, verdict, `${errcode} ${errmsg}`);
    assert.equal(c.code, code, `${errcode} ${errmsg}`);
    assert.equal(c.errcode, errcode);
    assert.equal(c.errmsg, errmsg);
    if (verdict === 'permanent') assert.ok(c.hint && c.hint.length > 0, `hint for ${errcode}`);
  }
});

test('310000 hints tell keyword, sign, clock and IP apart', () => {
  assert.match(answer(310000, 'keywords not in content').hint!, /keyword/);
  assert.match(answer(310000, 'sign not match').hint!, /secret/);
  assert.match(answer(310000, 'invalid timestamp').hint!, /clock/);
  assert.match(answer(310000, 'ip 1.2.3.4 not in whitelist').hint!, /IP/);
});

test('throttle is recognised by errmsg too, whatever the errcode', () => {
  assert.equal(answer(999999, 'send too fast').verdict, 'throttle');
  assert.equal(answer(123, '当前机器人被限流').verdict, 'throttle');
  assert.equal(answer(0, 'too fast but ok').verdict, 'ok');
});

test('HTTP 200 is not success: missing or unparsable errcode is retried', () => {
  for (const body of ['', 'not json', '<html>busy</html>', '{"errmsg":"ok"}', 'null', '{"errcode":"x"}']) {
    const c = classify({ kind: 'http', status: 200, body });
    assert.equal(c.verdict, 'retry', body);
    assert.equal(c.code, 'bad_response', body);
  }
  assert.equal(classify({ kind: 'http', status: 200, body: '{"errcode":"0","errmsg":"ok"}' }).verdict, 'ok');
});

test('5xx, network errors and timeouts are transient; odd statuses are handled', () => {
  for (const status of [500, 502, 503, 504]) {
    const c = classify({ kind: 'http', status, body: 'Bad Gateway' });
    assert.deepEqual([c.verdict, c.code, c.detail], ['retry', 'http_5xx', String(status)]);
  }
  const net = classify({ kind: 'network', code: 'ECONNRESET' });
  assert.deepEqual([net.verdict, net.code, net.detail], ['retry', 'network_error', 'ECONNRESET']);
  const to = classify({ kind: 'timeout' });
  assert.equal(to.verdict, 'retry');
  assert.match(to.hint!, /delivered/);
  assert.equal(classify({ kind: 'http', status: 429, body: '' }).verdict, 'throttle');
  assert.equal(classify({ kind: 'http', status: 408, body: '' }).verdict, 'retry');
  const notFound = classify({ kind: 'http', status: 404, body: '<html>' });
  assert.deepEqual([notFound.verdict, notFound.code], ['permanent', 'http_status']);
  // An errcode on a non-200 status still decides.
  assert.equal(
    classify({ kind: 'http', status: 400, body: '{"errcode":130101,"errmsg":""}' }).verdict,
    'throttle',
  );
});

test('unknown outcomes are marked ambiguous (a retry may duplicate); never-sent network errors are not', () => {
  assert.equal(classify({ kind: 'timeout' }).ambiguous, true);
  assert.equal(classify({ kind: 'network', code: 'ECONNRESET' }).ambiguous, true);
  assert.equal(classify({ kind: 'network', code: 'UND_ERR_SOCKET' }).ambiguous, true);
  assert.equal(classify({ kind: 'network', code: 'ECONNREFUSED' }).ambiguous, undefined);
  assert.equal(classify({ kind: 'network', code: 'ENOTFOUND' }).ambiguous, undefined);
  assert.equal(classify({ kind: 'http', status: 200, body: '{"errcode":0}' }).ambiguous, undefined);
});
