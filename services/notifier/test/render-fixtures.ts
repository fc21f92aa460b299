import type { z } from 'zod';
import type { Digest, IncidentSummary } from '../src/model.js';
import type { RenderOptions } from '../src/receivers/dingtalk/index.js';
import type { ConfigOf } from '../src/receivers/schema.js';

export const cluster = { id: 'prod-hz', name: '杭州生产' };

export function incident(o: Partial<IncidentSummary> = {}): IncidentSummary {
  return {
    incidentKey: `prod-hz/payments/Pod/${o.object?.name ?? 'payments-api-7d9f8-x2kq'}/${o.reason ?? 'BackOff'}`,
    status: 'new',
    type: 'Warning',
    reason: 'BackOff',
    message: 'Back-off restarting failed container api in pod payments-api-7d9f8-x2kq',
    cluster,
    namespace: 'payments',
    object: { kind: 'Pod', name: 'payments-api-7d9f8-x2kq' },
    owner: { kind: 'Deployment', name: 'payments-api' },
    newOccurrences: 57,
    count: 57,
    firstSeen: '2025-03-01T02:02:11Z',
    lastSeen: '2025-03-01T02:14:40Z',
    ...o,
  };
}

export function digest(incidents: IncidentSummary[], o: Partial<Digest> = {}): Digest {
  return {
    receiver: 'oncall',
    groupKey: 'oncall|cluster=prod-hz|namespace=payments',
    groupLabels: { cluster: 'prod-hz', namespace: 'payments' },
    incidents,
    totals: {
      occurrences: incidents.reduce((n, i) => n + i.newOccurrences, 0),
      incidents: incidents.length,
      newIncidents: incidents.filter((i) => i.status === 'new').length,
      objects: new Set(incidents.map((i) => i.object.name)).size,
    },
    windowStart: '2025-03-01T02:00:00Z',
    windowEnd: '2025-03-01T02:15:00Z',
    ...o,
  };
}

export const zhMarkdown: RenderOptions = {
  msgType: 'markdown',
  locale: 'zh-CN',
  timeZone: 'Asia/Shanghai',
  keywords: [],
  mentions: { mobiles: ['13800000001'], userIds: [], atAll: false },
};

/** A receiver's config as the loader leaves it: parsed by the type's schema, the secrets (webhook, secret) removed. */
export function loadedConfig<
  S extends z.ZodType<{ webhook?: string | undefined; secret?: string | undefined }>,
>(schema: S, input: Record<string, unknown>): ConfigOf<S> {
  const { webhook: _w, secret: _s, ...cfg } = schema.parse({ webhook: 'x', ...input });
  return cfg;
}
