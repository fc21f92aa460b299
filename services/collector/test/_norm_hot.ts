import { readdirSync, readFileSync } from 'node:fs';
import { encodeEvent, normalize, partitionKey } from '@kube-herald/events';
const dir = '/work/main/libs/events/test/real-events/core-v1/';
const evs = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(dir + f, 'utf8')));
const ctx = { cluster: { id: 'bench-1', name: 'Bench' }, collector: { instance: 'bench-0', version: 'b' } };
for (const round of [0, 1, 2]) {
  const N = 50000;
  const c0 = process.cpuUsage();
  let ok = 0;
  for (let i = 0; i < N; i++) {
    const res = normalize(evs[i % evs.length], { ...ctx, observedAt: new Date() });
    if (res.ok) { ok++; partitionKey(res.event); encodeEvent(res.event); }
  }
  const c = process.cpuUsage(c0);
  console.log(round, 'ok', ok, 'µs/event', ((c.user + c.system) / N).toFixed(1));
}
