import { KhError } from '@kube-herald/errors';
import type { JsonObject } from './types.js';

/** A `meta/v1 Status` object as the API server returns it for failures. */
export interface StatusObject extends JsonObject {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: JsonObject;
  status: 'Failure';
  message: string;
  reason: string;
  code: number;
  details?: JsonObject;
}

/** Builds a failure `Status` object. */
export function statusObject(
  code: number,
  reason: string,
  message: string,
  details?: JsonObject,
): StatusObject {
  const s: StatusObject = {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    code,
  };
  if (details) s.details = details;
  return s;
}

/**
 * An API failure with its HTTP Status object. `code` is stable: `KUBE_` + the Status reason in
 * upper snake case (e.g. `KUBE_NOT_FOUND`, `KUBE_CONFLICT`, `KUBE_EXPIRED`).
 */
export class KubeApiError extends KhError {
  readonly status: StatusObject;

  constructor(status: StatusObject) {
    super(`KUBE_${status.reason.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`, status.message, {
      details: { httpStatus: status.code },
    });
    this.name = 'KubeApiError';
    this.status = status;
  }
}

/** `<plural>[.<group>]`, the resource name used in Status messages. */
export function qualifiedResource(plural: string, group: string): string {
  return group ? `${plural}.${group}` : plural;
}

/** 404 NotFound for a named object. */
export function notFound(plural: string, group: string, name: string): KubeApiError {
  return new KubeApiError(
    statusObject(404, 'NotFound', `${qualifiedResource(plural, group)} "${name}" not found`, {
      name,
      ...(group ? { group } : {}),
      kind: plural,
    }),
  );
}

/** 409 AlreadyExists on create. */
export function alreadyExists(plural: string, group: string, name: string): KubeApiError {
  return new KubeApiError(
    statusObject(409, 'AlreadyExists', `${qualifiedResource(plural, group)} "${name}" already exists`, {
      name,
      ...(group ? { group } : {}),
      kind: plural,
    }),
  );
}

/** 409 Conflict on an update carrying a stale resourceVersion. */
export function conflict(plural: string, group: string, name: string): KubeApiError {
  return new KubeApiError(
    statusObject(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedResource(plural, group)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      { name, ...(group ? { group } : {}), kind: plural },
    ),
  );
}

/** 410 Expired: a resourceVersion older than the retained history. */
export function tooOld(requested: number, oldest: number): KubeApiError {
  return new KubeApiError(statusObject(410, 'Expired', `too old resource version: ${requested} (${oldest})`));
}

/** 400 BadRequest. */
export function badRequest(message: string): KubeApiError {
  return new KubeApiError(statusObject(400, 'BadRequest', message));
}

/** 422 Invalid. */
export function invalid(plural: string, group: string, name: string, message: string): KubeApiError {
  return new KubeApiError(
    statusObject(422, 'Invalid', `${qualifiedResource(plural, group)} "${name}" is invalid: ${message}`, {
      name,
      ...(group ? { group } : {}),
      kind: plural,
    }),
  );
}
