import { createLogger } from '@kube-herald/logging';
import { createKubeStandin } from './kube-standin.js';

// Runs the stand-in as its own process (for a demo or a manual session):
// KUBE_STANDIN_PORT, KUBE_STANDIN_TOKEN, KUBE_STANDIN_CLUSTER, KUBE_STANDIN_KUBECONFIG (file to write),
// KUBE_STANDIN_BOOKMARK_MS, KUBE_STANDIN_EVENT_BOOKMARKS=1, KUBE_STANDIN_FORBIDDEN_AFTER_START_MS,
// KUBE_STANDIN_EVENT_TTL_MS, LOG_LEVEL.
const env = process.env;
const log = createLogger({ name: 'kube-standin', level: env.LOG_LEVEL ?? 'info' });
const standin = createKubeStandin({
  log,
  ...(env.KUBE_STANDIN_TOKEN ? { token: env.KUBE_STANDIN_TOKEN } : {}),
  ...(env.KUBE_STANDIN_CLUSTER ? { clusterName: env.KUBE_STANDIN_CLUSTER } : {}),
  ...(env.KUBE_STANDIN_BOOKMARK_MS ? { bookmarkIntervalMs: Number(env.KUBE_STANDIN_BOOKMARK_MS) } : {}),
  ...(env.KUBE_STANDIN_EVENT_BOOKMARKS === '1' ? { eventBookmarks: true } : {}),
  ...(env.KUBE_STANDIN_FORBIDDEN_AFTER_START_MS
    ? { forbiddenAfterStartMs: Number(env.KUBE_STANDIN_FORBIDDEN_AFTER_START_MS) }
    : {}),
  ...(env.KUBE_STANDIN_EVENT_TTL_MS ? { eventTtlMs: Number(env.KUBE_STANDIN_EVENT_TTL_MS) } : {}),
});
const { url } = await standin.start(Number(env.KUBE_STANDIN_PORT ?? 0));
const kubeconfig = env.KUBE_STANDIN_KUBECONFIG
  ? await standin.writeKubeconfig(env.KUBE_STANDIN_KUBECONFIG)
  : await standin.kubeconfigPath();
log.info({ url, kubeconfig, control: `${url}/_standin/` }, 'kube-standin ready');

const stop = (signal: string): void => {
  log.info({ signal }, 'kube-standin stopping');
  const deadline = setTimeout(() => process.exit(1), 5000);
  deadline.unref();
  standin.close().then(
    () => process.exit(0),
    (err: unknown) => {
      log.error({ err }, 'kube-standin close failed');
      process.exit(1);
    },
  );
};
process.once('SIGTERM', () => stop('SIGTERM'));
process.once('SIGINT', () => stop('SIGINT'));
