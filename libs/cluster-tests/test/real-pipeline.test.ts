import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createDingtalkStandin, type DingtalkStandin } from '@kube-herald/dingtalk-standin';
import {
  collectorIdentity,
  create,
  deployment,
  freshTopic,
  namespace,
  remove,
  startCollector,
  startService,
  type CollectorIdentity,
  type ServiceChild,
} from '@kube-herald/cluster-tests';
import { kafkaBrokers, redisUrl, uniqueName, waitFor } from '@kube-herald/testing';

// The whole pipeline once on a real control plane: the scheduler's FailedScheduling for a Deployment's
// Pods → collector (chart RBAC, ServiceAccount token) → Kafka → notifier → DingTalk robot stand-in.
describe('real events → Kafka → notifier → DingTalk (real control plane)', () => {
  let id: CollectorIdentity;
  let dingtalk: DingtalkStandin;
  const children: ServiceChild[] = [];

  before(async () => {
    id = await collectorIdentity('kh-pipeline', true);
    const topic = await freshTopic('pipeline-events');
    const dlqTopic = await freshTopic('pipeline-dlq', 1);
    dingtalk = createDingtalkStandin({
      robots: [{ name: 'oncall', token: uniqueName('tok'), keywords: ['K8s'] }],
    });
    await dingtalk.start();
    children.push(
      startCollector({
        name: 'pipeline-collector',
        kubeconfig: id.kubeconfig,
        topic,
        api: 'events.k8s.io/v1',
        namespaces: [id.ns],
      }),
      startService('notifier', 'pipeline-notifier', {
        kafka: { brokers: kafkaBrokers(), topic, dlqTopic, groupId: uniqueName('pipeline-notifier') },
        redis: { url: redisUrl(), prefix: uniqueName('khp') },
        receivers: [
          {
            name: 'oncall',
            type: 'dingtalk',
            webhook: dingtalk.webhookFor('oncall'),
            insecureHttp: true,
            keywords: ['K8s'],
            msgType: 'markdown',
          },
        ],
        route: {
          receiver: 'oncall',
          groupBy: ['cluster', 'namespace', 'reason'],
          groupWait: '1s',
          groupInterval: '10s',
          repeatInterval: '1h',
          routes: [{ drop: { type: 'Normal' } }],
        },
        log: { level: 'info' },
      }),
    );
    await Promise.all(children.map((c) => c.url()));
  });

  after(async () => {
    await Promise.all(children.map((c) => c.stop()));
    await dingtalk.close();
    await remove(id.admin, namespace(id.ns));
  });

  it('delivers a DingTalk message naming the Deployment whose Pods cannot be scheduled', async () => {
    await create(id.admin, deployment(id.ns, 'checkout', 1, { 'kube-herald.test/node-for': 'nowhere' }));
    const message = await waitFor(
      () => dingtalk.messages('oncall').find((m) => m.text.includes('FailedScheduling')),
      { timeoutMs: 120_000, intervalMs: 500, what: 'a DingTalk message about FailedScheduling' },
    );
    assert.match(message.text, /Deployment checkout/);
    assert.ok(message.text.includes(id.ns), 'names the namespace');
    assert.ok(message.text.includes('K8s'), 'carries the robot’s keyword');
    for (const c of children)
      assert.deepEqual(
        c.warnings().map((l) => l.msg),
        [],
      );
  });
});
