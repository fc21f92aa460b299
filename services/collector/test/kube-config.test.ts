import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createKubeClient, loadKubeConfig } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'kh-kubeconfig-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const b64 = (s: string): string => Buffer.from(s).toString('base64');

function kubeconfig(name: string, cluster: string, user: string): string {
  const file = join(dir, name);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: c',
      '  cluster:',
      cluster,
      'users:',
      '- name: u',
      '  user:',
      user,
      'contexts:',
      '- name: ctx',
      '  context: { cluster: c, user: u }',
      'current-context: ctx',
      '',
    ].join('\n'),
  );
  return file;
}

async function authorization(file: string): Promise<string | undefined> {
  const target = await loadKubeConfig({ kubeconfig: file });
  const { headers } = await target.prepare();
  return (headers as Record<string, string | undefined>).authorization;
}

describe('kubeconfig loading', () => {
  it('token and token file (relative to the kubeconfig) are read here, without client-node', async () => {
    const token = kubeconfig('token.yaml', '    server: http://127.0.0.1:1/', '    token: abc');
    const t = await loadKubeConfig({ kubeconfig: token });
    assert.equal(t.loader, 'native');
    assert.equal(t.server, 'http://127.0.0.1:1');
    assert.equal(await authorization(token), 'Bearer abc');
    writeFileSync(join(dir, 'tok'), 'from-file\n');
    const file = kubeconfig('tokenfile.yaml', '    server: http://127.0.0.1:1', '    tokenFile: tok');
    assert.equal(await authorization(file), 'Bearer from-file');
  });

  it('basic auth, client certificate, CA and insecure-skip-tls-verify reach the request options', async () => {
    const basic = kubeconfig(
      'basic.yaml',
      '    server: http://127.0.0.1:1',
      '    username: alice\n    password: s3cret',
    );
    assert.equal(await authorization(basic), `Basic ${b64('alice:s3cret')}`);
    const certs = kubeconfig(
      'certs.yaml',
      `    server: https://127.0.0.1:1\n    certificate-authority-data: ${b64('CA')}\n    insecure-skip-tls-verify: true`,
      `    client-certificate-data: ${b64('CERT')}\n    client-key-data: ${b64('KEY')}`,
    );
    const t = await loadKubeConfig({ kubeconfig: certs });
    const { agent } = await t.prepare();
    assert.ok(agent instanceof HttpsAgent);
    const o = agent.options;
    assert.equal(String(o.ca), 'CA');
    assert.equal(String(o.cert), 'CERT');
    assert.equal(String(o.key as Buffer), 'KEY');
    assert.equal(o.rejectUnauthorized, false);
  });

  it('an exec credential plugin is handed to @kubernetes/client-node and its token is used', async () => {
    const cred = JSON.stringify({
      apiVersion: 'client.authentication.k8s.io/v1',
      kind: 'ExecCredential',
      status: { token: 'from-exec' },
    });
    writeFileSync(join(dir, 'cred.json'), cred);
    const file = kubeconfig(
      'exec.yaml',
      '    server: http://127.0.0.1:1\n    insecure-skip-tls-verify: true', // client-node refuses http otherwise
      [
        '    exec:',
        '      apiVersion: client.authentication.k8s.io/v1',
        '      command: cat',
        `      args: [${JSON.stringify(join(dir, 'cred.json'))}]`,
        '      interactiveMode: Never',
      ].join('\n'),
    );
    const t = await loadKubeConfig({ kubeconfig: file });
    assert.equal(t.loader, 'client-node');
    assert.equal(await authorization(file), 'Bearer from-exec');
  });

  it('in cluster: server from the environment (IPv6 in brackets), CA and rotating token from the service account', async () => {
    const sa = mkdtempSync(join(dir, 'sa-'));
    writeFileSync(join(sa, 'token'), 'sa-token');
    writeFileSync(join(sa, 'ca.crt'), 'SA-CA');
    const env = { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' };
    const t = await loadKubeConfig({ inCluster: true }, env, sa);
    assert.equal(t.loader, 'native');
    assert.equal(t.server, 'https://[fd00::1]:443');
    const { headers, agent } = await t.prepare();
    assert.equal((headers as Record<string, string>).authorization, 'Bearer sa-token');
    assert.equal(String((agent as HttpsAgent).options.ca), 'SA-CA');
    await assert.rejects(loadKubeConfig({ inCluster: true }, {}, sa), /KUBERNETES_SERVICE_HOST/);
  });
});

describe('watch stream', () => {
  let server: Server | undefined;
  after(() => server?.close());

  it('delivers lines split across chunks; an unparsable line ends the watch instead of being skipped', async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      const line = (i: number): string =>
        JSON.stringify({ type: 'ADDED', object: { metadata: { name: `e${i}`, note: 'ü'.repeat(i) } } }) +
        '\n';
      const text = line(1) + line(2);
      res.write(text.slice(0, 25));
      setTimeout(() => {
        res.write(text.slice(25) + '{not json\n' + line(3));
      }, 20);
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const file = kubeconfig('watch.yaml', `    server: http://127.0.0.1:${port}`, '    token: w');
    const client = createKubeClient(await loadKubeConfig({ kubeconfig: file }));
    const names: string[] = [];
    const ended = await new Promise<unknown>((resolve) => {
      void client.watch(
        '/api/v1/events',
        { timeoutSeconds: '5' },
        (type, obj) => names.push(`${type}:${(obj as { metadata: { name: string } }).metadata.name}`),
        resolve,
      );
    });
    assert.deepEqual(names, ['ADDED:e1', 'ADDED:e2']);
    assert.equal((ended as { code?: string }).code, 'kube_watch_bad_line');
  });
});
