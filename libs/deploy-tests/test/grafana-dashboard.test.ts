import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  CHART_DIR,
  dashboardQueries,
  declaredMetrics,
  exportedSeries,
  metricNames,
  metricsInSource,
  repoRoot,
} from '@kube-herald/deploy-tests';

const root = repoRoot();
const file = join(root, CHART_DIR, 'files/grafana/kube-herald.json');
const dashboard = JSON.parse(readFileSync(file, 'utf8')) as {
  uid: string;
  title: string;
  panels: { title: string; type: string; datasource?: { uid: string } }[];
};
const queries = dashboardQueries(dashboard);

describe('grafana dashboard', () => {
  it('is a dashboard with a stable uid and a Prometheus data source variable', () => {
    assert.equal(dashboard.uid, 'kube-herald');
    assert.ok(dashboard.panels.length >= 10);
    for (const p of dashboard.panels.filter((x) => x.type !== 'row')) {
      assert.equal(p.datasource?.uid, '${datasource}', p.title);
    }
  });

  it('covers events in/out, dedup, drops, silences, sends, failures by errcode, throttles, lag, queue, latency', () => {
    const all = queries.map((q) => q.expr).join('\n');
    for (const want of [
      'kube_herald_collector_events_watched_total',
      'kube_herald_collector_events_published_total',
      'kube_herald_notifier_consumed_total',
      'kube_herald_notifier_deduped_total',
      'kube_herald_collector_dropped_total',
      'kube_herald_notifier_dropped_total',
      'kube_herald_notifier_silenced_total',
      'kube_herald_notifier_messages_sent_total',
      'kube_herald_notifier_throttled_total',
      'kube_herald_notifier_dlq_total',
      'kube_herald_notifier_consumer_lag',
      'kube_herald_notifier_queue_depth',
      'kube_herald_notifier_delivery_latency_seconds_bucket',
      'kube_herald_collector_publish_latency_seconds_bucket',
    ]) {
      assert.ok(all.includes(want), `no query reads ${want}`);
    }
    assert.match(all, /sum by \(errcode\) \(rate\(kube_herald_notifier_failed_total/);
  });

  it('reads only metrics that the services really declare', () => {
    const declared = declaredMetrics(root, ['services', 'libs']);
    const series = exportedSeries(declared);
    assert.ok(series.size > 0, 'no kube_herald_* metric found in services/*/src');
    const missing: string[] = [];
    for (const q of queries) {
      const names = metricNames(q.expr);
      assert.ok(names.length > 0, `${q.where} reads no kube_herald_* metric: ${q.expr}`);
      for (const n of names) if (!series.has(n)) missing.push(`${q.where}: ${n}`);
    }
    assert.deepEqual(missing, [], `dashboard metrics not declared by any service:\n${missing.join('\n')}`);
  });

  it('reads histograms through _bucket and counters through rate/increase', () => {
    const types = new Map(declaredMetrics(root, ['services', 'libs']).map((m) => [m.name, m.type]));
    for (const q of queries) {
      for (const n of metricNames(q.expr)) {
        const base = n.replace(/_(bucket|sum|count)$/, '');
        if (types.get(base) === 'histogram') assert.match(n, /_bucket$|_sum$|_count$/, q.where);
        if (types.get(n) === 'counter' && !q.where.startsWith('variable')) {
          assert.match(
            q.expr,
            new RegExp(String.raw`(rate|increase)\(${n}\b`),
            `${q.where}: ${n} is a counter`,
          );
        }
      }
    }
  });
});

describe('metric name scanner', () => {
  it('finds literal, prefixed, template and helper declarations with their types', () => {
    const src = [
      "import { Counter, Gauge, Histogram } from 'prom-client';",
      "const P = 'kube_herald_x_';",
      'const counter = <L extends string>(name: string, help: string) => new Counter<L>({ name: P + name, help });',
      "new Counter({ name: 'kube_herald_x_literal_total', help: 'h' });",
      "new Gauge({ name: P + 'depth', help: 'h' });",
      'new Histogram({ name: `${P}latency_seconds`, help: "h" });',
      "const a = counter('sent_total', 'h');",
      "const notAMetric = { name: 'other_total' };",
    ].join('\n');
    const found = metricsInSource(src, 'x.ts').map((m) => `${m.type} ${m.name}`);
    assert.deepEqual(found.sort(), [
      'counter kube_herald_x_literal_total',
      'counter kube_herald_x_sent_total',
      'gauge kube_herald_x_depth',
      'histogram kube_herald_x_latency_seconds',
    ]);
    const series = exportedSeries(metricsInSource(src, 'x.ts'));
    assert.ok(series.has('kube_herald_x_latency_seconds_bucket'));
    assert.ok(!series.has('kube_herald_x_latency_seconds'));
  });
});
