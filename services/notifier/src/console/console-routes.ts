import type { IncomingMessage, ServerResponse } from 'node:http';
import { isKhError, errorCode } from '@kube-herald/errors';
import type { Logger } from '@kube-herald/logging';
import type { Counter } from '@kube-herald/observability';
import type { ConsoleActions } from './console-actions.js';
import { previewSilence } from './console-actions.js';
import type { Snapshot } from './views.js';
import type { WhyAnswer, WhyQuery } from './console-why.js';
import { actionRefusal, field, hostRefused, readJson, sendJson, sendText } from './http-util.js';
import { CONSOLE_CSS, consolePage } from './console-page.js';
import { CONSOLE_JS } from './console-script.js';
import type { SseHub } from './sse-hub.js';

/** What the routes serve from. */
export interface RouteDeps {
  readonly snapshot: () => Promise<Snapshot>;
  readonly actions: ConsoleActions;
  readonly why: (q: WhyQuery) => Promise<WhyAnswer>;
  readonly hub: SseHub;
  readonly adminToken: string | undefined;
  readonly log: Logger;
  /** `kube_herald_console_requests_total{route,status}` (route: a known route or `other`). */
  readonly requests?: Counter<'route' | 'status'>;
  /** Bound to a loopback address: answer only requests addressed to 127.0.0.1 / localhost / [::1]. */
  readonly loopbackOnly?: boolean;
}

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

function remoteOf(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? '';
}

/** Body, actor and refusal check of an action; undefined when refused (the answer is sent). */
async function admit(deps: RouteDeps, req: IncomingMessage, res: ServerResponse) {
  const refusal = actionRefusal(req, deps.adminToken);
  if (refusal) {
    deps.log.warn({ remote: remoteOf(req), path: req.url, status: refusal[0] }, 'console action refused');
    sendJson(res, refusal[0], { error: refusal[1] });
    return undefined;
  }
  const body = await readJson(req);
  return { body, actor: { by: field(body, 'by', 100), remote: remoteOf(req) } };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && s.trim() !== '') : [];
}

function readRoutes(deps: RouteDeps): Record<string, Handler> {
  return {
    'GET /': async (req, res, url) => {
      const lang =
        url.searchParams.get('lang') ??
        (/^en\b/i.test(req.headers['accept-language'] ?? '') ? 'en' : 'zh-CN');
      sendText(res, 'text/html', consolePage(lang === 'en' ? 'en' : 'zh-CN', deps.adminToken !== undefined));
      return Promise.resolve();
    },
    'GET /console.js': async (_req, res) => Promise.resolve(sendText(res, 'text/javascript', CONSOLE_JS)),
    'GET /console.css': async (_req, res) => Promise.resolve(sendText(res, 'text/css', CONSOLE_CSS)),
    'GET /healthz': async (_req, res) => Promise.resolve(sendJson(res, 200, { ok: true })),
    'GET /api/snapshot': async (_req, res) => sendJson(res, 200, await deps.snapshot()),
    'GET /api/stream': async (req, res) => Promise.resolve(deps.hub.add(req, res)),
    'GET /api/audit': async (_req, res) => sendJson(res, 200, { entries: await deps.actions.audit() }),
    'POST /api/silences/preview': async (req, res) => {
      const body = await readJson(req);
      const snap = await deps.snapshot();
      sendJson(res, 200, previewSilence(strings(body.matchers), snap.incidents));
    },
    'POST /api/why': async (req, res) => {
      const body = await readJson(req);
      const q: WhyQuery = {
        ...(body.event === undefined ? {} : { event: body.event }),
        ...(typeof body.occurrenceId === 'string' ? { occurrenceId: body.occurrenceId } : {}),
        ...(typeof body.incidentKey === 'string' ? { incidentKey: body.incidentKey } : {}),
      };
      sendJson(res, 200, await deps.why(q));
    },
  };
}

function actionRoutes(deps: RouteDeps): Record<string, Handler> {
  return {
    'POST /api/silences': async (req, res) => {
      const ok = await admit(deps, req, res);
      if (!ok) return;
      const silence = await deps.actions.createSilence(ok.actor, {
        matchers: strings(ok.body.matchers),
        for: field(ok.body, 'for', 20),
        comment: field(ok.body, 'comment'),
      });
      deps.hub.poke();
      sendJson(res, 200, { silence });
    },
    'POST /api/silences/expire': async (req, res) => {
      const ok = await admit(deps, req, res);
      if (!ok) return;
      const silence = await deps.actions.expireSilence(ok.actor, field(ok.body, 'id', 100));
      deps.hub.poke();
      sendJson(res, 200, { silence });
    },
    'POST /api/failed/retry': async (req, res) => {
      const ok = await admit(deps, req, res);
      if (!ok) return;
      const ids = strings(ok.body.ids);
      if (ok.body.all !== true && ids.length === 0) {
        sendJson(res, 400, { error: 'give ids or all: true' });
        return;
      }
      const retried = await deps.actions.retry(ok.actor, ok.body.all === true ? { all: true } : { ids });
      deps.hub.poke();
      sendJson(res, 200, { retried });
    },
  };
}

/** The console's request handler: page, JSON API, live stream and actions. */
export function createConsoleHandler(deps: RouteDeps) {
  const table = { ...readRoutes(deps), ...actionRoutes(deps) };
  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://console.invalid');
    const route = `${req.method ?? 'GET'} ${url.pathname}`;
    const handler = table[route];
    res.once('finish', () =>
      deps.requests?.inc({ route: handler ? route : 'other', status: String(res.statusCode) }),
    );
    if (hostRefused(req, deps.loopbackOnly === true)) {
      sendJson(res, 421, { error: 'this console answers only on 127.0.0.1 / localhost' });
      return;
    }
    if (!handler) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    handler(req, res, url).catch((err: unknown) => {
      const bad = isKhError(err, 'console_bad_request') || isKhError(err, 'silence_invalid');
      const missing = isKhError(err, 'silence_not_found');
      if (!bad && !missing)
        deps.log.warn({ err, code: errorCode(err), path: url.pathname }, 'console request failed');
      if (res.headersSent) {
        res.end();
        return;
      }
      const message = bad || missing ? (err as Error).message : 'internal error (see the notifier log)';
      sendJson(res, bad ? 400 : missing ? 404 : 500, { error: message });
    });
  };
}
