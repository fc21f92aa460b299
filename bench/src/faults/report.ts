import type { FaultResult } from './fault-case.js';

/** The RELIABILITY.md table of a run. */
export function faultTable(results: readonly FaultResult[]): string {
  const head =
    '| case | result | created | in Kafka | collapsed repeats | lost before Kafka | accounted in messages | lost after Kafka | messages | duplicate msgs | DLQ | max/min/robot | throttle answers | s |\n' +
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n';
  const rows = results.map((r) => {
    const t = r.tally;
    return `| ${r.name} | ${r.ok ? 'pass' : `FAIL: ${r.problems.join('; ')}`} | ${t.created} | ${t.inKafka} | ${t.collapsed} | ${t.lostBeforeKafka} | ${t.accounted} | ${t.lost} | ${t.messages} | ${t.duplicateMessages} | ${t.dlqRecords} | ${t.maxPerMinute} | ${t.throttleAnswers} | ${r.seconds} |`;
  });
  const notes = results.flatMap((r) => r.notes.map((n) => `- ${r.name}: ${n}`));
  return `${head}${rows.join('\n')}\n\n${notes.join('\n')}\n`;
}
