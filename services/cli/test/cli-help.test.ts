import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from './cli-harness.js';

const ROOT = join(import.meta.dirname, '../../..');

/** README "### <heading>" subsections of "## Command line", with the commands each documents. */
const SECTIONS: Readonly<Record<string, readonly (readonly string[])[]>> = {
  collector: [['collector']],
  notifier: [['notifier']],
  replay: [['replay']],
  'route test': [['route', 'test']],
  config: [
    ['config', 'validate'],
    ['config', 'schema'],
    ['config', 'from-kube-eventer'],
  ],
  'test-send': [['test-send']],
  silence: [
    ['silence', 'add'],
    ['silence', 'list'],
    ['silence', 'expire'],
  ],
  failed: [
    ['failed', 'list'],
    ['failed', 'retry'],
  ],
  console: [['console']],
  'dingtalk-standin': [['dingtalk-standin']],
  'slack-standin': [['slack-standin']],
  'wecom-standin': [['wecom-standin']],
  'feishu-standin': [['feishu-standin']],
  demo: [['demo']],
  'kube-eventer compatibility': [['notifier'], ['config', 'from-kube-eventer']],
};

function readmeSections(): Map<string, string> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Command line');
  assert.ok(start >= 0, 'README has a "Command line" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const parts = section.split(/\n### /).slice(1);
  return new Map(parts.map((p) => [p.slice(0, p.indexOf('\n')).trim(), p]));
}

const flagsIn = (text: string): Set<string> =>
  new Set([...text.matchAll(/(?<![\w-])--[a-z][a-z-]*/g)].map((m) => m[0]).filter((f) => f !== '--help'));

async function helpFlags(argv: readonly string[]): Promise<Set<string>> {
  const r = await cli([...argv, '--help']);
  assert.equal(r.code, 0, argv.join(' '));
  const rest = r.stdout.slice(r.stdout.indexOf('Options:'));
  const options = rest.slice(0, rest.search(/\n\n(?!\s)|$/));
  return new Set(
    [...options.matchAll(/^ {2}(--[a-z][a-z-]*)/gm)].map((m) => m[1]!).filter((f) => f !== '--help'),
  );
}

test('the README "Command line" section documents exactly the flags each command has', async () => {
  const sections = readmeSections();
  assert.deepEqual([...sections.keys()].sort(), Object.keys(SECTIONS).sort());
  for (const [heading, commands] of Object.entries(SECTIONS)) {
    const documented = flagsIn(sections.get(heading) ?? '');
    const actual = new Set<string>();
    for (const argv of commands) for (const f of await helpFlags(argv)) actual.add(f);
    if (heading !== 'kube-eventer compatibility') {
      const missing = [...actual].filter((f) => !documented.has(f));
      assert.deepEqual(missing, [], `README "### ${heading}" does not mention ${missing.join(', ')}`);
    }
    const stale = [...documented].filter((f) => !actual.has(f));
    assert.deepEqual(
      stale,
      [],
      `README "### ${heading}" mentions flags the command lacks: ${stale.join(', ')}`,
    );
  }
});

test('help marks required options and hides the empty default of repeatable ones', async () => {
  const replay = (await cli(['replay', '--help'])).stdout;
  assert.match(replay, /--from <time> +start of the window[^]*?\(required\)/);
  assert.match(replay, /--config <file> +the notifier config file[^]*?\(required\)/);
  assert.doesNotMatch(replay, /--to <time>[^\n]*\(required\)/);
  for (const argv of [['replay'], ['notifier'], ['silence', 'add'], ['dingtalk-standin']])
    assert.doesNotMatch((await cli([...argv, '--help'])).stdout, /default: \[\]/, argv.join(' '));
  const top = (await cli(['--help'])).stdout;
  assert.ok(top.indexOf('\n  collector') < top.indexOf('\n  replay'), 'services first');
  assert.ok(top.indexOf('\n  replay') < top.indexOf('\n  demo'), 'the demo last');
  assert.match(top, /Examples:\n {2}kube-herald /);
});

test('output piped into a reader that goes away (| head -1) ends quietly, exit 0', async () => {
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'services/cli/src/entry.ts', 'replay', '--help'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout.destroy(); // the reader is gone before the first write
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(stderr, '');
  assert.equal(code, 0);
});
