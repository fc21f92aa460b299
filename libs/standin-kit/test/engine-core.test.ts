import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  admitPerMinute,
  createEngineCore,
  createMinuteRoster,
  createRoster,
  minuteRobotStats,
} from '@kube-herald/standin-kit';
import type { RosterRules } from '@kube-herald/standin-kit';

interface Robot {
  readonly name: string;
  readonly key: string;
}

interface Spec {
  readonly mode: 'http5xx' | 'delay';
  readonly robot?: string;
  readonly delayMs?: number;
}

interface Message {
  readonly id: number;
  readonly robot: string;
  readonly text: string;
}

const RULES: RosterRules<Robot> = {
  name: (r) => r.name,
  key: (r) => r.key,
  invalid: (r) => (r.key === '' ? `robot ${r.name}: empty key` : undefined),
  duplicate: (r) => `duplicate robot ${r.name}`,
  error: (problem) => new RangeError(problem),
};

test('a roster checks each robot in order with the platform rules and error, and resets to fresh states', () => {
  assert.throws(() => createRoster([{ name: 'a', key: '' }], RULES, () => 0), {
    name: 'RangeError',
    message: 'robot a: empty key',
  });
  const twice = [
    { name: 'a', key: 'k1' },
    { name: 'a', key: 'k2' },
  ];
  assert.throws(() => createRoster(twice, RULES, () => 0), { message: 'duplicate robot a' });
  const sameKey = [
    { name: 'a', key: 'k1' },
    { name: 'b', key: 'k1' },
  ];
  assert.throws(() => createRoster(sameKey, RULES, () => 0), { message: 'duplicate robot b' });
  const robots = [
    { name: 'a', key: 'k1' },
    { name: 'b', key: 'k2' },
  ];
  const roster = createRoster(robots, RULES, (r) => ({ name: r.name, count: 0 }));
  roster.get('k1')!.count += 3;
  assert.equal(roster.get('nope'), undefined);
  assert.deepEqual(
    [...roster.states()],
    [
      { name: 'a', count: 3 },
      { name: 'b', count: 0 },
    ],
  );
  roster.reset();
  assert.equal(roster.get('k1')!.count, 0);
});

test('the engine core numbers messages across robots, filters them, counts unmatched answers and clears', () => {
  const core = createEngineCore<Spec, Message, number>('robot');
  assert.deepEqual(core.record({ robot: 'a', text: 'x' }), { id: 1, robot: 'a', text: 'x' });
  core.record({ robot: 'b', text: 'y' });
  core.record({ robot: 'a', text: 'z' });
  assert.deepEqual(
    core.messages('a').map((m) => m.id),
    [1, 3],
  );
  assert.equal(core.messages().length, 3);
  const answers = new Map<number, number>();
  core.count(answers, 0);
  core.count(undefined, 93000);
  core.count(undefined, 93000);
  assert.deepEqual(Object.fromEntries(answers), { 0: 1 });
  assert.deepEqual(core.unmatched(), { 93000: 2 });
  core.faults.inject({ mode: 'http5xx' });
  core.clear();
  assert.deepEqual([core.messages().length, core.unmatched(), core.faults.list().length], [0, {}, 0]);
  assert.equal(core.record({ robot: 'a', text: 'again' }).id, 4, 'ids keep increasing after a reset');
});

test('applyFault: the platform answers its modes, a delay is waited out, closing resets a delayed request', async () => {
  const core = createEngineCore<Spec, Message, number>('robot', () => 0);
  const seen: string[] = [];
  const act = (f: { mode: string }) => {
    seen.push(f.mode);
    return f.mode === 'http5xx' ? ('502' as const) : undefined;
  };
  assert.equal(await core.applyFault('a', act), undefined, 'no fault');
  core.faults.inject({ mode: 'http5xx', robot: 'b' });
  assert.equal(await core.applyFault('a', act), undefined, 'a fault of another robot');
  assert.equal(await core.applyFault('b', act), '502');
  core.faults.inject({ mode: 'delay', delayMs: 20 });
  const started = Date.now();
  assert.equal(await core.applyFault('a', act), undefined, 'handled normally after the delay');
  assert.ok(Date.now() - started >= 15);
  core.faults.inject({ mode: 'delay', delayMs: 60_000 });
  const pending = core.applyFault('a', act);
  core.close();
  assert.deepEqual(await pending, { kind: 'reset' });
  assert.deepEqual(seen, ['http5xx', 'delay', 'delay']);
});

test('a per-minute robot accepts the rate, then is throttled for throttleMs after going over', () => {
  const roster = createMinuteRoster([{ name: 'a', key: 'k' }], RULES);
  const st = roster.get('k')!;
  const t0 = 1_700_000_000_000;
  assert.deepEqual(
    [0, 1, 2].map((i) => admitPerMinute(st, t0 + i, 2, 10_000)),
    ['ok', 'ok', 'over'],
  );
  assert.equal(st.throttledUntil, t0 + 2 + 10_000);
  assert.equal(admitPerMinute(st, t0 + 5_000, 2, 10_000), 'throttled');
  assert.equal(admitPerMinute(st, t0 + 61_000, 2, 10_000), 'ok', 'after the window and the throttle');
  st.answers.set(0, 3);
  assert.deepEqual(minuteRobotStats(st, t0 + 61_000), {
    accepted: 3,
    lastMinute: 1,
    maxPerMinute: 2,
    throttleAnswers: 0,
    answers: { 0: 3 },
    faults: 0,
  });
});
