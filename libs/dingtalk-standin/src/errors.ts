/** Stable codes of the stand-in's errors. */
export type StandinErrorCode = 'standin_invalid_robots' | 'standin_not_started' | 'standin_unknown_robot';

/** Error thrown by the stand-in for misuse; carries a stable `code`. */
export class StandinError extends Error {
  readonly code: StandinErrorCode;

  constructor(code: StandinErrorCode, message: string) {
    super(message);
    this.name = 'StandinError';
    this.code = code;
  }
}
