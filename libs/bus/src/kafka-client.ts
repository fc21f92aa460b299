import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import {
  Kafka,
  logLevel,
  type ISocketFactory,
  type LogEntry,
  type SASLOptions,
  type logCreator,
} from 'kafkajs';
import type { Logger } from '@kube-herald/logging';
import { resolveKafkaTls } from './kafka-security.js';
import { installRecordEncoding } from './record-encoding.js';
import { installRequestQueueFix } from './request-queue-fix.js';
import { registerZstd } from './zstd-codec.js';

registerZstd();
installRequestQueueFix();
installRecordEncoding();

/** Connection options shared by the Kafka publisher, subscriber and admin. */
export interface KafkaConnectionOptions {
  /** `host:port` of one or more brokers. */
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly log: Logger;
  readonly ssl?: boolean | ConnectionOptions;
  readonly sasl?: SASLOptions;
  /** TCP connect timeout (default 3 000 ms). */
  readonly connectionTimeoutMs?: number;
  /** Request timeout (default 30 000 ms). */
  readonly requestTimeoutMs?: number;
}

// kafkajs says this when retries are bounded on purpose (we surface failures instead of hanging forever).
const EXPECTED_WARNINGS = ['Limiting retries for the idempotent producer'];

// kafkajs logs every error response and every retried attempt at ERROR although it handles them itself
// (rebalance, coordinator moves, a broker restarting); the outcome is logged by it or by us at the right level.
function effectiveLevel(
  level: logLevel,
  namespace: string,
  message: string,
  extra: { retryCount?: unknown },
): logLevel {
  if (level === logLevel.WARN && EXPECTED_WARNINGS.some((w) => message.startsWith(w))) return logLevel.DEBUG;
  if (level !== logLevel.ERROR) return level;
  if (namespace === 'Connection' && message.startsWith('Response ')) return logLevel.DEBUG;
  if (message.startsWith('Crash')) return level;
  if (message.startsWith('Restarting the consumer') || message.includes('re-joining the group'))
    return logLevel.WARN;
  if (namespace === 'Connection' || typeof extra.retryCount === 'number') return logLevel.WARN;
  return level;
}

/** Maps kafkajs log entries to a pino logger (child `component: kafkajs`). */
export function kafkaLogCreator(log: Logger): logCreator {
  const child = log.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log: entry }: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _logger, ...extra } = entry;
      const fields = { namespace, ...extra };
      switch (effectiveLevel(level, namespace, message, extra)) {
        case logLevel.ERROR:
          child.error(fields, message);
          return;
        case logLevel.WARN:
          child.warn(fields, message);
          return;
        case logLevel.INFO:
          child.info(fields, message);
          return;
        case logLevel.DEBUG:
        case logLevel.NOTHING:
          child.debug(fields, message);
      }
    };
}

function kafkaLogLevel(log: Logger): logLevel {
  return log.isLevelEnabled('debug') ? logLevel.DEBUG : logLevel.INFO;
}

/**
 * The sockets of one kafkajs client (internal). kafkajs 2.2.4 can leave a socket open when a connect races
 * `disconnect()` (seen when a consumer closed while reconnecting to a broker that came back): the process
 * then never exits. The owner calls {@link SocketTracker.release} after disconnecting: it destroys what is
 * still open, and every socket kafkajs opens later is destroyed at once.
 */
export interface SocketTracker {
  readonly socketFactory: ISocketFactory;
  /** Destroys the sockets still open; returns how many kafkajs had not ended itself. */
  release(): number;
}

const KEEP_ALIVE_DELAY_MS = 60_000; // as kafkajs' own socket factory

/** Creates a {@link SocketTracker} whose factory opens sockets as kafkajs' default one does. */
export function createSocketTracker(): SocketTracker {
  const open = new Set<Socket>();
  let released = false;
  const socketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
    const socket: Socket = ssl
      ? tlsConnect({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
      : netConnect({ host, port }, onConnect);
    socket.setKeepAlive(true, KEEP_ALIVE_DELAY_MS);
    if (released) {
      // After kafkajs attached its listeners: it sees a failed connection, not a silent one.
      setImmediate(() => socket.destroy(new Error('connection refused: the Kafka client was disconnected')));
      return socket;
    }
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    return socket;
  };
  return {
    socketFactory,
    release() {
      released = true;
      let leftOpen = 0;
      for (const s of open) {
        if (s.writableEnded) {
          // kafkajs ended it (its connection is closed): only the broker's side of the close is missing.
          s.destroy();
          continue;
        }
        // kafkajs listens for 'error' and 'end', not 'close': destroyed silently, its connection would
        // stay "connected" with a 100 ms request-timeout timer that keeps the process alive for good.
        leftOpen += 1;
        s.destroy(new Error('connection closed: the Kafka client was disconnected'));
      }
      open.clear();
      return leftOpen;
    },
  };
}

/** Creates the kafkajs client (internal: the only place a `Kafka` is constructed). */
export function createKafkaClient(options: KafkaConnectionOptions, sockets?: SocketTracker): Kafka {
  // SASL without an explicit `ssl` gets TLS; `ssl: false` with SASL is allowed, warned about once per client
  const ssl =
    typeof options.ssl === 'object'
      ? options.ssl
      : resolveKafkaTls(options.ssl, options.sasl !== undefined, options.log) || undefined;
  return new Kafka({
    ...(sockets === undefined ? {} : { socketFactory: sockets.socketFactory }),
    brokers: [...options.brokers],
    clientId: options.clientId,
    ...(ssl === undefined ? {} : { ssl }),
    ...(options.sasl === undefined ? {} : { sasl: options.sasl }),
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 30_000,
    logLevel: kafkaLogLevel(options.log),
    logCreator: kafkaLogCreator(options.log),
  });
}

/** Converts kafkajs headers (Buffer, string or arrays of them) to plain strings; arrays keep their last value. */
export function headersToStrings(
  headers: Readonly<Record<string, Buffer | string | (Buffer | string)[] | undefined>> | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  if (!headers) return out;
  for (const [name, raw] of Object.entries(headers)) {
    const value = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (value !== undefined) out[name] = Buffer.isBuffer(value) ? value.toString('utf8') : value;
  }
  return out;
}
