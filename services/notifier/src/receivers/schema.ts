import { z } from 'zod';
import { durationMs } from '@kube-herald/config';

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false; // RangeError is the answer to the question, not a failure
  }
}

/** Receiver types known to the registry (see receivers/registry.ts). */
export const RECEIVER_TYPES = ['dingtalk', 'webhook'] as const;
export type ReceiverType = (typeof RECEIVER_TYPES)[number];

/**
 * One receiver as written in the config. `webhook`/`secret` (or their `*File` forms) are secrets: the
 * loader moves them into `config.secrets` and removes them from the validated config.
 */
export const receiverSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'use letters, digits, ".", "_" and "-"'),
    type: z.enum(RECEIVER_TYPES),
    webhook: z.string().min(1).optional(),
    webhookFile: z.string().min(1).optional(),
    secret: z.string().min(1).optional(),
    secretFile: z.string().min(1).optional(),
    /** Test only: accept an http:// webhook (a local stand-in, loopback included); https otherwise. */
    insecureHttp: z.boolean().default(false),
    /** DingTalk security keywords: one is added to the visible text when the message lacks them all. */
    keywords: z.array(z.string().min(1)).max(10).default([]),
    msgType: z.enum(['markdown', 'text', 'actionCard']).default('markdown'),
    locale: z.enum(['zh-CN', 'en']).default('zh-CN'),
    timeZone: z.string().refine(validTimeZone, 'unknown IANA time zone').default('Asia/Shanghai'),
    mentions: z
      .object({
        mobiles: z.array(z.string().regex(/^\+?[\d-]{5,20}$/, 'not a mobile number')).default([]),
        userIds: z.array(z.string().min(1)).default([]),
        atAll: z.boolean().default(false),
        /** Involved-object label whose value (comma separated) lists mobiles/user ids to mention. */
        fromLabel: z.string().min(1).optional(),
      })
      .prefault({}),
    /** Messages per minute for this robot, fleet-wide (DingTalk allows 20). */
    ratePerMinute: z
      .number()
      .int()
      .positive()
      .max(20, 'DingTalk allows at most 20 messages per minute')
      .default(18),
    timeoutMs: durationMs.default(5000),
    /** The button of an actionCard message (DingTalk requires one): e.g. a Grafana or runbook link. */
    actionCard: z
      .object({ title: z.string().min(1).default('查看详情'), url: z.url({ protocol: /^https?$/ }) })
      .optional(),
    /** `{{var}}` templates for title and text (variables: see render/README.md). */
    template: z.object({ title: z.string().optional(), text: z.string().optional() }).optional(),
  })
  .refine((r) => r.msgType !== 'actionCard' || r.actionCard !== undefined, {
    message: 'msgType actionCard needs actionCard.url (DingTalk rejects an actionCard without a button)',
    path: ['actionCard'],
  });

/** A receiver as validated, secrets removed (they live in `config.secrets`). */
export type ReceiverConfig = Omit<z.output<typeof receiverSchema>, 'webhook' | 'secret'>;

/** The secrets of one receiver, resolved at load time. Never serialized, never logged. */
export interface ReceiverSecrets {
  readonly webhook: string;
  readonly secret?: string;
}
