import { z } from 'zod';
import { durationMs } from '@kube-herald/config';

/**
 * `console:` of the notifier config: the operator console on a port of its own, off by default. It binds
 * to 127.0.0.1 unless `host` says otherwise; actions (silence, expire, retry) need the admin token
 * (`adminTokenFile`, or `adminToken` — write `${KH_CONSOLE_TOKEN}` to take it from the environment).
 */
export const consoleConfigSchema = z
  .object({
    enabled: z.boolean().default(false),
    host: z.string().min(1).default('127.0.0.1'),
    port: z.number().int().min(0).max(65_535).default(8090),
    adminToken: z.string().min(16, 'at least 16 characters').optional(),
    adminTokenFile: z.string().min(1).optional(),
    /** Period of the live snapshot pushed to open pages (server-sent events). */
    refresh: durationMs.refine((v) => v >= 200, 'at least 200ms').default(2000),
    /** An incident whose last event is older than this is shown as quiet. */
    quietAfter: durationMs.default(600_000),
    /** How far back the decision-log topic is read at start (for the "why" view). */
    decisionLookback: durationMs.default(3_600_000),
    /** Decision-log lines kept in memory for the "why" view (oldest dropped first). */
    decisionLines: z.number().int().min(100).max(2_000_000).default(200_000),
  })
  .prefault({});
