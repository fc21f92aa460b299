import { KhError, type Verdict } from '@kube-herald/errors';

/** Stable codes of the errors thrown by this library. */
export const BusErrorCode = {
  notStarted: 'BUS_NOT_STARTED',
  closed: 'BUS_CLOSED',
  invalidMessage: 'BUS_INVALID_MESSAGE',
  invalidOptions: 'BUS_INVALID_OPTIONS',
  publishFailed: 'BUS_PUBLISH_FAILED',
  subscribeFailed: 'BUS_SUBSCRIBE_FAILED',
  adminFailed: 'BUS_ADMIN_FAILED',
  unknownTopic: 'BUS_UNKNOWN_TOPIC',
} as const;

/** One of {@link BusErrorCode}. */
export type BusErrorCode = (typeof BusErrorCode)[keyof typeof BusErrorCode];

/** Creates the library's {@link KhError} with one of the {@link BusErrorCode}s. */
export function busError(code: BusErrorCode, message: string, cause?: unknown, verdict?: Verdict): KhError {
  return new KhError(code, message, {
    ...(cause === undefined ? {} : { cause }),
    ...(verdict === undefined ? {} : { verdict }),
  });
}
