// Field schemas that several receiver types share (a type's schema.ts extends baseReceiverSchema with them).
import { z } from 'zod';

/** A platform's rate bound: a positive whole number of messages, at most `max` (`tooMany` past it). */
export function rateLimit(max: number, tooMany: string, byDefault: number) {
  return z.number().int().positive().max(max, tooMany).default(byDefault);
}

/** Security keywords of a robot / bot (both DingTalk and Feishu take at most 10). */
export const keywordsSchema = z.array(z.string().min(1)).max(10).default([]);

/**
 * `mentions.fromLabel` of a type with mentions: the involved-object label whose value (comma separated)
 * lists who to mention (`mentionLabelOf` in registry.ts reads it).
 */
export const fromLabelSchema = z.string().min(1).optional();

/** For a type whose webhook URL is its only secret: no `secret` / `secretFile` (refine with it). */
export function hasNoSigningSecret(r: {
  secret?: string | undefined;
  secretFile?: string | undefined;
}): boolean {
  return r.secret === undefined && r.secretFile === undefined;
}
