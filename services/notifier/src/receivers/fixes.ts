import type { DeliveryOutcome } from '../model.js';

/**
 * What to change for a refused send, by the outcome's `code`: each receiver folder words its own (its
 * platform's settings, its config fields) and its factory sets `Receiver.fixFor` with {@link fixForOf}.
 * `r` is the receiver's name, for `receivers[r].<field>`.
 */
export type FixTable = Readonly<Record<string, (r: string, outcome: DeliveryOutcome) => string>>;

/** `Receiver.fixFor` of a receiver named `receiver` from its folder's table. */
export function fixForOf(
  table: FixTable,
  receiver: string,
): (outcome: DeliveryOutcome) => string | undefined {
  return (outcome) =>
    Object.hasOwn(table, outcome.code) ? table[outcome.code]?.(receiver, outcome) : undefined;
}
