import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, Page } from 'playwright-core';
import { createKafkaAdmin, createKafkaPublisher, type Publisher } from '@kube-herald/bus';
import { createDingtalkStandin, type DingtalkStandin } from '@kube-herald/dingtalk-standin';
import { EVENT_HEADERS, encodeEvent, incidentKey, occurrenceId, type EventV1 } from '@kube-herald/events';
import { freePort, startServiceProcess, type ServiceProcess } from '@kube-herald/process';
import { kafkaBrokers, redisUrl, testLogger, uniqueName, waitFor } from '@kube-herald/testing';
import { ROOT, ensureChromium, launchChromium } from './browser-harness.js';
import { cli } from './cli-harness.js';

const TOKEN = `console-${uniqueName('tok')}-0123456789`;
const SIGNING = 'SECbrowser0123456789abcdefabcdef';
const log = testLogger('console-browser');

/** A Warning (or Normal) event of a Pod owned by a Deployment; `count` makes the occurrence. */
function podEvent(ns: string, name: string, reason: string, count: number, type = 'Warning'): EventV1 {
  const cluster = ns === 'web' ? 'prod-sh' : 'prod-hz';
  const now = new Date().toISOString();
  const uid = `ev-${cluster}-${ns}-${name}-${reason}`;
  return {
    schema: 'kube-herald.event/v1',
    occurrenceId: occurrenceId({ clusterId: cluster, eventUid: uid, count }),
    incidentKey: incidentKey({ clusterId: cluster, namespace: ns, kind: 'Pod', name, reason }),
    cluster: { id: cluster, name: cluster === 'prod-hz' ? '杭州生产' : '上海生产' },
    type: type as EventV1['type'],
    reason,
    message: `${reason} of pod ${name} <b>not markup</b>`,
    count,
    firstSeen: now,
    lastSeen: now,
    source: { component: 'kubelet', host: 'node-1' },
    involvedObject: { kind: 'Pod', namespace: ns, name, uid: `pod-${name}`, apiVersion: 'v1' },
    owners: [{ kind: 'Deployment', name: name.replace(/-[^-]+$/, ''), uid: `dep-${name}` }],
    event: { apiVersion: 'v1', namespace: ns, name: `${name}.${count}`, uid, resourceVersion: String(count) },
    observedAt: now,
    collector: { instance: 'browser-test', version: '0.0.0' },
  };
}

