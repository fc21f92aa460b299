import type * as Http from 'node:http';
import type * as Https from 'node:https';
import { createRequire } from 'node:module';

// An ES-module import of `node:http` builds its namespace from every export, so Node evaluates the lazy
// `WebSocket`, `CloseEvent` and `MessageEvent` getters and loads its bundled undici, http2 and
// worker_threads: +17 MB RSS in an otherwise idle process (Node 24, measured with `VmRSS`). `require()`
// keeps those getters lazy (+3 MB). Long-running services take `http` and `https` from here.
const require = createRequire(import.meta.url);

/** `node:http`, loaded without evaluating its lazy exports. */
export const http = require('node:http') as typeof Http;
/** `node:https`, loaded without evaluating its lazy exports. */
export const https = require('node:https') as typeof Https;
