import { KhError } from '@kube-herald/errors';

/** Stable codes of the errors thrown by the DingTalk client. */
export type DingtalkErrorCode =
  'dingtalk_invalid_webhook' | 'dingtalk_invalid_body' | 'dingtalk_invalid_options';

/**
 * Error thrown by the DingTalk client for caller mistakes (never for DingTalk answers, which are
 * returned as a `SendOutcome`). Always `permanent`. Its message never contains a webhook URL, token
 * or secret.
 */
export class DingtalkError extends KhError {
  declare readonly code: DingtalkErrorCode;

  constructor(code: DingtalkErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, {
      verdict: 'permanent',
      ...(options?.cause === undefined ? {} : { cause: options.cause }),
    });
    this.name = 'DingtalkError';
  }
}
