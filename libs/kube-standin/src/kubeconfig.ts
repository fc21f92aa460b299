/** What a kubeconfig for the stand-in names. */
export interface KubeconfigParams {
  readonly server: string;
  readonly token: string;
  readonly clusterName: string;
  readonly namespace?: string;
}

/**
 * Renders a kubeconfig (YAML) with one cluster, one bearer-token user and one current context.
 * `insecure-skip-tls-verify` is set because @kubernetes/client-node refuses an `http:` server otherwise.
 */
export function renderKubeconfig(p: KubeconfigParams): string {
  const q = (s: string): string => JSON.stringify(s);
  const user = `${p.clusterName}-user`;
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${q(p.clusterName)}`,
    '  cluster:',
    `    server: ${q(p.server)}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    `- name: ${q(user)}`,
    '  user:',
    `    token: ${q(p.token)}`,
    'contexts:',
    `- name: ${q(p.clusterName)}`,
    '  context:',
    `    cluster: ${q(p.clusterName)}`,
    `    user: ${q(user)}`,
    `    namespace: ${q(p.namespace ?? 'default')}`,
    `current-context: ${q(p.clusterName)}`,
    'preferences: {}',
    '',
  ].join('\n');
}
