import { KhError } from '@kube-herald/errors';

/** `metadata.resourceVersion` of a watch object, when it is a non-empty string. */
export function resourceVersionOf(obj: unknown): string | undefined {
  const meta = (obj as { metadata?: { resourceVersion?: unknown } } | null)?.metadata;
  return typeof meta?.resourceVersion === 'string' && meta.resourceVersion ? meta.resourceVersion : undefined;
}

export function statusOf(obj: unknown): { code: number | undefined; message: string } {
  const s = (obj ?? {}) as { code?: unknown; message?: unknown };
  return {
    code: typeof s.code === 'number' ? s.code : undefined,
    message: typeof s.message === 'string' ? s.message : 'watch error',
  };
}

/** True for 410 Gone / Expired, from a LIST (continue token or RV) or a watch ERROR. */
export function isGone(err: unknown): boolean {
  return err instanceof KhError && err.details?.status === 410;
}
