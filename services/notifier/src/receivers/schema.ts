import { z } from 'zod';
import { durationMs } from '@kube-herald/config';
import type { Receiver } from '../model.js';
import type { ReceiverDeps } from './receiver-deps.js';

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false; // RangeError is the answer to the question, not a failure
  }
}

/**
 * The fields every receiver type has. A type's schema extends it with `type: z.literal('<type>')` and its
 * own fields. `webhook`/`secret` (or their `*File` forms) are secrets: the loader moves them into
 * `config.secrets` and removes them from the validated config.
 */
export const baseReceiverSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'use letters, digits, ".", "_" and "-"'),
  webhook: z.string().min(1).optional(),
  webhookFile: z.string().min(1).optional(),
  secret: z.string().min(1).optional(),
  secretFile: z.string().min(1).optional(),
  /** Test only: accept an http:// webhook (a local stand-in, loopback included); https otherwise. */
  insecureHttp: z.boolean().default(false),
  locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
  timeZone: z.string().refine(validTimeZone, 'unknown IANA time zone').default('Asia/Shanghai'),
  /** Messages per minute for this robot, fleet-wide (a type may lower the bound to its platform's). */
  ratePerMinute: z.number().int().positive().default(18),
  timeoutMs: durationMs.default(5000),
  /** `{{var}}` templates for title and text (variables: render/README.md). */
  template: z.object({ title: z.string().optional(), text: z.string().optional() }).optional(),
});

/** The secrets of one receiver, resolved at load time. Never serialized, never logged. */
export interface ReceiverSecrets {
  readonly webhook: string;
  readonly secret?: string;
}

/** A type's receiver as validated, secrets removed (they live in `config.secrets`). */
export type ConfigOf<S extends z.ZodType> = Omit<z.output<S>, 'webhook' | 'secret'>;

/**
 * One receiver type: its folder's `index.ts` exports one of these and registry.ts lists it.
 * `validateWebhookUrl` returns the problems of a resolved webhook (never quoting it: it is a secret).
 */
export interface ReceiverModule<T extends string, S extends z.ZodType<{ type: T }>> {
  readonly type: T;
  readonly schema: S;
  readonly create: (cfg: ConfigOf<S>, secrets: ReceiverSecrets, deps?: ReceiverDeps) => Receiver;
  readonly validateWebhookUrl: (webhook: string, insecureHttp: boolean) => string[];
}

/** Checks a {@link ReceiverModule} (inference of its config type from the schema). */
export function defineReceiver<T extends string, S extends z.ZodType<{ type: T }>>(
  m: ReceiverModule<T, S>,
): ReceiverModule<T, S> {
  return m;
}

/**
 * The check every webhook gets: an absolute http(s) URL, https unless `insecureHttp` (the stand-ins of
 * tests, benches and the demo). `label` names it in messages ("a DingTalk webhook"). Returns the URL to
 * check further, or undefined when it is not one.
 */
export function checkHttpsUrl(
  webhook: string,
  insecureHttp: boolean,
  label: string,
  problems: string[],
): URL | undefined {
  let url: URL;
  try {
    url = new URL(webhook);
  } catch {
    problems.push('webhook is not an absolute URL'); // the URL itself is a secret
    return undefined;
  }
  if (!/^https?:$/.test(url.protocol)) problems.push('webhook must be http(s)');
  else if (url.protocol === 'http:' && !insecureHttp)
    problems.push(`${label} must be https (set insecureHttp: true for a local stand-in)`);
  return url;
}

/**
 * A type's `validateWebhookUrl`: {@link checkHttpsUrl}, then, when it is a URL, the platform's own shape
 * (`shape.ok`), `shape.problem` when the URL does not have it. Messages never quote the URL: it is a secret.
 */
export function webhookValidator(
  label: string,
  shape?: { ok(url: URL): boolean; problem: string },
): (webhook: string, insecureHttp: boolean) => string[] {
  return (webhook, insecureHttp) => {
    const problems: string[] = [];
    const url = checkHttpsUrl(webhook, insecureHttp, label, problems);
    if (url && shape && !shape.ok(url)) problems.push(shape.problem);
    return problems;
  };
}
