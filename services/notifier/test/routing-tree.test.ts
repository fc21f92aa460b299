import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRoutes, groupKeyFor, routeEvent, routeSchema } from '../src/routing/index.js';
import type { RouteConfigInput } from '../src/routing/index.js';
import { makeEvent } from './routing-fixtures.js';

function tree(input: RouteConfigInput) {
  return compileRoutes(routeSchema.parse(input));
}

const architectureExample: RouteConfigInput = {
  receiver: 'oncall',
  groupBy: ['cluster', 'namespace', 'reason'],
  groupWait: '10s',
  groupInterval: '1m',
  repeatInterval: '4h',
  routes: [
    { drop: { type: 'Normal' } },
    { match: { cluster: 'prod-.*', reason: 'BackOff|OOMKilling|FailedScheduling' }, receiver: 'pager' },
  ],
};

test('the ARCHITECTURE.md tree: Normal dropped by the filter route, prod BackOff goes to the child', () => {
  const t = tree(architectureExample);
  const normal = routeEvent(t, makeEvent({ type: 'Normal', reason: 'Pulled' }));
  assert.deepEqual(normal.matches, []);
  assert.deepEqual(normal.dropped, { route: 'root.routes[0]', rule: 'drop[0] type=~"Normal"' });
  assert.deepEqual(
    normal.explanation.map((e) => [e.route, e.outcome]),
    [
      ['root', 'matched'],
      ['root.routes[0]', 'dropped'],
      ['root.routes[1]', 'not-reached'],
    ],
  );

  const backoff = routeEvent(t, makeEvent());
  assert.equal(backoff.dropped, undefined);
  assert.equal(backoff.matches.length, 1);
  const m = backoff.matches[0]!;
  assert.equal(m.route, 'root.routes[1]');
  assert.equal(m.receiver, 'pager');
  assert.deepEqual([m.groupWait, m.groupInterval, m.repeatInterval], [10_000, 60_000, 14_400_000]);
  assert.equal(m.groupKey, 'pager|cluster=prod-hz|namespace=payments|reason=BackOff');
});

test('regexes are anchored full matches: prod- alone does not match prod-hz, a substring never matches', () => {
  const t = tree({
    routes: [
      { match: { cluster: 'prod-' }, receiver: 'a' },
      { match: { reason: 'Back' }, receiver: 'b' },
    ],
  });
  const r = routeEvent(t, makeEvent());
  assert.deepEqual(r.matches, []);
  const noMatch = r.explanation.find((e) => e.route === 'root.routes[0]');
  assert.equal(noMatch?.outcome, 'no-match');
  assert.equal(noMatch?.detail, 'cluster = "prod-hz" !~ /prod-/');
  assert.equal(r.explanation[0]?.detail, 'matched, but no receiver on this route or its parents');
});

test('first matching child wins; continue: true lets later siblings match too', () => {
  const base: RouteConfigInput = {
    receiver: 'default',
    routes: [
      { name: 'all-warnings', match: { type: 'Warning' }, receiver: 'audit' },
      { match: { namespace: 'payments' }, receiver: 'payments' },
    ],
  };
  const first = routeEvent(tree(base), makeEvent());
  assert.deepEqual(
    first.matches.map((m) => m.receiver),
    ['audit'],
  );
  assert.equal(first.explanation.find((e) => e.route === 'root.routes[1]')?.outcome, 'not-reached');

  const cont = structuredClone(base);
  cont.routes![0]!.continue = true;
  const both = routeEvent(tree(cont), makeEvent());
  assert.deepEqual(
    both.matches.map((m) => [m.route, m.receiver]),
    [
      ['all-warnings', 'audit'],
      ['root.routes[1]', 'payments'],
    ],
  );
});

test('the parent delivers only when no child matched; settings are inherited down the tree', () => {
  const t = tree({
    receiver: 'default',
    groupBy: ['cluster'],
    groupWait: '30s',
    routes: [
      { match: { namespace: 'kube-system' }, repeatInterval: '1h', routes: [{ match: { kind: 'Node' } }] },
    ],
  });
  const other = routeEvent(t, makeEvent());
  assert.deepEqual(
    other.matches.map((m) => [m.route, m.receiver, m.groupWait]),
    [['root', 'default', 30_000]],
  );

  const node = routeEvent(t, makeEvent({ namespace: 'kube-system', kind: 'Node', name: 'node-7' }));
  const m = node.matches[0]!;
  assert.deepEqual(
    [m.route, m.receiver, m.groupWait, m.repeatInterval],
    ['root.routes[0].routes[0]', 'default', 30_000, 3_600_000],
  );
  assert.deepEqual(m.groupBy, ['cluster']);
  // A kube-system Pod matches the child route, whose own children do not match: it delivers itself.
  const pod = routeEvent(t, makeEvent({ namespace: 'kube-system' }));
  assert.deepEqual(
    pod.matches.map((x) => x.route),
    ['root.routes[0]'],
  );
});

