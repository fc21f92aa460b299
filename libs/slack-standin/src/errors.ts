import { KhError } from '@kube-herald/errors';

/** Stable codes of the stand-in's errors. */
export type SlackStandinErrorCode =
  | 'slack_standin_invalid_options'
  | 'slack_standin_invalid_channels'
  | 'slack_standin_not_started'
  | 'slack_standin_unknown_channel';

/** Error thrown by the Slack stand-in for misuse; carries a stable `code`. */
export class SlackStandinError extends KhError {
  declare readonly code: SlackStandinErrorCode;

  constructor(code: SlackStandinErrorCode, message: string) {
    super(code, message, { verdict: 'permanent' });
    this.name = 'SlackStandinError';
  }
}
