import { z } from 'zod';
import type { Logger } from '@kube-herald/logging';

/** SASL mechanisms kafkajs speaks. */
export const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/**
 * The connection fields of every component's `kafka` config section (collector, notifier, replay): the
 * brokers and transport security, one schema, one meaning. `ssl` absent means TLS exactly when SASL is used (credentials never cross the
 * network in clear by default); `ssl: false` with SASL is the explicit choice of a plaintext SASL listener,
 * warned about at start ({@link resolveKafkaTls}). The SASL password comes from `password` (e.g. `${ENV}`)
 * or `passwordFile` (each component reports a SASL section with neither).
 */
export const kafkaSecurityShape = {
  /** `host:port` of one or more brokers: a list, or one comma-separated string (`${KH_KAFKA_BROKERS}`). */
  brokers: z
    .union([z.array(z.string()), z.string()])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^\s:]+:\d{1,5}$/, 'use host:port')).min(1)),
  ssl: z.boolean().optional(),
  sasl: z
    .strictObject({
      mechanism: z.enum(KAFKA_SASL_MECHANISMS),
      username: z.string().min(1),
      password: z.string().min(1).optional(),
      passwordFile: z.string().min(1).optional(),
    })
    .optional(),
} as const;

/** The security fields as parsed by {@link kafkaSecurityShape}. */
export type KafkaSecurityConfig = z.output<z.ZodObject<typeof kafkaSecurityShape>>;

/** Message logged (warn) when SASL runs over a plaintext connection by explicit choice. */
export const SASL_WITHOUT_TLS_WARNING =
  'kafka.ssl is false with SASL: the SASL credentials and every record cross the network in clear (explicit choice; prefer a TLS listener)';

/**
 * Whether to connect with TLS: an explicit `ssl` wins; without one, TLS exactly when SASL is used. SASL with
 * `ssl: false` is allowed (an explicit choice) and logged at warn on `log`.
 */
export function resolveKafkaTls(ssl: boolean | undefined, sasl: boolean, log?: Logger): boolean {
  if (ssl === false && sasl) log?.warn({ code: 'kafka_sasl_without_tls' }, SASL_WITHOUT_TLS_WARNING);
  return ssl ?? sasl;
}
