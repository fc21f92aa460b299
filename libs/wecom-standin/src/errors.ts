import { KhError } from '@kube-herald/errors';

/** Stable codes of the stand-in's errors. */
export type WecomStandinErrorCode =
  | 'wecom_standin_invalid_options'
  | 'wecom_standin_invalid_robots'
  | 'wecom_standin_not_started'
  | 'wecom_standin_unknown_robot';

/** Error thrown by the stand-in for misuse; carries a stable `code`. */
export class WecomStandinError extends KhError {
  declare readonly code: WecomStandinErrorCode;

  constructor(code: WecomStandinErrorCode, message: string) {
    super(code, message, { verdict: 'permanent' });
    this.name = 'WecomStandinError';
  }
}
