// Child process of profile-hot-path.ts: a kube-standin fed with events on request (IPC), so its CPU and
// memory are not counted against the collector's.
import { createKubeStandin } from '@kube-herald/kube-standin';

const standin = createKubeStandin({ watchCacheSize: 500_000 });
await standin.start(0);
const kubeconfig = await standin.kubeconfigPath();
let made = 0;
function create(n: number, done: () => void): void {
  let left = n;
  const t0 = performance.now();
  const step = (): void => {
    for (let i = 0; i < 500 && left > 0; i++, left--) {
      made += 1;
      standin.createEvent({
        involvedObject: { kind: 'Pod', name: `pod-${made % 5000}`, namespace: `ns-${made % 20}` },
        reason: made % 3 ? 'BackOff' : 'FailedScheduling',
        message: `Back-off restarting failed container app in pod pod-${made % 5000} (attempt ${made})`,
        type: 'Warning',
        source: { component: 'kubelet', host: `node-${made % 50}` },
      });
    }
    if (left > 0) setImmediate(step);
    else {
      process.stderr.write(`stand-in created ${n} in ${(performance.now() - t0).toFixed(0)} ms\n`);
      done();
    }
  };
  step();
}
process.on('message', (m: { create?: number; stop?: boolean }) => {
  if (m.create) create(m.create, () => process.send?.({ created: made }));
  if (m.stop) void standin.close().then(() => process.exit(0));
});
// The parent may die (timeout, Ctrl-C): never outlive it.
process.on('disconnect', () => process.exit(0));
process.send?.({ kubeconfig });
