import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { kafkaSecurityShape } from '@kube-herald/bus';
import {
  ConfigError,
  deepFreeze,
  durationMs,
  expandEnv,
  readConfigYaml,
  readSecretFile,
  zodProblems,
} from '@kube-herald/config';
import type { ConfigProblem } from '@kube-herald/config';
import { receiverSchema, validateReceiverWebhook } from './receivers/index.js';
import type { ReceiverConfig, ReceiverSecrets } from './receivers/index.js';
import { routeSchema } from './routing/route-schema.js';
import { routeReceivers } from './routing/route-receivers.js';
import { consoleConfigSchema } from './console/console-config.js';

type Env = Readonly<Record<string, string | undefined>>;

const kafkaSchema = z.object({
  topic: z.string().min(1).default('kube-events.v1'),
  dlqTopic: z.string().min(1).default('kube-events.dlq'),
  groupId: z.string().min(1).default('kube-herald-notifier'),
  clientId: z.string().min(1).default('kube-herald-notifier'),
  /** Partitions a replica handles at once: overlaps Redis writes with Kafka fetches and commits. */
  partitionsConcurrently: z.number().int().min(1).max(64).default(3),
  /** Where a consumer group without committed offsets starts: new records only, or the whole topic. */
  startFrom: z.enum(['latest', 'earliest']).default('latest'),
  /** A partition whose batch makes no progress this long turns /readyz false (warning + metric). */
  stallTimeout: durationMs.refine((v) => v >= 1000, 'must be at least 1s').default(120_000),
  /** Attempts of a record that fails on its own before it goes to the DLQ (reason processing_failed). */
  poisonAttempts: z.number().int().min(1).max(100).default(3),
  /** Bytes fetched per request (all partitions) and per partition: bounds the records held in memory. */
  maxBytes: z.number().int().min(65_536).default(1_048_576),
  maxBytesPerPartition: z.number().int().min(16_384).default(262_144),
  /** Records handed to the ingest handler at once (a fetched batch is split; offsets committed per slice). */
  maxBatchRecords: z.number().int().min(1).max(100_000).default(1000),
  // brokers, TLS and SASL: the one schema of every component (libs/bus kafkaSecurityShape)
  ...kafkaSecurityShape,
});

