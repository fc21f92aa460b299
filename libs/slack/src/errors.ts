import { KhError } from '@kube-herald/errors';

/** Stable codes of the errors thrown by the Slack library. */
export type SlackErrorCode =
  'slack_invalid_webhook' | 'slack_invalid_body' | 'slack_invalid_options' | 'slack_invalid_mention';

/**
 * Error thrown by the Slack library for caller mistakes (never for Slack's answers, which are returned
 * as a `SendOutcome`). Always `permanent`. Its message never contains the webhook URL.
 */
export class SlackError extends KhError {
  declare readonly code: SlackErrorCode;

  constructor(code: SlackErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, {
      verdict: 'permanent',
      ...(options?.cause === undefined ? {} : { cause: options.cause }),
    });
    this.name = 'SlackError';
  }
}
