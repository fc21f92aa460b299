import { KhError } from '@kube-herald/errors';

/** Stable codes of the errors thrown by the Feishu client. */
export type FeishuErrorCode = 'feishu_invalid_webhook' | 'feishu_invalid_body' | 'feishu_invalid_options';

/**
 * Error thrown by the Feishu client for caller mistakes (never for Feishu answers, which are returned as a
 * `SendOutcome`). Always `permanent`. Its message never contains the webhook URL, its token or the secret.
 */
export class FeishuError extends KhError {
  declare readonly code: FeishuErrorCode;

  constructor(code: FeishuErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, {
      verdict: 'permanent',
      ...(options?.cause === undefined ? {} : { cause: options.cause }),
    });
    this.name = 'FeishuError';
  }
}
