import { KhError } from '@kube-herald/errors';

/** Stable codes of the errors thrown by {@link postJson} for caller mistakes. */
export type WebhookHttpErrorCode = 'webhook_invalid_url' | 'webhook_invalid_body' | 'webhook_invalid_options';

/**
 * A caller mistake (bad URL, unserializable body, bad options): never an answer of the remote, which is
 * returned as a result. Always `permanent`. Its message never contains the URL (it may carry a token).
 */
export class WebhookHttpError extends KhError {
  declare readonly code: WebhookHttpErrorCode;

  constructor(code: WebhookHttpErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, {
      verdict: 'permanent',
      ...(options?.cause === undefined ? {} : { cause: options.cause }),
    });
    this.name = 'WebhookHttpError';
  }
}
