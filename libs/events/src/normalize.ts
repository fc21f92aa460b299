import { isRecord } from './field-reader.js';
import { fromCoreV1 } from './from-core-v1.js';
import { fromEventsV1 } from './from-events-v1.js';
import { failure, type NormalizeContext, type NormalizeResult } from './types.js';

/** apiVersions {@link normalize} understands. */
export const SUPPORTED_API_VERSIONS = ['v1', 'events.k8s.io/v1', 'events.k8s.io/v1beta1'] as const;

// Keys only the events.k8s.io shape has; used when an object lost its apiVersion (pasted payloads).
const EVENTS_API_KEYS = ['regarding', 'note', 'deprecatedSource', 'deprecatedCount', 'reportingController'];

/**
 * Normalizes any supported Event object, dispatching on `apiVersion`. A missing apiVersion is
 * inferred from the shape (with the warning `api_version_inferred:apiVersion`). Never throws.
 */
export function normalize(obj: unknown, ctx: NormalizeContext): NormalizeResult {
  if (!isRecord(obj)) return fromCoreV1(obj, ctx);
  const apiVersion = obj['apiVersion'];
  if (apiVersion === undefined || apiVersion === null || apiVersion === '') {
    const eventsShape = EVENTS_API_KEYS.some((k) => Object.hasOwn(obj, k));
    const result = eventsShape ? fromEventsV1(obj, ctx) : fromCoreV1(obj, ctx);
    return result.ok
      ? { ...result, warnings: ['api_version_inferred:apiVersion', ...result.warnings] }
      : result;
  }
  switch (apiVersion) {
    case 'v1':
      return fromCoreV1(obj, ctx);
    case 'events.k8s.io/v1':
    case 'events.k8s.io/v1beta1':
      return fromEventsV1(obj, ctx);
    default:
      return failure(
        'unsupported_api_version',
        `apiVersion ${JSON.stringify(apiVersion).slice(0, 100)} is not one of ${SUPPORTED_API_VERSIONS.join(', ')}`,
      );
  }
}
