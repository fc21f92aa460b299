// The SHORT fault suite (RELIABILITY.md) as CI tests: each case runs the whole pipeline (API stand-ins,
// collector and notifier processes, a private Kafka and Redis under .run/bench/, the DingTalk stand-in) and
// asserts 0 lost and 0 duplicate messages. The long form is `bash scripts/faults.sh --long`.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { testLogger } from '@kube-herald/testing';
import { FAULT_CASES } from '../src/faults/cases.js';
import { createFaultRunner, type FaultRunner } from '../src/faults/fault-runner.js';

const log = testLogger('faults');
let runner: FaultRunner;

before(() => {
  runner = createFaultRunner({ long: false, log });
});
after(async () => {
  await runner.close();
});

for (const c of FAULT_CASES) {
  test(`fault ${c.name}: ${c.guarantee}`, async () => {
    const r = await runner.run(c);
    const t = r.tally;
    assert.ok(t.created > 0, 'the load created events');
    assert.equal(t.lostBeforeKafka, 0, `occurrences lost before Kafka: ${t.lostSample.join(', ')}`);
    assert.equal(t.lost, 0, 'occurrences in Kafka but in no message');
    assert.equal(t.overAccounted, 0, 'occurrences accounted twice');
    if (!c.duplicatesUnavoidable) assert.equal(t.duplicateMessages, 0, 'duplicate messages');
    assert.ok(t.maxPerMinute <= 20, `at most 20 messages per minute per robot (saw ${t.maxPerMinute})`);
    assert.deepEqual(r.problems, [], r.problems.join('; '));
  });
}