describe('operator console in a browser, against a running notifier (real Kafka, Redis, DingTalk stand-in)', () => {
  let standin: DingtalkStandin;
  let publisher: Publisher;
  let notifier: ServiceProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let dir = '';
  let configFile = '';
  let consoleUrl = '';
  const topic = uniqueName('kh-console-events');
  const answers: string[] = [];
  const publish = (events: readonly EventV1[]) =>
    publisher.publish(
      topic,
      events.map((e) => ({
        key: `${e.cluster.id}/${e.involvedObject.namespace}/${e.involvedObject.uid}`,
        value: encodeEvent(e),
        headers: { ...EVENT_HEADERS },
      })),
    );
  const messagesFor = (text: string) => standin.messages('oncall').filter((m) => m.text.includes(text));
  const verdict = async (input: string, kind: string) => {
    await page.fill('#w-input', input);
    await waitFor(
      async () => {
        await page.click('#w-go');
        await sleep(300);
        return (await page.getAttribute('#w-verdict', 'data-kind')) === kind &&
          (await page.locator('[data-testid="why-line"]').count()) > 0
          ? true
          : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200, what: `the why view to say ${kind}` },
    );
    return (await page.textContent('#w-verdict')) ?? '';
  };

  before(async () => {
    ensureChromium();
    standin = createDingtalkStandin({
      robots: [{ name: 'oncall', token: `tok-${uniqueName('robot')}`, secret: SIGNING, keywords: ['K8s'] }],
    });
    await standin.start();
    const admin = createKafkaAdmin({ brokers: kafkaBrokers(), clientId: 'kh-console-test', log });
    try {
      await admin.ensureTopics([
        { topic, partitions: 3 },
        { topic: `${topic}.dlq`, partitions: 1 },
        { topic: `${topic}.decisions`, partitions: 1 },
      ]);
    } finally {
      await admin.close();
    }
    publisher = createKafkaPublisher({ brokers: kafkaBrokers(), clientId: 'kh-console-test-pub', log });
    await publisher.start();
    dir = await mkdtemp(join(tmpdir(), 'kh-console-'));
    await writeFile(join(dir, 'token'), `${TOKEN}\n`, { mode: 0o600 });
    const [httpPort, consolePort] = [await freePort(), await freePort()];
    configFile = join(dir, 'notifier.yaml');
    const config = {
      kafka: {
        brokers: kafkaBrokers(),
        topic,
        dlqTopic: `${topic}.dlq`,
        groupId: uniqueName('kh-console-n'),
        startFrom: 'earliest',
      },
      redis: { url: redisUrl(), prefix: uniqueName('khc') },
      receivers: [
        {
          name: 'oncall',
          type: 'dingtalk',
          webhook: standin.webhookFor('oncall'),
          insecureHttp: true,
          secret: SIGNING,
          keywords: ['K8s'],
        },
      ],
      route: {
        receiver: 'oncall',
        groupBy: ['cluster', 'namespace', 'reason'],
        groupWait: '500ms',
        groupInterval: '1s',
        repeatInterval: '1h',
        routes: [{ drop: { type: 'Normal' } }],
      },
      delivery: { attempts: 1 },
      decisionLog: { topic: `${topic}.decisions` },
      http: { port: httpPort, host: '127.0.0.1' },
      console: { enabled: true, port: consolePort, adminTokenFile: join(dir, 'token'), refresh: '500ms' },
      log: { level: 'info' },
    };
    await writeFile(configFile, JSON.stringify(config, null, 2), { mode: 0o600 });
    await mkdir(join(ROOT, 'artifacts'), { recursive: true });
    notifier = startServiceProcess({
      name: 'notifier',
      args: [
        '--conditions=source',
        '--import',
        'tsx',
        'services/cli/src/entry.ts',
        'notifier',
        '--config',
        configFile,
      ],
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      cwd: ROOT,
      logFile: join(ROOT, 'artifacts', 'console-browser-notifier.log'),
      readyUrl: `http://127.0.0.1:${httpPort}/readyz`,
    });
    await notifier.ready(90_000);
    consoleUrl = `http://127.0.0.1:${consolePort}`;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    page.on('response', (res) => {
      if (res.headers()['content-type']?.includes('event-stream')) return;
      void res.text().then(
        (t) => answers.push(t),
        () => undefined,
      );
    });
  });

  after(async () => {
    await browser?.close();
    await notifier?.stop(15_000);
    await publisher?.close();
    await standin?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('incidents appear and grow, silence, retry, why; actions need the token; no secret reaches the page', async () => {
    await page.goto(`${consoleUrl}/?lang=en`);
    await page.waitForSelector('[data-testid="stream-status"][data-state="live"]', { timeout: 20_000 });

    // incidents of a scenario appear, then grow (live, without a reload)
    const backoff = podEvent('payments', 'payments-api-7d9f8', 'BackOff', 1);
    await publish([1, 2, 3].map((n) => podEvent('payments', 'payments-api-7d9f8', 'BackOff', n)));
    await publish([podEvent('orders', 'orders-api-5c6b', 'OOMKilling', 1)]);
    const row = page.locator(`[data-testid="incident-row"][data-key="${backoff.incidentKey}"]`);
    await row.waitFor({ timeout: 30_000 });
    await waitFor(async () => ((await row.locator('.count').textContent()) === '3' ? true : undefined), {
      timeoutMs: 30_000,
      what: 'count 3',
    });
    await publish([4, 5, 6, 7, 8].map((n) => podEvent('payments', 'payments-api-7d9f8', 'BackOff', n)));
    await waitFor(async () => ((await row.locator('.count').textContent()) === '8' ? true : undefined), {
      timeoutMs: 30_000,
      what: 'count 8 without a reload',
    });
    assert.equal(
      await row.locator('.growth').textContent(),
      '+8',
      'growth over the last minute (it began 1 s ago)',
    );
    assert.match((await row.textContent()) ?? '', /Deployment\/payments-api/);
    await page.fill('#f-namespace', 'orders');
    assert.equal(await page.locator('[data-testid="incident-row"]').count(), 1, 'filter by namespace');
    await page.fill('#f-namespace', '');
    await waitFor(() => (messagesFor('orders-api').length > 0 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'the orders alert',
    });
    await page.screenshot({ path: join(ROOT, 'artifacts', 'console.png') });

    // without the admin token the action is refused
    await page.click('[data-tab="silences"]');
    await page.fill('#who', 'alice');
    await page.fill('#s-matchers', 'namespace=orders');
    await page.fill('#s-comment', 'orders rollback in progress');
    await page.click('#s-create');
    await page.waitForSelector('#s-result.error');
    await page.fill('#token', 'wrong-token');
    await page.click('#s-create');
    await waitFor(
      async () => ((await page.textContent('#s-result')) ?? '').match(/admin token/) ?? undefined,
      {
        timeoutMs: 5000,
        what: 'the refusal',
      },
    );
    assert.equal(await page.locator('[data-testid="silence-row"]').count(), 0);

    // preview, then create with the token: it shows in `kube-herald silence list` and stops the next message
    await page.click('#s-preview');
    await page.waitForSelector('[data-testid="preview-row"]');
    assert.match((await page.textContent('#s-preview-list')) ?? '', /orders-api-5c6b OOMKilling/);
    await page.fill('#token', TOKEN);
    await page.click('#s-create');
    await page.waitForSelector('#s-result[data-silence]');
    const silenceId = (await page.getAttribute('#s-result', 'data-silence')) ?? '';
    await page.waitForSelector(`[data-testid="silence-row"][data-id="${silenceId}"]`);
    const listed = await cli(['silence', 'list', '--config', configFile]);
    assert.match(listed.stdout, new RegExp(`${silenceId}.*alice.*namespace=~"orders".*orders rollback`));
    await sleep(1500); // the notifiers' silence stores refresh from Redis (pub/sub notice, 5 s at the latest)
    const silenced = podEvent('orders', 'orders-worker-9f1', 'BackOff', 1);
    await publish([silenced, podEvent('web', 'web-frontend-77a', 'Unhealthy', 1)]);
    await waitFor(() => (messagesFor('web-frontend').length > 0 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'the control message (web)',
    });
    await sleep(2000); // past groupWait + groupInterval
    assert.equal(messagesFor('orders-worker').length, 0, 'the silenced incident sent nothing');

    // a failed delivery, retried from the console, arrives
    standin.faults.inject({ robot: 'oncall', mode: 'errcode-1', times: 1 });
    await publish([podEvent('web', 'web-cart-3b2', 'FailedMount', 1)]);
    await page.click('[data-tab="failed"]');
    const failedRow = page.locator('[data-testid="failed-row"]').first();
    await failedRow.waitFor({ timeout: 30_000 });
    assert.match((await failedRow.locator('.errcode').textContent()) ?? '', /system_busy/);
    assert.equal(messagesFor('web-cart').length, 0);
    await failedRow.locator('button.retry').click();
    await waitFor(() => (messagesFor('web-cart').length > 0 ? true : undefined), {
      timeoutMs: 30_000,
      what: 'the retried message at the stand-in',
    });
    await page.waitForSelector('[data-testid="failed-row"]', { state: 'detached', timeout: 10_000 });

    // why: a dropped, a silenced and a sent event
    const normal = podEvent('payments', 'payments-api-7d9f8', 'Pulled', 1, 'Normal');
    await publish([normal]);
    await page.click('[data-tab="why"]');
    assert.match(await verdict(JSON.stringify(normal), 'dropped'), /dropped by route root\.routes\[0\]/);
    assert.match(
      await verdict(silenced.occurrenceId, 'silenced'),
      new RegExp(`silenced by silence ${silenceId}`),
    );
    assert.match(
      await verdict(JSON.stringify(podEvent('payments', 'payments-api-7d9f8', 'BackOff', 2)), 'sent'),
      /grouped into oncall\|.*sent in message oncall\./,
    );
    await page.screenshot({ path: join(ROOT, 'artifacts', 'console-why.png') });

    // audit trail: who did what
    await page.click('[data-tab="audit"]');
    await page.waitForSelector('[data-testid="audit-row"]');
    const audit = (await page.textContent('#audit')) ?? '';
    assert.match(audit, /alice.*failed\.retry/s);
    assert.match(audit, /alice.*silence\.create/s);

    // a phone: the incidents list fits the screen (cards, no sideways scrolling)
    const phone = await browser!.newPage({ viewport: { width: 390, height: 844 }, locale: 'zh-CN' });
    await phone.goto(consoleUrl);
    await phone.waitForSelector('[data-testid="incident-row"]', { timeout: 20_000 });
    assert.match((await phone.textContent('h1')) ?? '', /控制台/);
    const overflow = await phone.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
    assert.ok(overflow <= 0, `no horizontal scrolling on a phone (overflow ${overflow}px)`);
    await phone.screenshot({ path: join(ROOT, 'artifacts', 'console-phone.png') });
    // the why view speaks the page's language
    await phone.click('[data-tab="why"]');
    await phone.fill('#w-input', silenced.occurrenceId);
    await phone.click('#w-go');
    await waitFor(
      async () => ((await phone.textContent('#w-verdict')) === `被静默 ${silenceId} 屏蔽` ? true : undefined),
      { timeoutMs: 10_000, what: 'the zh-CN verdict' },
    );
    answers.push(await phone.content(), await page.content());
    await phone.close();

    // no secret in any page or API answer
    for (const path of ['/api/snapshot', '/api/audit', '/', '/console.js']) {
      answers.push(await (await fetch(`${consoleUrl}${path}`)).text());
    }
    const accessToken = new URL(standin.webhookFor('oncall')).searchParams.get('access_token')!;
    assert.ok(answers.length > 10, `answers captured: ${answers.length}`);
    for (const a of answers) {
      for (const secret of [TOKEN, SIGNING, accessToken])
        assert.ok(!a.includes(secret), `secret in ${a.slice(0, 300)}`);
    }
  });
});
