import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { CHART_DIR, repoRoot } from '@kube-herald/deploy-tests';

const chart = join(repoRoot(), CHART_DIR);
/** Values documented as one row (free-form Kubernetes objects and the route tree). */
const WHOLE = new Set(['podSecurityContext', 'securityContext', 'notifier.route', 'dashboards.labels']);

function leafPaths(value: unknown, path = ''): string[] {
  const isMap = typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isMap || Object.keys(value).length === 0 || WHOLE.has(path) || path.endsWith('.resources'))
    return [path];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, path ? `${path}.${k}` : k));
}

describe('chart README', () => {
  const readme = readFileSync(join(chart, 'README.md'), 'utf8');
  const values: unknown = parse(readFileSync(join(chart, 'values.yaml'), 'utf8'));
  const paths = leafPaths(values);

  it('lists every value of values.yaml with its default', () => {
    assert.ok(paths.length > 50);
    const missing = paths.filter((p) => !readme.includes(`| \`${p}\` |`));
    assert.deepEqual(missing, [], `values missing from README.md: ${missing.join(', ')}`);
  });

  it('lists no value that values.yaml does not have', () => {
    const table = readme.slice(readme.indexOf('## Values'), readme.indexOf('### Receivers'));
    const listed = [...table.matchAll(/^\| `([A-Za-z][A-Za-z0-9_.]*)` \| `/gm)].map((m) => m[1]!);
    assert.deepEqual(
      listed.filter((p) => !paths.includes(p)),
      [],
    );
  });

  it('documents every receiver field the schema allows', () => {
    const schema = JSON.parse(readFileSync(join(chart, 'values.schema.json'), 'utf8')) as {
      properties: {
        notifier: { properties: { receivers: { items: { properties: Record<string, unknown> } } } };
      };
    };
    for (const key of Object.keys(schema.properties.notifier.properties.receivers.items.properties)) {
      assert.ok(readme.includes(`| \`${key}\` |`), `receiver field ${key}`);
    }
  });
});
