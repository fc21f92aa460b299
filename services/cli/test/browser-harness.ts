// The project's headless Chromium for the browser tests (installed by scripts/ensure-chromium.sh).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const CHROMIUM = '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** Installs Chromium when it is missing (scripts/ensure-chromium.sh); the test fails when that fails. */
export function ensureChromium(): void {
  const ensure = spawnSync('bash', [join(ROOT, 'scripts/ensure-chromium.sh')], { encoding: 'utf8' });
  assert.equal(ensure.status, 0, `scripts/ensure-chromium.sh failed:\n${ensure.stderr}`);
}

/** Starts the headless Chromium (after {@link ensureChromium}). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS });
}