test('root defaults: groupBy cluster+namespace, 10s / 1m / 4h', () => {
  const m = routeEvent(tree({ receiver: 'r' }), makeEvent()).matches[0]!;
  assert.deepEqual(
    [m.groupBy, m.groupWait, m.groupInterval, m.repeatInterval],
    [['cluster', 'namespace'], 10_000, 60_000, 14_400_000],
  );
});

test('owner, labels.<key>, matchNot and minCount take part in matching, with reasons', () => {
  const t = tree({
    routes: [
      {
        match: { owner: 'Deployment/payments-.*', 'labels.app': 'payments-api' },
        matchNot: { reason: 'Killing' },
        minCount: 100,
        receiver: 'a',
      },
      { match: { ownerKind: 'Deployment' }, matchNot: { reason: 'BackOff' }, receiver: 'b' },
      { match: { ownerName: 'payments-api', component: 'kubelet' }, receiver: 'c' },
    ],
  });
  const r = routeEvent(t, makeEvent({ count: 57 }));
  assert.deepEqual(
    r.matches.map((m) => m.receiver),
    ['c'],
  );
  assert.deepEqual(
    r.explanation.slice(1).map((e) => e.detail),
    [
      'count 57 < minCount 100',
      'reason = "BackOff" matches excluded /BackOff/',
      'matched → c (group c|cluster=prod-hz|namespace=payments)',
    ],
  );
  assert.equal(routeEvent(t, makeEvent({ count: 100 })).matches[0]?.receiver, 'a');
});

test('a drop rule on a matched route ends routing; drop as a list; earlier continue matches stay', () => {
  const t = tree({
    routes: [
      { match: { type: 'Warning' }, receiver: 'audit', continue: true },
      {
        match: { namespace: 'payments' },
        drop: [{ reason: 'Pulled' }, { reason: 'BackOff', kind: 'Pod' }],
        receiver: 'p',
      },
      { receiver: 'late' },
    ],
  });
  const r = routeEvent(t, makeEvent());
  assert.deepEqual(
    r.matches.map((m) => m.receiver),
    ['audit'],
  );
  assert.deepEqual(r.dropped, { route: 'root.routes[1]', rule: 'drop[1] reason=~"BackOff", kind=~"Pod"' });
  assert.equal(r.explanation.find((e) => e.route === 'root.routes[2]')?.outcome, 'not-reached');
  // Not dropped when only part of the rule matches.
  assert.deepEqual(
    routeEvent(t, makeEvent({ kind: 'Node' })).matches.map((m) => m.receiver),
    ['audit', 'p'],
  );
});

test('receiverKnown: a route to an unknown receiver delivers nothing, and says so', () => {
  const r = routeEvent(tree({ receiver: 'ghost' }), makeEvent(), { receiverKnown: (n) => n === 'oncall' });
  assert.deepEqual(r.matches, []);
  assert.equal(r.explanation[0]?.detail, 'matched, but receiver "ghost" is unknown');
});

test('explain: false gives the same matches without explanation', () => {
  const t = tree(architectureExample);
  const r = routeEvent(t, makeEvent(), { explain: false });
  assert.deepEqual(r.explanation, []);
  assert.deepEqual(r.matches, routeEvent(t, makeEvent()).matches);
});

test('groupKeyFor: sorted labels, escaped values, receiver label, owner', () => {
  const g = groupKeyFor(
    { receiver: 'r|x', groupBy: ['reason', 'owner', 'receiver', 'reason'] },
    makeEvent({ reason: 'a=b|c' }),
  );
  assert.equal(g.groupKey, 'r%7Cx|owner=Deployment/payments-api|reason=a%3Db%7Cc|receiver=r%7Cx');
  assert.deepEqual(g.groupLabels, { owner: 'Deployment/payments-api', reason: 'a=b|c', receiver: 'r|x' });
  assert.equal(groupKeyFor({ receiver: 'r', groupBy: [] }, makeEvent()).groupKey, 'r');
});

test('routing is fast: 20k events through a 3-level tree well under a second', () => {
  const t = tree(architectureExample);
  const events = [
    makeEvent(),
    makeEvent({ type: 'Normal' }),
    makeEvent({ namespace: 'orders', reason: 'Unhealthy' }),
  ];
  const start = performance.now();
  let matched = 0;
  for (let i = 0; i < 20_000; i++) matched += routeEvent(t, events[i % 3]!).matches.length;
  const ms = performance.now() - start;
  assert.ok(matched > 10_000);
  assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
});
