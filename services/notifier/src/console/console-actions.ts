import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { EventV1 } from '@kube-herald/events';
import { KhError } from '@kube-herald/errors';
import type { Logger } from '@kube-herald/logging';
import { retryFailed } from '../failed.js';
import { compileMatcher, matcherMatches, parseMatcher } from '../routing/matcher.js';
import type { Matcher } from '../routing/matcher.js';
import type { DeliveryJobData } from '../scheduler.js';
import type { Silence, SilenceStore } from '../silences/index.js';
import type { GroupStore } from '../store/group-store.js';
import type { IncidentView } from './views.js';

/** One action taken in the console, as the audit trail keeps it. */
export interface AuditEntry {
  readonly at: string;
  readonly by: string;
  readonly action: 'silence.create' | 'silence.expire' | 'failed.retry';
  readonly target: string;
  readonly remote: string;
}

/** Audit entries kept in Redis (`<keys prefix>:console:audit`, newest first), fleet-wide. */
export const AUDIT_LIMIT = 500;

/**
 * `key=regex` is a full-match regex, as in routes and `kube-herald silence add --match`; `key!=v`,
 * `key=~re`, `key!~re` are taken as written.
 */
export function consoleMatcher(text: string): Matcher {
  const t = text.trim();
  try {
    if (/^[A-Za-z][\w./-]*\s*(=~|!~|!=)/.test(t)) return parseMatcher(t);
    const eq = t.indexOf('=');
    if (eq <= 0) throw new KhError('matcher_invalid', `"${t}" is not key=regex`);
    return parseMatcher(`${t.slice(0, eq).trim()}=~${JSON.stringify(t.slice(eq + 1).trim())}`);
  } catch (err) {
    throw new KhError('console_bad_request', err instanceof Error ? err.message : String(err));
  }
}

/** The fields of an incident that matchers read, in the shape of an event (what silences are matched on). */
function incidentAsEvent(i: IncidentView): EventV1 {
  const [ownerKind, ownerName] = i.owner.split('/');
  return {
    cluster: { id: i.cluster, name: i.clusterName },
    involvedObject: { namespace: i.namespace, kind: i.kind, name: i.name },
    reason: i.reason,
    type: i.type,
    message: i.message,
    source: { component: '' },
    ...(ownerKind && ownerName ? { owners: [{ kind: ownerKind, name: ownerName, uid: '' }] } : {}),
  } as unknown as EventV1;
}

/** The open incidents that matchers (console syntax) would silence. */
export function previewSilence(
  texts: readonly string[],
  incidents: readonly IncidentView[],
): { matchers: Matcher[]; incidents: IncidentView[] } {
  if (texts.length === 0) throw new KhError('console_bad_request', 'give at least one matcher');
  const matchers = texts.map(consoleMatcher);
  const compiled = matchers.map(compileMatcher);
  return {
    matchers,
    incidents: incidents.filter((i) => {
      const e = incidentAsEvent(i);
      return compiled.every((m) => matcherMatches(m, e));
    }),
  };
}

/** Dependencies of {@link createConsoleActions}. */
export interface ConsoleActionsDeps {
  readonly redis: Redis;
  readonly prefix: string;
  readonly silences: Pick<SilenceStore, 'add' | 'expire'>;
  readonly queue: Queue<DeliveryJobData>;
  readonly store: GroupStore;
  readonly log: Logger;
  readonly now?: () => number;
}

/** Who acts, from where. */
export interface Actor {
  readonly by: string;
  readonly remote: string;
}

/** The console's write actions; each one is logged and kept in the audit trail with who did it. */
export interface ConsoleActions {
  createSilence(
    actor: Actor,
    input: { matchers: readonly string[]; for: string; comment: string },
  ): Promise<Silence>;
  expireSilence(actor: Actor, id: string): Promise<Silence>;
  retry(actor: Actor, target: { ids: readonly string[] } | { all: true }): Promise<string[]>;
  audit(limit?: number): Promise<AuditEntry[]>;
}

/** Creates the actions. */
export function createConsoleActions(deps: ConsoleActionsDeps): ConsoleActions {
  const log = deps.log.child({ component: 'console-audit' });
  const key = `${deps.prefix}:console:audit`;
  const now = deps.now ?? Date.now;
  const record = async (actor: Actor, action: AuditEntry['action'], target: string): Promise<void> => {
    const entry: AuditEntry = { at: new Date(now()).toISOString(), action, target, ...actor };
    log.info({ ...entry }, `console action ${action}`);
    await deps.redis
      .multi()
      .lpush(key, JSON.stringify(entry))
      .ltrim(key, 0, AUDIT_LIMIT - 1)
      .exec();
  };
  return {
    async createSilence(actor, input) {
      const matchers = input.matchers.map(consoleMatcher);
      const s = await deps.silences.add({
        matchers,
        for: input.for,
        createdBy: actor.by,
        comment: input.comment,
      });
      await record(
        actor,
        'silence.create',
        `${s.id} ${matchers.map((m) => `${m.field}${m.op}${m.value}`).join(',')}`,
      );
      return s;
    },
    async expireSilence(actor, id) {
      const s = await deps.silences.expire(id);
      await record(actor, 'silence.expire', s.id);
      return s;
    },
    async retry(actor, target) {
      const done = await retryFailed(deps.queue, deps.store, target, now());
      await record(actor, 'failed.retry', 'all' in target ? `all (${done.length})` : done.join(','));
      return done;
    },
    async audit(limit = 100) {
      const raw = await deps.redis.lrange(key, 0, Math.min(limit, AUDIT_LIMIT) - 1);
      return raw.flatMap((r) => {
        try {
          return [JSON.parse(r) as AuditEntry];
        } catch {
          return [];
        }
      });
    },
  };
}
