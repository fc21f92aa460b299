import { errorCode } from '@kube-herald/errors';
import type { DeliveryOutcome } from '../model.js';

/** The classified part of a chat client's send outcome (DingTalk, WeCom, Feishu). */
export interface ClassifiedSend {
  readonly verdict: DeliveryOutcome['verdict'];
  readonly code: string;
  readonly errcode?: number | undefined;
  readonly errmsg?: string | undefined;
  readonly hint?: string | undefined;
  readonly ambiguous?: boolean | undefined;
  readonly durationMs: number;
}

/** Copies only the classified fields: nothing that could carry the webhook, its key or token, or a secret. */
export function classifiedOutcome(out: ClassifiedSend): DeliveryOutcome {
  return {
    verdict: out.verdict,
    code: out.code,
    ...(out.errcode === undefined ? {} : { errcode: out.errcode }),
    ...(out.errmsg === undefined ? {} : { errmsg: out.errmsg }),
    ...(out.hint === undefined ? {} : { hint: out.hint }),
    ...(out.ambiguous === true ? { ambiguous: true } : {}),
    durationMs: out.durationMs,
  };
}

/**
 * Runs a client's send. A rejection with the client's own error class is a caller mistake (bad webhook,
 * unserializable body): retrying cannot help, so it becomes a permanent outcome that keeps only the
 * error's code (the clients' errors never carry the URL or a secret). Other rejections propagate.
 */
export async function sendOrPermanent(
  clientError: abstract new (...args: never[]) => Error,
  send: () => Promise<DeliveryOutcome>,
): Promise<DeliveryOutcome> {
  const started = Date.now();
  try {
    return await send();
  } catch (err) {
    if (!(err instanceof clientError)) throw err;
    return { verdict: 'permanent', code: errorCode(err), durationMs: Date.now() - started };
  }
}
