import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { KAFKA_TOOLS_LIBS } from '../paths.js';

/** What Kafka's own ProducerPerformance reported. */
export interface ProducerPerfResult {
  readonly recordsPerSec: number;
  readonly mbPerSec: number;
  readonly avgLatencyMs: number;
  readonly line: string;
}

/**
 * Runs `org.apache.kafka.tools.ProducerPerformance` (kafka-tools, same version as the broker) with
 * acks=all and idempotence, like our publisher; returns its summary line.
 */
export async function producerPerformance(
  brokers: readonly string[],
  topic: string,
  records: number,
  recordSize: number,
): Promise<ProducerPerfResult> {
  if (!existsSync(KAFKA_TOOLS_LIBS))
    throw new Error(
      `kafka-tools jars missing in ${KAFKA_TOOLS_LIBS}: run bash scripts/bench.sh (it fetches them)`,
    );
  const args = [
    '-Xms256m',
    '-Xmx512m',
    '-cp',
    `${KAFKA_TOOLS_LIBS}/*`,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    topic,
    '--num-records',
    String(records),
    '--record-size',
    String(recordSize),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${brokers.join(',')}`,
    'acks=all',
    'enable.idempotence=true',
    'linger.ms=5',
  ];
  const c = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  c.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
  c.stderr.on('data', (d: Buffer) => (out += d.toString('utf8')));
  const code = await new Promise<number>((resolve) => c.once('exit', (n) => resolve(n ?? 1)));
  const line = out.split('\n').find((l) => /records sent, .* records\/sec/.test(l) && / 99th/.test(l)) ?? '';
  const m = /records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency/.exec(line);
  if (code !== 0 || !m) throw new Error(`ProducerPerformance failed (exit ${code}): ${out.slice(-2000)}`);
  return {
    recordsPerSec: Number(m[1]),
    mbPerSec: Number(m[2]),
    avgLatencyMs: Number(m[3]),
    line: line.trim(),
  };
}
