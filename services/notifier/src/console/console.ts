import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { KafkaConnectionOptions } from '@kube-herald/bus';
import type { Logger } from '@kube-herald/logging';
import { Counter, type Registry } from '@kube-herald/observability';
import type { NotifierConfig } from '../config.js';
import { DELIVERY_QUEUE, notifierPrefixes } from '../notifier.js';
import { createDecisionEngine } from '../pipeline/decision-engine.js';
import { compileRoutes, resolveAfterByRoute, routeEvent } from '../routing/index.js';
import type { DeliveryJobData } from '../scheduler.js';
import type { SilenceStore } from '../silences/index.js';
import { createGroupStore } from '../store/group-store.js';
import { createConsoleActions } from './console-actions.js';
import { createConsoleHandler } from './console-routes.js';
import { createSnapshotter } from './console-state.js';
import { createWhy } from './console-why.js';
import { createDecisionIndex, createDecisionTail, type DecisionTail } from './decision-tail.js';
import { createSseHub } from './sse-hub.js';
import { createStateReader } from './state-reader.js';

/** Dependencies of {@link createConsole}. */
export interface ConsoleDeps {
  readonly config: NotifierConfig;
  /**
   * The fleet's Redis. The console works on a duplicate of it (closed with the console): its snapshots
   * (HGETALL of every live group) never queue behind, or ahead of, the notifier's own commands.
   */
  readonly redis: Redis;
  /** A started silence store (its in-memory list answers "would this be silenced"). */
  readonly silences: SilenceStore;
  readonly log: Logger;
  /** Kafka connection for the decision-log tail (`decisionLog.topic`); without it "why" has no history. */
  readonly kafka?: KafkaConnectionOptions;
  /** Rate gate window of the fleet (default 60 000). */
  readonly rateWindowMs?: number;
  /** Where `kube_herald_console_requests_total{route,status}` is registered (the notifier's /metrics). */
  readonly registry?: Registry;
  /** Overrides `console.host` / `console.port` (the CLI's flags). */
  readonly host?: string;
  readonly port?: number;
}

/** The operator console: read-only views of the fleet's shared state, and admin actions. */
export interface OperatorConsole {
  /** Listens; resolves the URL. */
  start(): Promise<{ url: string }>;
  close(): Promise<void>;
}

/** Wires the console; nothing listens before `start()`. */
export function createConsole(deps: ConsoleDeps): OperatorConsole {
  const { config } = deps;
  const redis = deps.redis.duplicate();
  const log = deps.log.child({ component: 'console' });
  const pre = notifierPrefixes(config);
  const queue = new Queue<DeliveryJobData>(DELIVERY_QUEUE, { connection: redis, prefix: pre.bull });
  const store = createGroupStore({ redis, prefix: pre.keys, dedupTtlMs: config.dedup.ttl });
  const reader = createStateReader({ redis, prefix: pre.keys });
  const tree = compileRoutes(config.route);
  const resolveAfter = resolveAfterByRoute(tree);
  const snapshotter = createSnapshotter({
    config,
    reader,
    queue,
    silences: deps.silences,
    resolveAfter: (route) => resolveAfter[route] ?? tree.timing.resolveAfter ?? 0,
    ...(deps.rateWindowMs ? { rateWindowMs: deps.rateWindowMs } : {}),
  });
  const known = new Set(config.receivers.map((r) => r.name));
  const engine = createDecisionEngine({
    route: (e) => routeEvent(tree, e, { explain: false }),
    silences: deps.silences,
    store,
  });
  const topic = config.decisionLog.topic;
  const index = topic && deps.kafka ? createDecisionIndex(config.console.decisionLines) : undefined;
  const tail: DecisionTail | undefined =
    topic && deps.kafka && index
      ? createDecisionTail({
          connection: deps.kafka,
          topic,
          index,
          lookbackMs: config.console.decisionLookback,
          log,
        })
      : undefined;
  const why = createWhy({
    engine,
    explain: (e) => routeEvent(tree, e, { receiverKnown: (r) => known.has(r) }),
    groups: () => reader.groups(1000, 500),
    ...(index ? { index } : {}),
  });
  const actions = createConsoleActions({
    redis,
    prefix: pre.keys,
    silences: deps.silences,
    queue,
    store,
    log,
  });
  const snapshot = () => snapshotter.snapshot();
  const hub = createSseHub({ snapshot, periodMs: config.console.refresh, log });
  const host = deps.host ?? config.console.host;
  const handler = createConsoleHandler({
    loopbackOnly: /^(127\.|::1$|localhost$)/.test(host),
    snapshot,
    actions,
    why,
    hub,
    adminToken: config.secrets.consoleAdminToken,
    log,
    ...(deps.registry
      ? {
          requests: new Counter<'route' | 'status'>({
            name: 'kube_herald_console_requests_total',
            help: 'Console requests by route and HTTP status (401/403: refused actions, 400: bad input)',
            labelNames: ['route', 'status'],
            registers: [deps.registry],
          }),
        }
      : {}),
  });
  let server: Server | undefined;
  let closing: Promise<void> | undefined;
  return {
    async start() {
      await tail?.start();
      const s = createServer(handler);
      server = s;
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(deps.port ?? config.console.port, host, () => resolve());
      });
      const { port } = s.address() as AddressInfo;
      const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      log.info({ url, actions: config.secrets.consoleAdminToken !== undefined }, 'console listening');
      return { url };
    },
    close() {
      closing ??= (async () => {
        hub.close();
        if (server) {
          const s = server;
          s.closeAllConnections();
          await new Promise<void>((resolve) => s.close(() => resolve()));
        }
        await tail?.close();
        await queue.close();
        await redis.quit().catch(() => redis.disconnect());
      })();
      return closing;
    },
  };
}
