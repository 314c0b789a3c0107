/**
 * Fault injection on the rig's control plane, for the chaos tier (test/e2e/chaos.e2e.test.ts):
 * restarts of etcd and kube-apiserver through test/e2e/rig/restart.sh, which stops the process
 * and starts it again with the same command line and data (etcd keeps its data dir, so the
 * cluster survives), then waits until it is healthy. Asynchronous, so that watches and
 * controller logs are read while the component is away.
 */
import { execFile } from 'child_process';
import * as path from 'path';
import { rigKubeconfig } from './rig';

const RESTART = path.resolve(__dirname, '..', 'rig', 'restart.sh');

export type RigComponent = 'etcd' | 'kube-apiserver';

export interface RestartOptions {
  /** SIGTERM (a rolling restart, the default) or SIGKILL (a crash). */
  readonly signal?: 'TERM' | 'KILL';
  /** Seconds to stay down before starting again (default 0). */
  readonly downSeconds?: number;
}

/** What one restart took, on the test's clock. */
export interface Restart {
  readonly component: RigComponent;
  readonly signal: 'TERM' | 'KILL';
  readonly startedAt: number;
  /** When the component answered its health check again. */
  readonly healthyAt: number;
  readonly newPid: number;
}

/** The rig dir: the one jest's globalSetup started, else the kubeconfig's directory. */
export function rigDir(): string {
  return process.env.CDK8S_BATCH_RIG_DIR ?? path.dirname(rigKubeconfig());
}

/** Stops `component`, starts it again with the same command line and data, waits until healthy. */
export function restartRigComponent(component: RigComponent, options: RestartOptions = {}): Promise<Restart> {
  const signal = options.signal ?? 'TERM';
  const startedAt = Date.now();
  const args = [RESTART, component, '--signal', signal, '--down', String(options.downSeconds ?? 0)];
  return new Promise((resolve, reject) => {
    execFile('bash', args, { env: { ...process.env, CDK8S_BATCH_RIG_DIR: rigDir() }, encoding: 'utf8', timeout: 180_000 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`restart of ${component} failed: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ component, signal, startedAt, healthyAt: Date.now(), newPid: Number(stdout.trim().split('\n').pop()) });
      });
  });
}
