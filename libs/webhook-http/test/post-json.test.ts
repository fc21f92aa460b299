import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { isKhError } from '@kube-herald/errors';
import { postJson, WebhookHttpError } from '@kube-herald/webhook-http';

const TOKEN = 'tok-leak-me-0123';
type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let handler: Handler = (_req, _body, res) => void res.writeHead(204).end();
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
});
const url = (path = '/hook') =>
  `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}?token=${TOKEN}`;

before(() => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)));
after(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

function assertNoUrl(value: unknown): void {
  const text = JSON.stringify(value, (_k, v: unknown) => (v instanceof Headers ? [...v] : v));
  assert.ok(!text.includes(TOKEN) && !text.includes('127.0.0.1'), `URL leaked: ${text}`);
}

test('an answer comes back with status, headers, text, parsed json, and the body arrives as JSON', async () => {
  let seen: { body: string; type?: string; auth?: string } | undefined;
  handler = (req, body, res) => {
    seen = { body, ...(req.headers['content-type'] ? { type: req.headers['content-type'] } : {}) };
    if (req.headers.authorization) seen.auth = req.headers.authorization;
    res.writeHead(200, { 'x-kh': 'yes', 'content-type': 'application/json' }).end('{"errcode":0}');
  };
  const out = await postJson({
    url: url(),
    body: { a: '长' },
    timeoutMs: 2000,
    headers: { authorization: 'Bearer s' },
  });
  assert.equal(out.kind, 'response');
  assert.ok(out.kind === 'response');
  assert.deepEqual(
    [out.status, out.text, out.json, out.truncated],
    [200, '{"errcode":0}', { errcode: 0 }, false],
  );
  assert.equal(out.headers.get('x-kh'), 'yes');
  assert.equal(out.bodyBytes, Buffer.byteLength('{"a":"长"}'));
  assert.deepEqual(seen, { body: '{"a":"长"}', type: 'application/json', auth: 'Bearer s' });
  assertNoUrl(out);
});

test('a non-JSON answer has text and no json; a redirect is an answer, not followed; long answers are cut', async () => {
  handler = (_req, _body, res) => void res.writeHead(502).end('<html>bad gateway</html>');
  const bad = await postJson({ url: url(), body: {}, timeoutMs: 2000 });
  assert.ok(bad.kind === 'response' && bad.status === 502 && bad.json === undefined);
  assert.equal(bad.text, '<html>bad gateway</html>');
  handler = (_req, _body, res) => void res.writeHead(302, { location: 'http://127.0.0.1:1/' }).end();
  const moved = await postJson({ url: url(), body: {}, timeoutMs: 2000 });
  assert.ok(moved.kind === 'response' && moved.status === 302);
  handler = (_req, _body, res) => void res.writeHead(200).end('x'.repeat(200_000));
  const long = await postJson({ url: url(), body: {}, timeoutMs: 2000, maxResponseBytes: 1000 });
  assert.ok(long.kind === 'response' && long.truncated && long.text.length === 1000);
});

test('a body over maxBodyBytes is not sent', async () => {
  let requests = 0;
  handler = (_req, _body, res) => void (requests++, res.writeHead(204).end());
  const out = await postJson({ url: url(), body: { t: 'x'.repeat(100) }, timeoutMs: 2000, maxBodyBytes: 50 });
  assert.deepEqual(out, { kind: 'too_large', bodyBytes: 108, maxBodyBytes: 50, durationMs: 0 });
  assert.equal(requests, 0);
});

test('no answer before the deadline: timeout, ambiguous (the request was written)', async () => {
  let received = 0;
  handler = (_req, _body, res) => void (received++, setTimeout(() => res.writeHead(204).end(), 1500));
  const out = await postJson({ url: url(), body: {}, timeoutMs: 200 });
  assert.equal(out.kind, 'timeout');
  assert.ok(out.kind === 'timeout' && out.ambiguous && out.durationMs >= 150);
  assert.equal(received, 1);
});

test('a connection reset after the request: network, ambiguous; refused: network, not ambiguous', async () => {
  handler = (req) => void req.socket.destroy();
  const reset = await postJson({ url: url(), body: {}, timeoutMs: 2000 });
  assert.ok(reset.kind === 'network', JSON.stringify(reset));
  assert.match(reset.code, /^(E[A-Z]+|UND_ERR[A-Z_]*)$/);
  assert.equal(reset.ambiguous, true);
  assertNoUrl(reset);

  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const refused = await postJson({
    url: `http://127.0.0.1:${port}/?token=${TOKEN}`,
    body: {},
    timeoutMs: 2000,
  });
  assert.deepEqual(refused.kind === 'network' && [refused.code, refused.ambiguous], ['ECONNREFUSED', false]);
  assertNoUrl(refused);
});

test('caller mistakes throw a permanent WebhookHttpError that never quotes the URL', async () => {
  const circular: Record<string, unknown> = {};
  circular.self = circular;
  const cases: [Parameters<typeof postJson>[0], string][] = [
    [{ url: `not-a-url?token=${TOKEN}`, body: {}, timeoutMs: 1000 }, 'webhook_invalid_url'],
    [{ url: url(), body: circular, timeoutMs: 1000 }, 'webhook_invalid_body'],
    [{ url: url(), body: undefined, timeoutMs: 1000 }, 'webhook_invalid_body'],
    [{ url: url(), body: {}, timeoutMs: 0 }, 'webhook_invalid_options'],
  ];
  for (const [req, code] of cases) {
    await assert.rejects(postJson(req), (err: unknown) => {
      assert.ok(err instanceof WebhookHttpError && isKhError(err, code) && err.verdict === 'permanent');
      const dump = `${err.message} ${err.stack ?? ''} ${JSON.stringify(err)}`;
      assert.ok(!dump.includes(TOKEN), dump);
      return true;
    });
  }
});

test('an injected fetch is used, and its thrown error is classified by code only', async () => {
  const fetch = (() => {
    const cause = Object.assign(new Error(`connect to ${TOKEN}`), { code: 'ECONNRESET' });
    return Promise.reject(new TypeError('fetch failed', { cause }));
  }) as typeof globalThis.fetch;
  const out = await postJson({ url: url(), body: {}, timeoutMs: 1000, fetch, now: () => 42 });
  assert.deepEqual(out, {
    kind: 'network',
    code: 'ECONNRESET',
    ambiguous: true,
    durationMs: 0,
    bodyBytes: 2,
  });
});
