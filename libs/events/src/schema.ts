import { z } from 'zod';

/** Value of the `schema` field and of the Kafka `schema` header for version 1. */
export const EVENT_SCHEMA_V1 = 'kube-herald.event/v1';

const isoTime = z.iso.datetime({ offset: true });

/** A reference to a Kubernetes object (involvedObject / regarding / related). */
export const objectRefSchema = z.object({
  kind: z.string(),
  namespace: z.string(),
  name: z.string(),
  uid: z.string(),
  apiVersion: z.string(),
  resourceVersion: z.string().optional(),
  fieldPath: z.string().optional(),
});

/** One link of the owner chain, nearest first (Pod -> ReplicaSet -> Deployment). */
export const ownerRefSchema = z.object({ kind: z.string(), name: z.string(), uid: z.string() });

/** The normalized Kubernetes Event as carried on Kafka, version 1. */
export const eventV1Schema = z.object({
  schema: z.literal(EVENT_SCHEMA_V1),
  occurrenceId: z.string().min(1),
  incidentKey: z.string().min(1),
  cluster: z.object({ id: z.string().min(1), name: z.string() }),
  type: z.enum(['Normal', 'Warning']),
  reason: z.string(),
  message: z.string(),
  action: z.string().optional(),
  count: z.number().int().nonnegative(),
  firstSeen: isoTime,
  lastSeen: isoTime,
  /** MicroTime of the first observation, ISO 8601 UTC with its original fractional digits. */
  eventTime: isoTime.optional(),
  /** Present when the source carried `series` (events.k8s.io semantics of repetition). */
  series: z
    .object({ count: z.number().int().nonnegative(), lastObservedTime: isoTime.optional() })
    .optional(),
  source: z.object({ component: z.string(), host: z.string() }),
  reportingController: z.string().optional(),
  reportingInstance: z.string().optional(),
  involvedObject: objectRefSchema,
  related: objectRefSchema.optional(),
  owners: z.array(ownerRefSchema).optional(),
  labels: z.record(z.string(), z.string()).optional(),
  event: z.object({
    apiVersion: z.string(),
    namespace: z.string(),
    name: z.string(),
    uid: z.string(),
    resourceVersion: z.string(),
    /** `metadata.creationTimestamp`, ISO 8601 UTC, when the source had a valid one. */
    creationTimestamp: isoTime.optional(),
  }),
  /** Fields of the source object that have no place above, kept verbatim so nothing is lost. */
  extra: z.record(z.string(), z.unknown()).optional(),
  observedAt: isoTime,
  collector: z.object({ instance: z.string(), version: z.string() }),
});

export type EventV1 = z.infer<typeof eventV1Schema>;
/** Event type as published; Kubernetes only defines these two. */
export type EventType = EventV1['type'];
export type ObjectRef = z.infer<typeof objectRefSchema>;
export type OwnerRef = z.infer<typeof ownerRefSchema>;
