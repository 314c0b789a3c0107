/**
 * The CLI's connection to a cluster: the same kubeconfig rules and REST client as the
 * controller, writing as `cdk8s-batch` (fieldManager).
 */
import { Command } from 'commander';
import { UsageError } from './errors';
import { CliIo } from './io';
import type { KubeApi } from '../kube/api';
// Loaded by `connect` (node:https, TLS and crypto are a good part of every command's start-up,
// and the offline commands, `schedule` and `explain`, never need them).
import type * as ConfigModule from '../kube/config';
import type * as RestModule from '../kube/rest';

/** The `fieldManager` of the CLI's writes. */
export const CLI_FIELD_MANAGER = 'cdk8s-batch';

export interface ClusterFlags {
  readonly kubeconfig?: string;
  readonly namespace?: string;
}

export interface Cluster {
  readonly api: KubeApi;
  /** `--namespace`, else the kubeconfig context's, else `default`. */
  readonly namespace: string;
}

/** Adds `--kubeconfig` and `-n, --namespace` to a command. */
export function withClusterFlags(command: Command): Command {
  return command
    .option('--kubeconfig <path>', 'kubeconfig to use (default: $KUBECONFIG, in-cluster config, ~/.kube/config)')
    .option('-n, --namespace <namespace>', 'namespace of the workload (default: the kubeconfig context\'s, else "default")');
}

/** The kubeconfig's cluster; `hint` is added to the error when there is none. */
export async function connect(io: CliIo, flags: ClusterFlags, hint?: string): Promise<Cluster> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { contextNamespace, loadKubeConfig, NoClusterConfigError } = require('../kube/config') as typeof ConfigModule;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { RestClient } = require('../kube/rest') as typeof RestModule;
  try {
    const { kc } = loadKubeConfig(flags.kubeconfig, io.env);
    return {
      api: new RestClient(kc, { fieldManager: CLI_FIELD_MANAGER, timeoutMs: 15_000 }),
      namespace: flags.namespace ?? contextNamespace(kc) ?? 'default',
    };
  } catch (e) {
    if (e instanceof NoClusterConfigError) throw new UsageError(hint ? `${e.message}. ${hint}` : e.message);
    throw e;
  }
}
