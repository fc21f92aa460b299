import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, it } from 'node:test';
import { Script } from 'node:vm';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { buildContext, repoRoot } from '@kube-herald/deploy-tests';

interface Healthcheck {
  test: string[];
}
interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  ports?: string[];
  healthcheck?: Healthcheck;
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
}
interface Compose {
  services: Record<string, ComposeService>;
}

const root = repoRoot();
const composeText = readFileSync(join(root, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true }) as Compose;
const svc = (name: string): ComposeService => {
  const s = compose.services[name];
  assert.ok(s, `service ${name}`);
  return s;
};
/** Host path of a bind mount (relative to the repository root) for a container path. */
const bindSource = (s: ComposeService, target: string): string | undefined =>
  s.volumes?.map((v) => v.split(':')).find((p) => p[1] === target)?.[0];
const readYaml = (rel: string): Record<string, unknown> =>
  parse(readFileSync(join(root, rel), 'utf8')) as Record<string, unknown>;

describe('docker-compose.yml', () => {
  it('validates against the Compose specification schema', () => {
    // dclint ships the Compose specification schema but does not export it: find the installed package.
    const schemaPath = [join(root, 'libs/deploy-tests'), root]
      .map((dir) => join(dir, 'node_modules/dclint/schemas/compose.schema.json'))
      .find((p) => existsSync(p));
    assert.ok(schemaPath, 'dclint (devDependency of @kube-herald/deploy-tests) is installed');
    const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
    // It declares draft-07 by its https URL, which Ajv's built-in draft-07 meta-schema is not keyed by.
    assert.match(String(schema.$schema), /draft-07/);
    schema.$schema = 'http://json-schema.org/draft-07/schema#';
    const ajv = new Ajv({ allErrors: true, strict: false });
    const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;
    addFormats(ajv);
    const validate = ajv.compile(schema);
    const doc: unknown = parse(composeText, { merge: true });
    assert.equal(validate(doc), true, JSON.stringify(validate.errors, null, 2));
    // The schema really rejects: a misspelt service key fails.
    const bad = structuredClone(doc) as Compose & { services: Record<string, Record<string, unknown>> };
    bad.services.redis!.helthcheck = { test: ['CMD', 'true'] };
    assert.equal(validate(bad), false);
  });

  it('runs Kafka as a single KRaft node from the official image, with the topics created', () => {
    const kafka = svc('kafka');
    assert.match(kafka.image ?? '', /^apache\/kafka:\d+\.\d+\.\d+$/);
    const env = kafka.environment ?? {};
    assert.equal(env.KAFKA_PROCESS_ROLES, 'broker,controller');
    assert.equal(env.KAFKA_CONTROLLER_QUORUM_VOTERS, `${env.KAFKA_NODE_ID}@kafka:9093`);
    assert.match(String(env.KAFKA_ADVERTISED_LISTENERS), /PLAINTEXT:\/\/kafka:9092/);
    const init = svc('kafka-init');
    assert.equal(init.image, kafka.image);
    const script = (init.command ?? []).join('\n');
    for (const topic of ['kube-events.v1', 'kube-events.dlq']) assert.ok(script.includes(topic), topic);
  });

  it('runs Redis 7 with AOF and noeviction', () => {
    const redis = svc('redis');
    assert.match(redis.image ?? '', /^redis:7(\.|$)/);
    const cmd = (redis.command ?? []).join(' ');
    assert.match(cmd, /--appendonly yes/);
    assert.match(cmd, /--maxmemory-policy noeviction/);
  });

  it('gates every dependency on a healthy (or finished) service', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      if (name !== 'kafka-init') assert.ok(s.healthcheck?.test.length, `${name} has a healthcheck`);
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        const target = svc(dep);
        if (condition === 'service_healthy')
          assert.ok(target.healthcheck, `${name} waits on ${dep}'s healthcheck`);
        else assert.equal(condition, 'service_completed_successfully', `${name} -> ${dep}`);
        if (condition === 'service_completed_successfully') assert.equal(target.restart, 'no');
      }
    }
    assert.deepEqual(Object.keys(svc('notifier').depends_on ?? {}).sort(), [
      'dingtalk',
      'kafka',
      'kafka-init',
      'redis',
    ]);
    assert.deepEqual(Object.keys(svc('collector').depends_on ?? {}).sort(), ['kafka', 'kafka-init']);
  });

  it('has healthcheck scripts that are valid JavaScript', () => {
    for (const [name, s] of Object.entries(compose.services)) {
      const t = s.healthcheck?.test ?? [];
      if (t[1] !== 'node') continue;
      assert.equal(t[2], '-e');
      assert.doesNotThrow(() => new Script(t[3] ?? ''), `${name} healthcheck`);
    }
  });

  it('runs the kube-herald services with their configs and the kubeconfig mounted', () => {
    const collector = svc('collector');
    assert.deepEqual(collector.command, ['collector', '--config', '/etc/kube-herald/config.yaml']);
    assert.ok(collector.volumes?.includes('${KUBECONFIG:-~/.kube/config}:/kube/config:ro'));
    assert.equal(collector.environment?.KH_KUBECONFIG, '/kube/config');
    assert.deepEqual(svc('notifier').command, ['notifier', '--config', '/etc/kube-herald/config.yaml']);
    assert.equal(svc('dingtalk').command?.[0], 'dingtalk-standin');
    for (const s of Object.values(compose.services)) {
      for (const v of s.volumes ?? []) {
        const src = v.split(':')[0]!;
        if (src.startsWith('./')) assert.ok(existsSync(join(root, src)), `${src} exists`);
      }
    }
  });

  it('builds kube-herald from the build context and Dockerfile that image-build.test.ts reproduces', () => {
    const raw = parse(composeText) as { 'x-kube-herald': { image: string; build: Record<string, string> } };
    assert.deepEqual(raw['x-kube-herald'].build, { context: '.', dockerfile: 'Dockerfile' });
    const ours = Object.entries(compose.services).filter(([, s]) => s.image === raw['x-kube-herald'].image);
    assert.deepEqual(ours.map(([n]) => n).sort(), ['collector', 'dingtalk', 'notifier']);
    // the context is what .dockerignore lets through: the CLI, its commands and the package files
    const context = new Set(buildContext(root));
    for (const f of ['package.json', 'package-lock.json', 'tsconfig.build.json', 'bin/kube-herald.mjs'])
      assert.ok(context.has(f), `${f} in the build context`);
    assert.ok(!context.has('docker-compose.yml') && ![...context].some((f) => f.startsWith('deploy/')));
    // image-build.test.ts runs the built image's --help, which lists each of these commands
    assert.deepEqual(ours.map(([, s]) => s.command?.[0]).sort(), [
      'collector',
      'dingtalk-standin',
      'notifier',
    ]);
  });

  it('runs the DingTalk stand-in from its config on all interfaces, on the published port', () => {
    const dingtalk = svc('dingtalk');
    const target = '/etc/kube-herald/dingtalk-standin.yaml';
    const command = dingtalk.command ?? [];
    assert.deepEqual(command.slice(0, 3), ['dingtalk-standin', '--config', target]);
    const http = readYaml(bindSource(dingtalk, target)!).http as { host?: string; port: number };
    // The command listens on 127.0.0.1 unless told otherwise: the notifier container could not reach it.
    const hostFlag = command.indexOf('--host');
    const host = hostFlag >= 0 ? command[hostFlag + 1] : http.host;
    assert.equal(host, '0.0.0.0');
    assert.ok(!command.includes('--port'), 'the port comes from the config file');
    assert.ok(dingtalk.ports?.includes(`127.0.0.1:${http.port}:${http.port}`), 'published port');
    assert.match(dingtalk.healthcheck?.test.join(' ') ?? '', new RegExp(`connect\\(${http.port},`));
  });

  it('wires the configs to each other: brokers, topics, Redis, robot webhook and secret', () => {
    const col = readYaml(bindSource(svc('collector'), '/etc/kube-herald/config.yaml')!);
    const notifier = svc('notifier');
    const not = readYaml(bindSource(notifier, '/etc/kube-herald/config.yaml')!);
    const ck = col.kafka as { brokers: string[]; topic: string };
    const nk = not.kafka as { brokers: string[]; topic: string; dlqTopic: string };
    assert.deepEqual(ck.brokers, ['kafka:9092']);
    assert.deepEqual(nk.brokers, ['kafka:9092']);
    assert.equal(ck.topic, nk.topic);
    assert.equal((not.redis as { url: string }).url, 'redis://redis:6379');
    assert.equal((col.kubernetes as { inCluster: boolean }).inCluster, false);

    const standinFile = bindSource(svc('dingtalk'), '/etc/kube-herald/dingtalk-standin.yaml')!;
    const standin = readYaml(standinFile) as {
      http: { port: number };
      robots: { name: string; token: string; secret?: string; keywords?: string[] }[];
    };
    for (const r of not.receivers as {
      name: string;
      webhookFile: string;
      secretFile?: string;
      keywords?: string[];
    }[]) {
      const dir = posix.dirname(r.webhookFile);
      const hostDir = bindSource(notifier, dir);
      assert.ok(hostDir, `${dir} is mounted`);
      assert.ok(statSync(join(root, hostDir)).isDirectory());
      const url = new URL(readFileSync(join(root, hostDir, posix.basename(r.webhookFile)), 'utf8').trim());
      assert.equal(url.hostname, 'dingtalk');
      assert.equal(Number(url.port), standin.http.port);
      const robot = standin.robots.find((x) => x.token === url.searchParams.get('access_token'));
      assert.ok(robot, `the stand-in knows ${r.name}'s token`);
      assert.ok(r.secretFile);
      const secret = readFileSync(join(root, hostDir, posix.basename(r.secretFile)), 'utf8').trim();
      assert.equal(secret, robot.secret);
      assert.deepEqual(r.keywords, robot.keywords);
    }
  });
});
