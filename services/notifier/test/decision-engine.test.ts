import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { redisUrl, uniqueName } from '@kube-herald/testing';
import { createDecisionEngine, type Decision } from '../src/pipeline/decision-engine.js';
import { createGroupStore } from '../src/store/group-store.js';
import { createSilenceStore } from '../src/silences/index.js';
import { compileRoutes, routeSchema, routeEvent } from '../src/routing/index.js';
import { warning } from './pipeline-harness.js';

const tree = compileRoutes(
  routeSchema.parse({
    receiver: 'oncall',
    groupBy: ['namespace'],
    routes: [
      { name: 'drop-canary', drop: { name: 'canary-.*' } },
      { match: { namespace: 'audit' }, receiver: 'audit', continue: true },
    ],
  }),
);

test('decision engine: dedup → silence → route → group, with dryRun, force and receiverFilter for replay', async () => {
  const redis = new Redis(redisUrl());
  const prefix = uniqueName('kht-engine');
  const store = createGroupStore({ redis, prefix: `${prefix}:n`, dedupTtlMs: 3_600_000 });
  const silences = createSilenceStore({ redis, prefix });
  await silences.start();
  try {
    const silence = await silences.add({
      matchers: ['name=muted-0'],
      for: '1h',
      createdBy: 'test',
      comment: 'maintenance',
    });
    await silences.refresh();
    const engine = createDecisionEngine({
      route: (e) => routeEvent(tree, e, { explain: false }),
      silences,
      store,
    });
    const events = [
      warning({ ns: 'orders', name: 'api-0' }, 1),
      warning({ ns: 'orders', name: 'canary-1' }, 1),
      warning({ ns: 'orders', name: 'muted-0' }, 1),
      warning({ ns: 'audit', name: 'api-9' }, 1),
    ];
    const dry = await engine.process(events, { dryRun: true });
    assert.deepEqual(
      dry.map((d) => d.kind),
      ['grouped', 'dropped', 'silenced', 'grouped'],
    );
    assert.equal((await redis.keys(`${prefix}:n:*`)).length, 0, 'a dry run writes nothing');

    const real = await engine.process(events);
    assert.deepEqual(
      real.map((d) => d.kind),
      ['grouped', 'dropped', 'silenced', 'grouped'],
    );
    const silenced = real[2];
    assert.ok(silenced?.kind === 'silenced' && silenced.silenceId === silence.id);
    const dropped = real[1];
    assert.ok(dropped?.kind === 'dropped' && dropped.route === 'drop-canary');
    const audit = real[3];
    assert.ok(audit?.kind === 'grouped');
    assert.deepEqual(
      audit.groups.map((g) => g.receiver),
      ['audit'],
    );

    const again = await engine.process(events);
    assert.deepEqual(
      again.map((d) => d.kind),
      ['deduped', 'deduped', 'deduped', 'deduped'],
    );
    assert.deepEqual((await engine.process(events, { dryRun: true })).map((d) => d.kind)[0], 'deduped');

    // replay to one new receiver, ignoring the dedup marks
    const replay = await engine.process([events[3]!], { force: true, receiverFilter: (r) => r === 'audit' });
    assert.ok(replay[0]?.kind === 'grouped');
    assert.deepEqual(
      replay[0].groups.map((g) => g.receiver),
      ['audit'],
    );
    const onlyOncall = await engine.process([warning({ ns: 'orders', name: 'api-0' }, 2)], {
      receiverFilter: (r) => r === 'audit',
    });
    assert.equal(onlyOncall[0]?.kind, 'unrouted');
  } finally {
    await silences.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }
});

const fanout = (extra: readonly object[] = []): ReturnType<typeof compileRoutes> =>
  compileRoutes(
    routeSchema.parse({
      receiver: 'oncall',
      groupBy: ['namespace'],
      routes: [{ match: { namespace: 'payments' }, receiver: 'audit', continue: true }, ...extra, {}],
    }),
  );

test('decision engine: dedup per (occurrence, receiver): a filtered replay ahead of the live path loses nothing, a new receiver is backfilled, nothing twice', async () => {
  const redis = new Redis(redisUrl());
  const prefix = uniqueName('kht-engine');
  const store = createGroupStore({ redis, prefix: `${prefix}:n`, dedupTtlMs: 3_600_000 });
  const engineFor = (t: ReturnType<typeof compileRoutes>): ReturnType<typeof createDecisionEngine> =>
    createDecisionEngine({ route: (e) => routeEvent(t, e, { explain: false }), store });
  const receivers = (d: Decision | undefined): string[] =>
    d?.kind === 'grouped' ? d.groups.map((g) => g.receiver) : [`(${d?.kind ?? 'none'})`];
  try {
    const engine = engineFor(fanout());
    const [lagging, other] = [
      warning({ ns: 'payments', name: 'api-0' }, 1),
      warning({ ns: 'payments', name: 'api-1' }, 1),
    ];
    const toAudit = { receiverFilter: (r: string) => r === 'audit' };
    // a replay to audit runs before the live notifier consumed these records (lag, or the fleet was down)
    assert.deepEqual((await engine.process([lagging, other], toAudit)).map(receivers), [
      ['audit'],
      ['audit'],
    ]);
    // the dry run of the live path already knows audit had them
    const dry = await engine.process([lagging], { dryRun: true });
    assert.deepEqual(dry.map(receivers), [['oncall']]);
    assert.ok(dry[0]?.kind === 'grouped');
    assert.deepEqual(dry[0].dedupedReceivers, ['audit']);
    // the live path still delivers them to oncall: the replay's marks are audit's only
    const live = await engine.process([lagging, other]);
    assert.deepEqual(live.map(receivers), [['oncall'], ['oncall']]);
    assert.ok(live[0]?.kind === 'grouped');
    assert.deepEqual(live[0].dedupedReceivers, ['audit']);
    // redelivery and replicas: every receiver marked → deduped; a replay to audit sends nothing again
    assert.deepEqual(
      (await engine.process([lagging, other])).map((d) => d.kind),
      ['deduped', 'deduped'],
    );
    assert.deepEqual(
      (await engine.process([lagging], toAudit)).map((d) => d.kind),
      ['deduped'],
    );
    // a receiver added later is backfilled without force, once
    const later = engineFor(
      fanout([{ match: { namespace: 'payments' }, receiver: 'later', continue: true }]),
    );
    const toLater = { receiverFilter: (r: string) => r === 'later' };
    assert.deepEqual((await later.process([lagging], { ...toLater, dryRun: true })).map(receivers), [
      ['later'],
    ]);
    assert.deepEqual((await later.process([lagging], toLater)).map(receivers), [['later']]);
    assert.deepEqual(
      (await later.process([lagging], toLater)).map((d) => d.kind),
      ['deduped'],
    );
    assert.deepEqual(
      (await later.process([lagging])).map((d) => d.kind),
      ['deduped'],
    );
    // force ignores the marks, still only for the filtered receiver
    assert.deepEqual((await later.process([lagging], { ...toLater, force: true })).map(receivers), [
      ['later'],
    ]);
  } finally {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  }
});
