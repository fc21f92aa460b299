import { KhError } from '@kube-herald/errors';

/** Stable codes of the stand-in's errors. */
export type StandinErrorCode =
  'standin_invalid_options' | 'standin_invalid_bots' | 'standin_not_started' | 'standin_unknown_bot';

/** Error thrown by the stand-in for misuse; carries a stable `code`. */
export class StandinError extends KhError {
  declare readonly code: StandinErrorCode;

  constructor(code: StandinErrorCode, message: string) {
    super(code, message, { verdict: 'permanent' });
    this.name = 'StandinError';
  }
}
