import { z } from 'zod';
import { durationMs } from '@kube-herald/config';

/**
 * A union told apart by which key is present (`{ node: … }` vs `{ deployment: … }`), so a mistake is
 * reported inside the variant the author meant (`steps.2.event.reason: …`), not as "invalid input".
 */
function keyed<const V extends Record<string, z.ZodType>>(what: string, variants: V) {
  const keys = Object.keys(variants);
  return z.unknown().transform((value, ctx): z.output<V[keyof V]> => {
    const obj = typeof value === 'object' && value !== null && !Array.isArray(value) ? value : {};
    const key = keys.find((k) => k in obj);
    const schema = key === undefined ? undefined : variants[key];
    if (!schema) {
      ctx.addIssue({ code: 'custom', message: `a ${what} needs one of: ${keys.join(', ')}` });
      return z.NEVER;
    }
    const res = schema.safeParse(value);
    if (res.success) return res.data as z.output<V[keyof V]>;
    for (const issue of res.error.issues)
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    return z.NEVER;
  });
}

const name = z.string().regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/, 'use a DNS-1123 name (a-z, 0-9, "-", ".")');

/** A simulated cluster: its id (as the collector reports it) and display name. */
const clusterSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'use letters, digits, ".", "_" or "-"'),
  name: z.string().min(1).optional(),
});

const deploymentSchema = z.strictObject({
  name,
  namespace: name.default('default'),
  replicas: z.number().int().min(1).max(1000).default(2),
  image: z.string().min(1).optional(),
  container: name.optional(),
  /** Nodes the pods are spread over (round robin); default the cluster's first node. */
  nodes: z.array(name).min(1).optional(),
  labels: z.record(z.string(), z.string()).optional(),
});

/** Objects of one cluster, created before the first step. */
const objectsSchema = z.strictObject({
  cluster: z.string().min(1),
  nodes: z.array(name).default([]),
  deployments: z.array(deploymentSchema).default([]),
});

/**
 * What an event is about: a Node, a Deployment, the pods of a Deployment (one by index or all),
 * every pod running on a node, or a standalone object by kind/name.
 */
const targetSchema = keyed('target', {
  node: z.strictObject({ node: name }),
  deployment: z.strictObject({
    deployment: name,
    namespace: name.default('default'),
    pod: z.union([z.number().int().min(0), z.literal('all')]).optional(),
  }),
  podsOnNode: z.strictObject({ podsOnNode: name }),
  kind: z.strictObject({ kind: z.string().min(1), name, namespace: name.optional() }),
});

const repeatSchema = z.strictObject({
  every: durationMs.refine((v) => v >= 100, 'must be at least 100ms'),
  /** How many bumps (count+1 each); default: until the scenario ends. */
  times: z.number().int().min(1).optional(),
});

/** One event written like a recorder would: reason, type, message template, source. */
const eventSchema = z.strictObject({
  reason: z.string().min(1),
  type: z.enum(['Normal', 'Warning']).default('Warning'),
  /** `{name}`, `{namespace}`, `{node}`, `{container}`, `{image}`, `{uid}`, `{deployment}` are filled in. */
  message: z.string().default(''),
  component: z.string().min(1).default('kubelet'),
  /** Source host; `{node}` by default for kubelet-like components. */
  host: z.string().min(1).optional(),
  fieldPath: z.string().min(1).optional(),
  count: z.number().int().min(1).optional(),
});

/** What every step has: when it starts (from the scenario's start), its cluster, and its title on the page. */
const stepFields = {
  at: durationMs.default(0),
  cluster: z.string().min(1),
  title: z.string().optional(),
};

const eventStepSchema = z.strictObject({
  ...stepFields,
  target: targetSchema,
  event: eventSchema,
  repeat: repeatSchema.optional(),
});

/** A node goes NotReady: condition flips, NodeNotReady, then its pods are evicted. */
const nodeNotReadyStepSchema = z.strictObject({
  ...stepFields,
  nodeNotReady: name,
});

/** Many Warnings over many new objects in a short time (grouping and the rate gate). */
const stormStepSchema = z.strictObject({
  ...stepFields,
  storm: z.strictObject({
    namespace: name,
    /** More namespaces the pods are spread over (a Deployment in each): more groups, so the rate gate works. */
    spreadOver: z.array(name).default([]),
    /** Name prefix of the pods created for the storm (`<prefix>-<n>`). */
    prefix: name,
    objects: z.number().int().min(1).max(5000),
    events: z.number().int().min(1).max(100_000),
    over: durationMs.refine((v) => v >= 1000, 'must be at least 1s'),
    reason: z.string().min(1).default('FailedScheduling'),
    message: z.string().min(1),
    component: z.string().min(1).default('default-scheduler'),
  }),
});

/** A steady background of Normal events (Scheduled, Pulled, Created, Started) on a Deployment's pods. */
const backgroundStepSchema = z.strictObject({
  ...stepFields,
  background: z.strictObject({
    deployment: name,
    namespace: name.default('default'),
    every: durationMs.refine((v) => v >= 100, 'must be at least 100ms'),
    times: z.number().int().min(1).optional(),
  }),
});

const stepSchema = keyed('step', {
  event: eventStepSchema,
  nodeNotReady: nodeNotReadyStepSchema,
  storm: stormStepSchema,
  background: backgroundStepSchema,
});

/** A scenario file (YAML): clusters, objects created first, then steps on a timeline. */
export const scenarioSchema = z.strictObject({
  name,
  description: z.string().default(''),
  clusters: z.array(clusterSchema).min(1),
  objects: z.array(objectsSchema).default([]),
  steps: z.array(stepSchema).min(1),
  /** When the scenario is over (repeats stop); default: the last step's start + 5m. */
  duration: durationMs.optional(),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioStep = Scenario['steps'][number];
export type ScenarioTarget = z.output<typeof targetSchema>;
export type ScenarioEvent = z.output<typeof eventSchema>;
export type ScenarioDeployment = z.output<typeof deploymentSchema>;
