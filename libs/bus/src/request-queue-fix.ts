import { createRequire } from 'node:module';

// kafkajs 2.2.4's RequestQueue (one per broker connection) re-arms `setTimeout(check, throttledUntil -
// Date.now())` after every check even when nothing is pending and nothing is throttled: `throttledUntil` is
// -1, the delay negative, Node turns it into 1 ms (and warns, TimeoutNegativeWarning, since Node 24) — a
// 1 ms timer loop per connection for as long as it is open (tulios/kafkajs#1556, #1704, #1751; fix
// proposed in PR #1667, never released). Idle, that was nearly all of the collector's CPU (about 1 CPU s
// per minute). With nothing pending and no throttle there is nothing to check later: `push` checks again
// when a request waits, and every answered request runs the check.

const require = createRequire(import.meta.url);
const KAFKAJS_VERSION = '2.2.4';

interface RequestQueueLike {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: unknown;
  scheduleCheckPendingRequests: (this: RequestQueueLike) => void;
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
  const original = RequestQueue.prototype.scheduleCheckPendingRequests;
  RequestQueue.prototype.scheduleCheckPendingRequests = function (this: RequestQueueLike): void {
    if (this.pending.length === 0 && !(this.throttledUntil > Date.now())) return;
    original.call(this);
  };
  return (installed = true);
}
