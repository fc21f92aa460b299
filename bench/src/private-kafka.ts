import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, openSync, readFileSync, writeFileSync, closeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KAFKA_LIBS, KAFKA_TEMPLATE } from './paths.js';
import { freePort, portOpen, waitUntil } from './ports.js';

/** A private Kafka (one combined node, or a 3-node KRaft cluster) owned by a bench or fault run. */
export interface PrivateKafka {
  readonly brokers: readonly string[];
  /** Kills node `n` (1-based) with SIGKILL. */
  kill(n?: number): Promise<void>;
  /** Graceful stop (SIGTERM) of node `n`. */
  stop(n?: number): Promise<void>;
  /** Starts node `n` again on its ports and waits until the cluster answers. */
  restart(n?: number): Promise<void>;
  close(): Promise<void>;
}

interface KafkaNode {
  readonly id: number;
  readonly port: number;
  readonly ctrlPort: number;
  readonly dir: string;
  child?: ChildProcess;
  exited?: Promise<void>;
}

const JAVA_OPTS = [
  '-Xms256m',
  '-Xmx512m',
  '-XX:+UseG1GC',
  '-XX:MaxGCPauseMillis=20',
  '-Djava.awt.headless=true',
];

function javaArgs(main: string, args: readonly string[]): string[] {
  const log4j = `-Dlog4j2.configurationFile=${join(KAFKA_TEMPLATE, 'log4j2.xml')}`;
  return [...JAVA_OPTS, log4j, '-cp', `${KAFKA_LIBS}/*`, main, ...args];
}

function render(node: KafkaNode, voters: string, rf: number, minIsr: number): string {
  const tpl = readFileSync(join(KAFKA_TEMPLATE, 'server.properties.tmpl'), 'utf8');
  const text = tpl
    .replaceAll('@NODE_ID@', String(node.id))
    .replaceAll('@VOTERS@', voters)
    .replaceAll('@PORT@', String(node.port))
    .replaceAll('@CTRL_PORT@', String(node.ctrlPort))
    .replaceAll('@LOG_DIR@', join(node.dir, 'data'))
    .replaceAll('@RF@', String(rf))
    .replaceAll('@MIN_ISR@', String(minIsr))
    .replaceAll('@OFFSETS_PARTITIONS@', '12');
  const file = join(node.dir, 'server.properties');
  writeFileSync(file, text);
  return file;
}

function run(cmd: string, args: readonly string[], logFile: string): Promise<number> {
  const fd = openSync(logFile, 'a');
  const c = spawn(cmd, [...args], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  return new Promise((resolve) => c.once('exit', (code) => resolve(code ?? 1)));
}

async function ready(brokers: string, expected: number): Promise<boolean> {
  const code = await run(
    process.execPath,
    [join(KAFKA_TEMPLATE, 'ready.mjs'), brokers, String(expected), '4000'],
    '/dev/null',
  );
  return code === 0;
}

/**
 * Starts a private Kafka with the jars of scripts/services.sh (fetch them once with
 * `bash scripts/services.sh start`) in `dir`, on free ports: `nodes` = 1 (RF 1) or 3 (RF 3, min ISR 2).
 */
export async function startPrivateKafka(dir: string, nodes: 1 | 3 = 1): Promise<PrivateKafka> {
  // A free port can be taken by another process between our probe and the broker's bind: retry on fresh ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startAttempt(join(dir, `attempt-${attempt}`), nodes);
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

async function startAttempt(dir: string, nodes: 1 | 3): Promise<PrivateKafka> {
  if (!existsSync(KAFKA_LIBS))
    throw new Error(`Kafka jars missing in ${KAFKA_LIBS}: run bash scripts/services.sh start once`);
  const list: KafkaNode[] = [];
  for (let i = 1; i <= nodes; i++) {
    const port = await freePort();
    let ctrlPort = await freePort();
    while (ctrlPort === port) ctrlPort = await freePort();
    const nodeDir = join(dir, `kafka-${i}`);
    mkdirSync(join(nodeDir, 'data'), { recursive: true });
    list.push({ id: i, port, ctrlPort, dir: nodeDir });
  }
  const voters = list.map((n) => `${n.id}@127.0.0.1:${n.ctrlPort}`).join(',');
  const clusterId = randomBytes(16).toString('base64url');
  const brokers = list.map((n) => `127.0.0.1:${n.port}`);
  const logOf = (n: KafkaNode): string => join(n.dir, 'kafka.log');
  await Promise.all(
    list.map(async (n) => {
      const props = render(n, voters, nodes === 1 ? 1 : 3, nodes === 1 ? 1 : 2);
      const code = await run(
        'java',
        javaArgs('kafka.tools.StorageTool', ['format', '-t', clusterId, '-c', props, '--ignore-formatted']),
        logOf(n),
      );
      if (code !== 0) throw new Error(`formatting Kafka node ${n.id} failed (see ${logOf(n)})`);
    }),
  );
  const launch = (n: KafkaNode): void => {
    const fd = openSync(logOf(n), 'a');
    const c = spawn('java', javaArgs('kafka.Kafka', [join(n.dir, 'server.properties')]), {
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    n.child = c;
    n.exited = new Promise((resolve) => c.once('exit', () => resolve()));
  };
  const waitReady = async (): Promise<void> => {
    const live = list.filter((n) => n.child && n.child.exitCode === null && n.child.signalCode === null);
    if (live.length === 0) throw new Error(`no Kafka node of ${dir} runs`);
    await waitUntil(
      async () =>
        (await portOpen(live[0]!.port)) &&
        ready(live.map((n) => `127.0.0.1:${n.port}`).join(','), live.length),
      90_000,
      'private Kafka',
      500,
    );
  };
  const node = (n: number): KafkaNode => {
    const k = list[n - 1];
    if (!k) throw new Error(`no Kafka node ${n}`);
    return k;
  };
  const signal = async (n: number, sig: NodeJS.Signals): Promise<void> => {
    const k = node(n);
    if (!k.child || k.child.exitCode !== null || k.child.signalCode !== null) return;
    k.child.kill(sig);
    const deadline = sleep(30_000, 'late' as const);
    if ((await Promise.race([k.exited, deadline])) === 'late') {
      k.child.kill('SIGKILL');
      await k.exited;
    }
  };
  list.forEach(launch);
  try {
    await waitUntil(
      async () => {
        const dead = list.find((n) => n.child?.exitCode !== null || n.child.signalCode !== null);
        if (dead) throw new Error(`Kafka node ${dead.id} exited during start (see ${logOf(dead)})`);
        return (await portOpen(list[0]!.port)) && ready(brokers.join(','), list.length);
      },
      90_000,
      'private Kafka',
      500,
    );
  } catch (err) {
    for (const n of list) {
      if (n.child?.exitCode !== null || n.child.signalCode !== null) continue;
      n.child.kill('SIGKILL');
      await n.exited;
    }
    throw err;
  }
  return {
    brokers,
    kill: (n = 1) => signal(n, 'SIGKILL'),
    stop: (n = 1) => signal(n, 'SIGTERM'),
    async restart(n = 1) {
      await signal(n, 'SIGTERM');
      await waitUntil(async () => !(await portOpen(node(n).port)), 30_000, 'the old broker port to close');
      launch(node(n));
      await waitReady();
    },
    async close() {
      await Promise.all(list.map((n) => signal(n.id, 'SIGTERM')));
    },
  };
}
