import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createDingtalkStandin } from '@kube-herald/dingtalk-standin';
import {
  createDingtalkReceiver,
  dingtalkReceiverSchema as receiverSchema,
} from '../src/receivers/dingtalk/index.js';
import { digest, incident, loadedConfig } from './render-fixtures.js';

test('DingTalk receiver against the stand-in: signed, keyword added, mentions in at and text, hostile text inert', async () => {
  const standin = createDingtalkStandin({
    robots: [{ name: 'oncall', token: 'tok-dt-1', secret: 'SECdt1', keywords: ['K8s'] }],
  });
  await standin.start();
  try {
    const cfg = loadedConfig(receiverSchema, {
      name: 'oncall',
      type: 'dingtalk',
      keywords: ['K8s'],
      mentions: { mobiles: ['13800000001'] },
    });
    const r = createDingtalkReceiver(cfg, { webhook: standin.webhookFor('oncall'), secret: 'SECdt1' });
    assert.equal(r.ratePerMinute, 18);
    const hostile = incident({ message: '@all @13900000000 [x](http://e.example) oops' });
    const out = await r.send(r.render(digest([hostile, incident({ object: { kind: 'Pod', name: 'b' } })])));
    assert.equal(out.verdict, 'ok', JSON.stringify(out));
    const [msg] = standin.messages('oncall');
    assert.ok(msg);
    assert.equal(msg.msgtype, 'markdown');
    assert.ok(msg.text.includes('K8s'));
    assert.ok(msg.text.includes('@13800000001'));
    assert.deepEqual(msg.at, { atMobiles: ['13800000001'], atUserIds: [], isAtAll: false });
    assert.ok(!msg.text.includes('@all') && !msg.text.includes('@13900000000'));
    assert.match(msg.title ?? '', /^\[prod-hz\] payments BackOff: 2 个新问题$/);
  } finally {
    await standin.close();
  }
});
