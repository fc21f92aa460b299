import type { Queue } from 'bullmq';
import { classify } from '@kube-herald/dingtalk';
import { listFailed } from '../failed.js';
import type { DeliveryJobData } from '../scheduler.js';
import type { FailedView } from './views.js';

/** `scheme://host/…` plus a masked token: enough to recognise a robot, never enough to use it. */
export function maskWebhook(webhook: string | undefined): string {
  if (webhook === undefined) return '';
  try {
    const u = new URL(webhook);
    const token = u.searchParams.has('access_token') ? '?access_token=***' : '';
    return `${u.protocol}//${u.host}${u.pathname.length > 1 ? '/…' : '/'}${token}`;
  } catch {
    return '***';
  }
}

const SECURITY_ERRMSG: Readonly<Record<string, string>> = {
  security_keyword: 'keywords not in content',
  security_sign: 'sign not match',
  security_timestamp: 'invalid timestamp',
  security_ip: 'ip not in whitelist',
};

/** errcode and code out of the failed reason (`permanent errcode=310000 code=security_keyword`), with the hint. */
export function failedDetail(reason: string): { errcode: string; code: string; hint: string } {
  const transient = /transient delivery failure: (\S+)/.exec(reason)?.[1];
  if (transient !== undefined)
    return { errcode: '', code: transient, hint: 'transient failures until the attempts ran out: retry' };
  const errcode = /errcode=(\S+)/.exec(reason)?.[1] ?? '';
  const code = /code=(\S+)$/.exec(reason)?.[1] ?? '';
  const n = Number(errcode);
  if (!Number.isInteger(n) || errcode === '') return { errcode, code, hint: reason };
  const errmsg = SECURITY_ERRMSG[code] ?? '';
  const c = classify({ kind: 'http', status: 200, body: JSON.stringify({ errcode: n, errmsg }) });
  return { errcode, code: code || c.code, hint: c.hint ?? '' };
}

const FAILED_LIMIT = 200;

/** The newest failed deliveries with errcode, code and hint. */
export async function failedViews(queue: Queue<DeliveryJobData>): Promise<FailedView[]> {
  return (await listFailed(queue, FAILED_LIMIT)).map((f) => ({
    id: f.id,
    receiver: f.receiver,
    gid: f.gid,
    failedAtMs: f.finishedOn,
    attempts: f.attemptsMade,
    reason: f.failedReason,
    ...failedDetail(f.failedReason),
  }));
}