/** The notifier's configuration schema (YAML input form; secrets still in place). */
export const notifierConfigSchema = z.object({
  kafka: kafkaSchema,
  redis: z.object({
    url: z.string().regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL'),
    passwordFile: z.string().min(1).optional(),
    prefix: z.string().min(1).default('kh'),
    /**
     * When a batch's Redis writes count as durable (its Kafka offsets are committed only then): see
     * `durability.ts`. `replica` for a primary + replica with failover; single node: `none` with
     * `appendfsync always`, or `aof` (Redis ≥ 7.2 / Valkey) with `appendfsync everysec`.
     */
    durability: z
      .object({
        mode: z.enum(['none', 'replica', 'aof', 'replica+aof']).default('none'),
        replicas: z.number().int().min(1).max(16).default(1),
        timeout: durationMs.refine((v) => v >= 10, 'must be at least 10ms').default(5000),
      })
      .prefault({}),
  }),
  receivers: z.array(receiverSchema).min(1),
  route: routeSchema,
  dedup: z
    .object({
      /**
       * How long an event uid's highest count is remembered after its last occurrence (kept 1–1.5× this):
       * Kubernetes' event lifetime (kube-apiserver --event-ttl, 1h) plus the replay horizon.
       */
      ttl: durationMs
        .refine((v) => v >= 3_600_000, 'must be at least 1h (the event lifetime)')
        .default(3 * 3_600_000),
    })
    .prefault({}),
  delivery: z
    .object({
      attempts: z.number().int().min(1).max(100).default(8),
      backoffMs: durationMs.default(2000),
      throttleBackoff: durationMs.refine((v) => v >= 60_000, 'DingTalk throttles for ≥ 60s').default(60_000),
      maxBodyBytes: z.number().int().min(1000).max(20_000).default(20_000),
    })
    .prefault({}),
  decisionLog: z.object({ topic: z.string().min(1).optional() }).prefault({}),
  /** Bounds of the failed-delivery set: past them the oldest are removed (logged, counted). */
  failed: z
    .object({
      maxCount: z.number().int().min(1).max(1_000_000).default(10_000),
      maxAge: durationMs.default(7 * 86_400_000),
    })
    .prefault({}),
  http: z
    .object({
      port: z.number().int().min(0).max(65_535).default(8080),
      host: z.string().min(1).default('0.0.0.0'),
    })
    .prefault({}),
  log: z
    .object({ level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info') })
    .prefault({}),
  console: consoleConfigSchema,
});

type Parsed = z.output<typeof notifierConfigSchema>;

/** Secrets resolved at load time; reachable only through `config.secrets` (non-enumerable). */
export interface NotifierSecrets {
  receiver(name: string): ReceiverSecrets | undefined;
  readonly redisPassword: string | undefined;
  readonly kafkaSaslPassword: string | undefined;
  /** The operator console's admin token (`console.adminToken` / `console.adminTokenFile`). */
  readonly consoleAdminToken?: string | undefined;
}

/** The validated, frozen notifier config. `JSON.stringify(config)` never contains a secret. */
export type NotifierConfig = Readonly<
  Omit<Parsed, 'receivers' | 'kafka' | 'redis' | 'console'> & {
    receivers: readonly ReceiverConfig[];
    kafka: Omit<Parsed['kafka'], 'sasl'> & { sasl?: Omit<NonNullable<Parsed['kafka']['sasl']>, 'password'> };
    redis: Parsed['redis'];
    console: Omit<Parsed['console'], 'adminToken'>;
  }
> & { readonly secrets: NotifierSecrets };

/** JSON Schema (draft-07, what YAML editors read) of the config file (input form), for editors and `kube-herald config schema`. */
export function notifierConfigJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(notifierConfigSchema, { io: 'input', unrepresentable: 'any', target: 'draft-7' });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Webhooks carry the robot's token (DingTalk) or the receiver's payload (webhook): https only, loopback
 * included; each type checks its own (`validateWebhookUrl` in receivers/<type>/schema.ts).
 */
function checkWebhook(
  r: Record<string, unknown>,
  webhook: string,
  path: string,
  problems: ConfigProblem[],
): void {
  for (const message of validateReceiverWebhook(r.type, webhook, r.insecureHttp === true))
    problems.push({ path, message });
}

/** Problems that need several parts of the document; run on the raw document so they always run. */
function crossCheck(doc: unknown): ConfigProblem[] {
  if (!isRecord(doc)) return [];
  const problems: ConfigProblem[] = [];
  const names = new Set<string>();
  const receivers = Array.isArray(doc.receivers) ? doc.receivers : [];
  receivers.forEach((r: unknown, i) => {
    if (!isRecord(r)) return;
    const path = `receivers.${i}`;
    if (typeof r.name === 'string') {
      if (names.has(r.name))
        problems.push({ path: `${path}.name`, message: `duplicate receiver name "${r.name}"` });
      names.add(r.name);
    }
    if ((r.webhook === undefined) === (r.webhookFile === undefined))
      problems.push({ path, message: 'set exactly one of webhook or webhookFile' });
    if (r.secret !== undefined && r.secretFile !== undefined)
      problems.push({ path, message: 'set at most one of secret or secretFile' });
    // inline webhooks are checked here so that they are listed even when the schema fails elsewhere
    if (typeof r.webhook === 'string') checkWebhook(r, r.webhook, `${path}.webhook`, problems);
  });
  for (const ref of routeReceivers(doc.route)) {
    if (!names.has(ref.receiver))
      problems.push({ path: ref.path, message: `receiver "${ref.receiver}" is not defined in receivers` });
  }
  return problems;
}

interface Resolution {
  readonly problems: ConfigProblem[];
  readonly baseDir: string;
}

function secretValue(inline: string | undefined, file: string | undefined, path: string, res: Resolution) {
  if (inline !== undefined) return inline;
  return file === undefined ? undefined : readSecretFile(resolve(res.baseDir, file), path, res.problems);
}

function resolveReceivers(parsed: Parsed, res: Resolution) {
  const secrets = new Map<string, ReceiverSecrets>();
  const receivers = parsed.receivers.map((r, i): ReceiverConfig => {
    const { webhook: inlineHook, secret: inlineSecret, ...rest } = r;
    const webhook = secretValue(inlineHook, r.webhookFile, `receivers.${i}.webhookFile`, res);
    const secret = secretValue(inlineSecret, r.secretFile, `receivers.${i}.secretFile`, res);
    if (webhook) {
      if (inlineHook === undefined) checkWebhook(r, webhook, `receivers.${i}.webhookFile`, res.problems);
      secrets.set(r.name, secret === undefined ? { webhook } : { webhook, secret });
    }
    return rest;
  });
  return { receivers, secrets };
}

/** Moves a password out of the Redis URL (the URL is logged, the password is not). */
function splitRedisUrl(redisUrl: string): { url: string; password: string | undefined } {
  try {
    const u = new URL(redisUrl);
    if (!u.password) return { url: redisUrl, password: undefined };
    const password = decodeURIComponent(u.password);
    u.password = '';
    return { url: u.toString(), password };
  } catch {
    return { url: redisUrl, password: undefined };
  }
}

function build(parsed: Parsed, res: Resolution): NotifierConfig {
  const { receivers, secrets } = resolveReceivers(parsed, res);
  const { url, password: urlPassword } = splitRedisUrl(parsed.redis.url);
  const redisPassword = secretValue(urlPassword, parsed.redis.passwordFile, 'redis.passwordFile', res);
  const { sasl, ...kafka } = parsed.kafka;
  let kafkaSaslPassword: string | undefined;
  let saslOut: Omit<NonNullable<typeof sasl>, 'password'> | undefined;
  if (sasl) {
    const { password, ...saslRest } = sasl;
    kafkaSaslPassword = secretValue(password, sasl.passwordFile, 'kafka.sasl', res);
    if (kafkaSaslPassword === undefined)
      res.problems.push({ path: 'kafka.sasl', message: 'set password or passwordFile' });
    saslOut = saslRest;
  }
  const { adminToken: inlineToken, ...consoleRest } = parsed.console;
  const consoleAdminToken = secretValue(
    inlineToken,
    consoleRest.adminTokenFile,
    'console.adminTokenFile',
    res,
  );
  const config = {
    ...parsed,
    console: consoleRest,
    receivers,
    kafka: saslOut ? { ...kafka, sasl: saslOut } : kafka,
    redis: { ...parsed.redis, url },
  };
  const secretsView: NotifierSecrets = Object.freeze({
    receiver: (name: string) => secrets.get(name),
    redisPassword,
    kafkaSaslPassword,
    consoleAdminToken,
  });
  // Non-enumerable: JSON.stringify, pino and spreads of the config never see the secrets.
  const withSecrets: typeof config & { secrets: NotifierSecrets } = Object.defineProperty(config, 'secrets', {
    value: secretsView,
    enumerable: false,
  }) as typeof config & { secrets: NotifierSecrets };
  return deepFreeze(withSecrets);
}

/**
 * Validates a parsed YAML document: `${ENV}` expansion, schema, cross-checks, secret files (relative to
 * `baseDir`). Throws {@link ConfigError} listing every problem; returns the frozen config.
 */
export function parseNotifierConfig(doc: unknown, env: Env = {}, baseDir = process.cwd()): NotifierConfig {
  const problems: ConfigProblem[] = [];
  const expanded = expandEnv(doc ?? {}, env, problems);
  problems.push(...crossCheck(expanded));
  const parsed = notifierConfigSchema.safeParse(expanded);
  if (!parsed.success) {
    problems.push(...zodProblems(parsed.error));
    throw new ConfigError(problems);
  }
  const res: Resolution = { problems, baseDir };
  const config = build(parsed.data, res);
  if (problems.length) throw new ConfigError(problems);
  return config;
}

/** Reads, validates and freezes the notifier config file (see {@link parseNotifierConfig}). */
export function loadNotifierConfig(file: string, env: Env = {}): NotifierConfig {
  return parseNotifierConfig(readConfigYaml(file), env, dirname(resolve(file)));
}
