import { z } from 'zod';
import { eventV1Schema } from './schema.js';

/**
 * The JSON Schema (draft 2020-12) of Event v1, as the exact text committed at
 * `libs/events/schema/event-v1.schema.json` (2-space indent, trailing newline). It describes what
 * `decodeEvent` accepts (`io: 'input'`): unknown properties are allowed, so a consumer keeps
 * reading records of a newer v1 producer that added an optional field.
 */
export function eventV1JsonSchemaText(): string {
  const schema = z.toJSONSchema(eventV1Schema, { target: 'draft-2020-12', io: 'input' });
  const withId = {
    $id: 'https://kube-herald.dev/schema/event-v1.schema.json',
    title: 'kube-herald Event v1',
    ...schema,
  };
  return JSON.stringify(withId, null, 2) + '\n';
}
