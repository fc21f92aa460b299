import { isKhError } from '@kube-herald/errors';

export * from '@kube-herald/wecom';

/** A WecomError thrown for a malformed message input. */
export function isWecomErrorLike(e: unknown): boolean {
  return isKhError(e, 'wecom_invalid_body');
}
