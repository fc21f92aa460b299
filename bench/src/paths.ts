import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';

/** The repository root (bench/src/ → ../..). */
export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
/** Kafka version of scripts/services.sh. */
export const KAFKA_VERSION = '4.1.1';
/** Broker jars fetched by scripts/services.sh. */
export const KAFKA_LIBS = join(ROOT, '.cache', 'kafka', KAFKA_VERSION, 'libs');
/** kafka-tools jars (ProducerPerformance) fetched by scripts/bench.sh. */
export const KAFKA_TOOLS_LIBS = join(ROOT, '.cache', 'kafka-tools', KAFKA_VERSION, 'libs');
export const KAFKA_TEMPLATE = join(ROOT, 'scripts', 'kafka');
/** Private state of bench and fault runs (git-ignored with the rest of .run/). */
export const BENCH_RUN = join(ROOT, '.run', 'bench');
