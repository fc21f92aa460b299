import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createLogger } from '@kube-herald/logging';
import { ROOT } from '../paths.js';
import { FAULT_CASES } from './cases.js';
import type { FaultResult } from './fault-case.js';
import { createFaultRunner } from './fault-runner.js';
import { faultTable } from './report.js';

// `bash scripts/faults.sh [--short|--long] [--case name]…`: runs the fault suite on a private Kafka and
// Redis, prints the RELIABILITY.md table and writes artifacts/faults-<mode>.json. Exit 1 when a case fails.
const { values } = parseArgs({
  options: {
    long: { type: 'boolean', default: false },
    short: { type: 'boolean', default: false },
    case: { type: 'string', multiple: true },
    tag: { type: 'string' },
  },
});
const long = values.long === true;
const log = createLogger({
  name: 'faults',
  level: process.env.KH_LOG_LEVEL ?? 'warn',
  destination: process.stderr,
});
const cases = FAULT_CASES.filter((c) => !values.case?.length || values.case.includes(c.name));
const runner = createFaultRunner({ long, log });
const results: FaultResult[] = [];
const mode = long ? 'long' : 'short';
try {
  for (const c of cases) {
    process.stderr.write(`[faults] ${c.name} (${mode})…\n`);
    const r = await runner.run(c);
    results.push(r);
    process.stderr.write(
      `[faults] ${c.name}: ${r.ok ? 'pass' : `FAIL ${r.problems.join('; ')}`} ${JSON.stringify(r.tally)}\n`,
    );
  }
} finally {
  await runner.close();
}
mkdirSync(join(ROOT, 'artifacts'), { recursive: true });
const file = join(ROOT, 'artifacts', `faults-${mode}${values.tag ? `-${values.tag}` : ''}.json`);
writeFileSync(file, `${JSON.stringify({ mode, at: new Date().toISOString(), results }, null, 2)}\n`);
process.stdout.write(
  `Fault suite (${mode}), ${new Date().toISOString()}\n\n${faultTable(results)}\nJSON: ${file}\n`,
);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
