import { z } from 'zod';
import { durationMs } from '@kube-herald/config';
import { GROUP_LABELS } from '../model.js';
import { isEventField } from './fields.js';
import { regexProblem } from './matcher.js';

/** A pattern: a regex compiled anchored (`^(?:…)$`); a bad pattern fails at load with its path. */
const patternSchema = z.string().superRefine((v, ctx) => {
  const problem = regexProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const fieldName = z.string().refine(isEventField, {
  message:
    'unknown field (use cluster, clusterName, namespace, kind, name, reason, type, message, component, reportingController, owner, ownerKind, ownerName or labels.<key>)',
});

/** `{ field: regex, … }` — every entry must match (AND). */
export const fieldPatternsSchema = z.record(fieldName, patternSchema);

/** A drop rule or a list of them; each rule is a `{ field: regex }` map that must fully match. */
const dropSchema = z
  .union([fieldPatternsSchema, z.array(fieldPatternsSchema)])
  .transform((v) => (Array.isArray(v) ? v : [v]));

/**
 * One node of the route tree (Alertmanager-like, see routing/README.md). Settings not given are
 * inherited from the parent; the root inherits the defaults.
 */
export const routeSchema = z.object({
  name: z.string().min(1).optional(),
  match: fieldPatternsSchema.optional(),
  matchNot: fieldPatternsSchema.optional(),
  drop: dropSchema.optional(),
  receiver: z.string().min(1).optional(),
  continue: z.boolean().optional(),
  minCount: z.number().int().nonnegative().optional(),
  groupBy: z.array(z.enum(GROUP_LABELS)).optional(),
  groupWait: durationMs.optional(),
  groupInterval: durationMs.optional(),
  repeatInterval: durationMs.optional(),
  /** An incident without a new occurrence for this long is reported once as resolved; 0 disables. */
  resolveAfter: durationMs.optional(),
  get routes(): z.ZodOptional<z.ZodArray<typeof routeSchema>> {
    return z.array(routeSchema).optional();
  },
});

/** A route as validated (durations in milliseconds, drop always a list). */
export type RouteConfig = z.output<typeof routeSchema>;
/** A route as written in YAML. */
export type RouteConfigInput = z.input<typeof routeSchema>;
