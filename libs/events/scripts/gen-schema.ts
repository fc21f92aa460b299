// Writes libs/events/schema/event-v1.schema.json from the zod schema. Run: tsx libs/events/scripts/gen-schema.ts
import { writeFileSync } from 'node:fs';
import { eventV1JsonSchemaText } from '../src/json-schema.js';

const target = new URL('../schema/event-v1.schema.json', import.meta.url);
writeFileSync(target, eventV1JsonSchemaText());
process.stdout.write(`wrote ${target.pathname}\n`);
