import { KhError } from '@kube-herald/errors';

/** Stable codes of the errors thrown by the WeCom client. */
export type WecomErrorCode = 'wecom_invalid_webhook' | 'wecom_invalid_body' | 'wecom_invalid_options';

/**
 * Error thrown by the WeCom client for caller mistakes (never for WeCom answers, which are returned as
 * a `SendOutcome`). Always `permanent`. Its message never contains the webhook URL or the robot key.
 */
export class WecomError extends KhError {
  declare readonly code: WecomErrorCode;

  constructor(code: WecomErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, {
      verdict: 'permanent',
      ...(options?.cause === undefined ? {} : { cause: options.cause }),
    });
    this.name = 'WecomError';
  }
}
