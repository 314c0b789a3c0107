/**
 * Finding the cluster, for the controller and the CLI alike: `--kubeconfig`, else
 * `$KUBECONFIG`, else the pod's ServiceAccount in a cluster, else `~/.kube/config`.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export type ClientNode = typeof import('@kubernetes/client-node', { with: { 'resolution-mode': 'import' } });
export type KubeConfig = InstanceType<ClientNode['KubeConfig']>;

/** client-node 1.x is ESM-only: loaded once, with import(). */
export async function loadClientNode(): Promise<ClientNode> {
  return import('@kubernetes/client-node');
}

export interface LoadedKubeConfig {
  readonly kc: KubeConfig;
  readonly inCluster: boolean;
  /** Where it came from, for logs and messages: a path, or `in-cluster`. */
  readonly source: string;
}

/** Thrown when no cluster configuration can be found. */
export class NoClusterConfigError extends Error {}

export function loadKubeConfig(k8s: ClientNode, explicitPath?: string, env: NodeJS.ProcessEnv = process.env): LoadedKubeConfig {
  const kc = new k8s.KubeConfig();
  if (explicitPath) {
    if (!fs.existsSync(explicitPath)) throw new NoClusterConfigError(`--kubeconfig ${explicitPath}: no such file`);
    kc.loadFromFile(explicitPath);
    return { kc, inCluster: false, source: explicitPath };
  }
  if (env.KUBECONFIG) {
    kc.loadFromDefault();
    return { kc, inCluster: false, source: env.KUBECONFIG };
  }
  if (env.KUBERNETES_SERVICE_HOST) {
    kc.loadFromCluster();
    return { kc, inCluster: true, source: 'in-cluster' };
  }
  const home = path.join(os.homedir(), '.kube', 'config');
  if (fs.existsSync(home)) {
    kc.loadFromFile(home);
    return { kc, inCluster: false, source: home };
  }
  throw new NoClusterConfigError('no cluster configuration: pass --kubeconfig, set KUBECONFIG, or run in a cluster');
}

/** The namespace of the kubeconfig's current context, if it names one. */
export function contextNamespace(kc: KubeConfig): string | undefined {
  return kc.getContextObject(kc.getCurrentContext())?.namespace || undefined;
}
