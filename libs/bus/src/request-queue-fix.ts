import { createRequire } from 'node:module';

// kafkajs 2.2.4's RequestQueue (one per broker connection) re-arms `setTimeout(check, throttledUntil -
// Date.now())` after every check even when nothing is pending and nothing is throttled: `throttledUntil` is
// -1, the delay negative, Node turns it into 1 ms (and warns, TimeoutNegativeWarning, since Node 24) — a
// 1 ms timer loop per connection for as long as it is open (tulios/kafkajs#1556, #1704, #1751; fix
// proposed in PR #1667, never released). Idle, that was nearly all of the collector's CPU (about 1 CPU s
// per minute). With nothing pending and no throttle there is nothing to check later: `push` checks again
// when a request waits, and every answered request runs the check.
//
// Likewise its request-timeout check: a 100 ms interval per connection from connect to disconnect, idle or
// not (10 wake-ups a second per broker connection). It now runs only while requests are in flight.

const require = createRequire(import.meta.url);
const KAFKAJS_VERSION = '2.2.4';

interface InflightRequest {
  readonly sentAt: number;
  readonly requestTimeout: number;
  timeoutRequest(): void;
}
interface RequestQueueLike {
  pending: unknown[];
  inflight: Map<number, InflightRequest>;
  throttledUntil: number;
  throttleCheckTimeoutId: unknown;
  requestTimeout: number;
  enforceRequestTimeout: boolean;
  requestTimeoutIntervalId: NodeJS.Timeout | null | undefined;
  isConnected: () => boolean;
  scheduleCheckPendingRequests: (this: RequestQueueLike) => void;
  scheduleRequestTimeoutCheck: (this: RequestQueueLike) => void;
  sendSocketRequest: (this: RequestQueueLike, request: unknown) => void;
  destroy: (this: RequestQueueLike) => void;
}

let installed: boolean | undefined;

/** Patches kafkajs' RequestQueue once; false when the kafkajs version is not the one this fix is for. */
export function installRequestQueueFix(): boolean {
  if (installed !== undefined) return installed;
  const version = (require('kafkajs/package.json') as { version: string }).version;
  if (version !== KAFKAJS_VERSION) return (installed = false);
  const RequestQueue = require('kafkajs/src/network/requestQueue/index.js') as {
    prototype: RequestQueueLike;
  };
  const proto = RequestQueue.prototype;
  const schedule = proto.scheduleCheckPendingRequests;
  proto.scheduleCheckPendingRequests = function (this: RequestQueueLike): void {
    if (this.pending.length === 0 && !(this.throttledUntil > Date.now())) return;
    schedule.call(this);
  };
  const destroy = proto.destroy;
  proto.destroy = function (this: RequestQueueLike): void {
    destroy.call(this);
    this.requestTimeoutIntervalId = null;
  };
  // On connect: armed lazily by the first request sent (below), no longer at once.
  proto.scheduleRequestTimeoutCheck = function (this: RequestQueueLike): void {
    if (this.enforceRequestTimeout) this.destroy();
  };
  const send = proto.sendSocketRequest;
  proto.sendSocketRequest = function (this: RequestQueueLike, request: unknown): void {
    send.call(this, request);
    if (!this.enforceRequestTimeout || this.requestTimeoutIntervalId) return;
    this.requestTimeoutIntervalId = setInterval(
      () => {
        this.inflight.forEach((r) => {
          if (Date.now() - r.sentAt > r.requestTimeout) r.timeoutRequest();
        });
        if (this.inflight.size === 0 || !this.isConnected()) {
          clearInterval(this.requestTimeoutIntervalId ?? undefined);
          this.requestTimeoutIntervalId = null;
        }
      },
      Math.min(this.requestTimeout, 100),
    );
  };
  return (installed = true);
}
