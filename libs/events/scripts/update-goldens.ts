// Rewrites libs/events/test/goldens/*.json from the fixtures. Review the diff before committing:
// a golden is a statement of what is correct, not a snapshot of whatever the code does today.
// Run: node --conditions=source --import tsx libs/events/scripts/update-goldens.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { fixtureNames, goldenText, GOLDENS_DIR } from '../test/support.js';

mkdirSync(GOLDENS_DIR, { recursive: true });
for (const name of fixtureNames()) {
  writeFileSync(`${GOLDENS_DIR}${name}.json`, goldenText(name));
  process.stdout.write(`wrote goldens/${name}.json\n`);
}
