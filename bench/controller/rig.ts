/**
 * The real control plane for the controller benchmark: test/e2e/rig/start.sh in a fresh
 * temporary directory (loopback only), stopped and removed by `stop()`. If the process dies
 * without calling it, the rig's watchdog (CDK8S_BATCH_RIG_OWNER_PID) stops the rig.
 *
 * With CDK8S_BATCH_RIG_KUBECONFIG set (a rig you started yourself with start.sh), that rig
 * is used instead and left running, as the e2e tests do.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KUBECONFIG_ENV, KUBECTL_ENV } from '../../test/e2e/support/rig';

const RIG_SRC = path.resolve(__dirname, '..', '..', 'test', 'e2e', 'rig');

function runScript(script: string, args: string[], env: NodeJS.ProcessEnv): string {
  // Progress goes to stderr (shown); stdout's last line is the script's result.
  const out = execFileSync('bash', [path.join(RIG_SRC, script), ...args], {
    env, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', timeout: 900_000,
  });
  return out.trim().split('\n').pop() ?? '';
}

export class Rig {
  /** Starts a rig (or adopts the one named by CDK8S_BATCH_RIG_KUBECONFIG). */
  static start(): Rig {
    const existing = process.env[KUBECONFIG_ENV];
    if (existing) {
      process.stderr.write(`[bench] using the rig at ${existing} (left running)\n`);
      return new Rig(existing, undefined);
    }
    const bin = runScript('build.sh', [], process.env); // instant once built
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-bench-rig-'));
    const rig = new Rig('', dir);
    try {
      const kubeconfig = runScript('start.sh', [], {
        ...process.env,
        CDK8S_BATCH_RIG_DIR: dir,
        CDK8S_BATCH_RIG_BIN_DIR: bin,
        CDK8S_BATCH_RIG_OWNER_PID: String(process.pid),
      });
      rig.kubeconfig = kubeconfig;
    } catch (e) {
      rig.stop(); // start.sh stops what it started; this removes the directory
      throw e;
    }
    process.env[KUBECONFIG_ENV] = rig.kubeconfig;
    process.env[KUBECTL_ENV] = path.join(bin, 'kubectl');
    return rig;
  }

  private stopped = false;

  private constructor(public kubeconfig: string, private readonly dir: string | undefined) {}

  /** Whether this process started the rig (and so stops it). */
  get owned(): boolean {
    return this.dir !== undefined;
  }

  /** Stops the rig and removes its directory (synchronous, so it can run in a signal handler). */
  stop(): void {
    if (this.stopped || !this.dir) return;
    this.stopped = true;
    try {
      runScript('stop.sh', ['--purge'], { ...process.env, CDK8S_BATCH_RIG_DIR: this.dir });
    } finally {
      fs.rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
