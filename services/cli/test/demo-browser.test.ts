import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { kafkaBrokers, redisUrl, waitFor } from '@kube-herald/testing';
import { freePort } from '@kube-herald/process';
import { ROOT, ensureChromium, launchChromium } from './browser-harness.js';

interface Message {
  readonly robot: string;
  readonly title?: string;
  readonly text: string;
}
interface GroupMessage {
  readonly platform: 'wecom' | 'feishu';
  readonly group: string;
  readonly title?: string;
  readonly text: string;
}
interface RobotStats {
  readonly accepted: number;
  readonly maxPerMinute: number;
  readonly throttleAnswers: number;
}

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  assert.equal(res.status, 200, url);
  return (await res.json()) as T;
}

/** Everything the demo printed, and its exit. */
function watchDemo(child: ChildProcess) {
  let out = '';
  child.stdout?.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { output: () => out, exited };
}

describe('kube-herald demo (short scenario) in a browser', () => {
  let demo: ChildProcess | undefined;
  let watch: ReturnType<typeof watchDemo>;
  let browser: Browser | undefined;
  let page: Page;
  let pageUrl = '';
  let groupsUrl = '';
  const titles = (msgs: readonly Message[], robot: string): string[] =>
    msgs.filter((m) => m.robot === robot).map((m) => m.title ?? '');
  const messages = async (): Promise<Message[]> =>
    (await getJson<{ messages: Message[] }>(`${pageUrl}/_standin/messages`)).messages;

  before(async () => {
    kafkaBrokers(); // the demo needs the real Kafka and Redis of scripts/services.sh (throws when unset)
    redisUrl();
    ensureChromium();
    const port = await freePort();
    demo = spawn(
      process.execPath,
      [
        ...['--conditions=source', '--import', 'tsx', 'services/cli/src/entry.ts', 'demo'],
        ...['--scenario', 'short', '--port', String(port), '--duration', '8m'],
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    watch = watchDemo(demo);
    const printed = waitFor(() => /DingTalk page:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(watch.output())?.[1], {
      timeoutMs: 180_000,
      intervalMs: 250,
      what: 'the demo to print its page address',
    });
    const gone = watch.exited.then((code) =>
      Promise.reject(new Error(`the demo exited with ${String(code)}`)),
    );
    pageUrl = await Promise.race([printed, gone]).catch((err: unknown) => {
      throw new Error(`${String(err)}\ndemo output:\n${watch.output()}\n(logs in .run/demo/logs)`);
    });
    groupsUrl = /WeCom \+ Feishu:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(watch.output())?.[1] ?? '';
    assert.ok(groupsUrl, `the demo prints the WeCom and Feishu page:\n${watch.output()}`);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  });

  after(async () => {
    await browser?.close();
    if (demo && demo.exitCode === null && demo.signalCode === null) {
      demo.kill('SIGTERM');
      await Promise.race([watch.exited, sleep(30_000, undefined, { ref: false })]);
      if (demo.exitCode === null) demo.kill('SIGKILL');
    }
  });

  test("alerts arrive per robot, the rate stays within 20/min, and Ctrl-C stops the demo's processes", async () => {
    await page.goto(pageUrl);
    // One panel per robot, filled from the stand-in's SSE stream (snapshot, then live messages).
    await page.waitForSelector('[data-testid="robot-panel"][data-robot="staging"]', { timeout: 30_000 });
    assert.equal(await page.locator('[data-testid="robot-panel"]').count(), 2);
    // The live stream connects (server-sent events), so new messages arrive without a reload.
    await page.waitForSelector('[data-testid="stream-status"][data-state="live"]', { timeout: 30_000 });
    let maxMinute = 0;
    const sample = async (): Promise<void> => {
      const shown = await page.$$eval('[data-testid="counter-minute"]', (els) =>
        els.map((e) => Number(e.textContent)),
      );
      maxMinute = Math.max(maxMinute, ...shown);
    };

    // Wait until every incident of the scenario has reached its robot (sampling the page's rate meanwhile).
    const expectProd = [
      /^\[prod-hz\] BackOff payments\/payments-api ×([2-9]|10)$/,
      /^\[prod-hz\] OOMKilling \/?node-3 ×1$/,
      /^\[prod-hz\] batch FailedScheduling: \d+ 个新问题$/,
      /^\[prod-hz\] etl FailedScheduling: \d+ 个新问题$/,
      /^\[prod-hz\] reports FailedScheduling: \d+ 个新问题$/,
    ];
    const expectStaging = [/^\[staging\] web(?: \S+)?: 2 个新问题$/];
    // Namespace routes: orders to the WeCom group, risk to the Feishu group (any cluster).
    const groupMessages = async (): Promise<GroupMessage[]> =>
      (await getJson<{ messages: GroupMessage[] }>(`${groupsUrl}/messages`)).messages;
    const wecomOk = (m: GroupMessage) =>
      m.platform === 'wecom' &&
      /prod-hz/.test(m.text) &&
      /Unhealthy|就绪探针/.test(m.text) &&
      /orders-api/.test(m.text);
    const feishuOk = (m: GroupMessage) =>
      m.platform === 'feishu' && /^\[prod-sh\] FailedScheduling risk\/risk-engine ×1$/.test(m.title ?? '');
    const all = await waitFor(
      async () => {
        await sample();
        const msgs = await messages();
        const prod = titles(msgs, 'prod on-call');
        const staging = titles(msgs, 'staging');
        const groups = await groupMessages();
        const ok =
          expectProd.every((re) => prod.some((t) => re.test(t))) &&
          expectStaging.every((re) => staging.some((t) => re.test(t))) &&
          groups.some(wecomOk) &&
          groups.some(feishuOk);
        return ok ? msgs : undefined;
      },
      { timeoutMs: 180_000, intervalMs: 1000, what: 'every alert of the short scenario' },
    ).catch(async (err: unknown) => {
      throw new Error(
        `${String(err)}\nmessages:\n${JSON.stringify(await messages().catch(() => []), null, 1)}\n` +
          `WeCom / Feishu:\n${JSON.stringify(await groupMessages().catch(() => []), null, 1)}`,
      );
    });

    const prod = all.filter((m) => m.robot === 'prod on-call');
    const staging = all.filter((m) => m.robot === 'staging');
    // Routing: prod-* only to on-call, staging only to its group; Normal events never alert.
    assert.ok(
      prod.every((m) => /^\[prod-(hz|sh)\]/.test(m.title ?? '')),
      titles(all, 'prod on-call').join('\n'),
    );
    assert.ok(
      prod.every((m) => !/ (orders|risk)\//.test(m.title ?? '')),
      `orders and risk go to their teams' groups only: ${titles(all, 'prod on-call').join('\n')}`,
    );
    const groups = await groupMessages();
    assert.ok(
      groups
        .filter((m) => m.platform === 'feishu')
        .every((m) => /^\[prod-sh\] \S+ risk\//.test(m.title ?? '')),
      JSON.stringify(groups),
    );
    assert.ok(
      groups
        .filter((m) => m.platform === 'wecom')
        .every((m) => /orders/.test(m.text) && !/risk-engine/.test(m.text)),
      JSON.stringify(groups),
    );
    assert.ok(
      staging.every((m) => /^\[staging\]/.test(m.title ?? '')),
      titles(all, 'staging').join('\n'),
    );
    assert.ok(
      staging.every((m) => m.text.includes('K8s')),
      'the staging keyword is in every staging message',
    );
    assert.ok(
      all.every((m) => !/\b(Scheduled|Pulled|Started|TaintManagerEviction)\b/.test(m.text)),
      'no Normal event',
    );
    // Owner enrichment and cluster display names.
    const backoff = prod.find((m) => /BackOff payments\/payments-api/.test(m.title ?? ''))!;
    assert.match(backoff.text, /prod-hz 杭州生产/);
    assert.match(backoff.text, /Deployment payments-api/);
    assert.match(staging[0]!.text, /staging 预发/);
    const storm = prod.find((m) => /^\[prod-hz\] batch FailedScheduling: /.test(m.title ?? ''))!;
    assert.match(storm.text, /FailedScheduling/);
    const stormObjects = prod
      .map(
        (m) => /^\[prod-hz\] (?:batch|etl|reports) FailedScheduling: (\d+) 个新问题/.exec(m.title ?? '')?.[1],
      )
      .reduce((n, count) => n + Number(count ?? 0), 0);
    assert.equal(stormObjects, 40, 'the 40 pods of the storm are grouped into one message per namespace');

    // The page shows the same messages, per robot, with the counters.
    await sample();
    for (const [robot, msgs] of [
      ['prod on-call', prod],
      ['staging', staging],
    ] as const) {
      const panel = page.locator(`[data-testid="robot-panel"][data-robot="${robot}"]`);
      await waitFor(
        async () => (await panel.locator('[data-testid="message-title"]').count()) >= msgs.length,
        {
          timeoutMs: 15_000,
          what: `${robot}: ${msgs.length} messages on the page`,
        },
      );
      const shown = await panel.locator('[data-testid="message-title"]').allTextContents();
      for (const m of msgs) assert.ok(shown.includes(m.title ?? ''), `${robot} shows "${m.title ?? ''}"`);
      assert.equal(await panel.locator('[data-testid="counter-throttle"]').textContent(), '0');
      assert.ok(Number(await panel.locator('[data-testid="counter-max"]').textContent()) <= 20);
    }
    assert.ok(maxMinute > 0 && maxMinute <= 20, `messages per minute shown on the page: max ${maxMinute}`);
    const stats = await getJson<{ robots: Record<string, RobotStats> }>(`${pageUrl}/_standin/stats`);
    for (const robot of ['prod on-call', 'staging']) {
      const s = stats.robots[robot]!;
      assert.equal(s.throttleAnswers, 0, `${robot}: no throttle answer`);
      assert.ok(s.maxPerMinute <= 20, `${robot}: max ${s.maxPerMinute}/min`);
      assert.ok(s.accepted >= 1);
    }

    await mkdir(join(ROOT, 'artifacts'), { recursive: true });
    // The first alerts (owner, counts, cluster names) make the better picture than the storm's tail.
    await page.$$eval('[data-testid="message-list"]', (lists) => lists.forEach((l) => (l.scrollTop = 0)));
    await page.screenshot({ path: join(ROOT, 'artifacts', 'demo.png'), fullPage: false });
    // The WeCom and Feishu groups have their page: each shows its messages.
    const groupsPage = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
    await groupsPage.goto(groupsUrl);
    for (const platform of ['wecom', 'feishu']) {
      const panel = groupsPage.locator(`[data-testid="group-panel"][data-platform="${platform}"]`);
      const n = groups.filter((m) => m.platform === platform).length;
      await waitFor(async () => (await panel.locator('[data-testid="group-message"]').count()) >= n, {
        timeoutMs: 15_000,
        what: `${platform}: ${n} messages on the groups page`,
      });
    }
    const feishuTitle = groups.find(feishuOk)?.title ?? '';
    assert.ok(
      (await groupsPage.locator('[data-platform="feishu"] b').allTextContents()).includes(feishuTitle),
      `the Feishu panel shows "${feishuTitle}"`,
    );
    await groupsPage.screenshot({ path: join(ROOT, 'artifacts', 'demo-groups.png'), fullPage: false });

    // Ctrl-C: the demo stops its children and stand-ins and exits 0.
    demo!.kill('SIGINT');
    const code = await Promise.race([
      watch.exited,
      sleep(60_000, undefined, { ref: false }).then(() => 'timeout' as const),
    ]);
    assert.equal(code, 0, watch.output().slice(-3000));
    assert.match(watch.output(), /kube-herald demo: stopped\./);
    await assert.rejects(fetch(`${pageUrl}/_standin/stats`), 'the page is gone once the demo stopped');
  });
});
