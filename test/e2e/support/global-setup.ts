/**
 * jest globalSetup for the e2e tier: builds the control plane binaries (cached, instant when
 * warm) and starts a fresh rig in its own temp dir, then exports its kubeconfig path in
 * CDK8S_BATCH_RIG_KUBECONFIG for the tests (see ./rig.ts).
 *
 * To iterate quickly, start a rig once (`bash test/e2e/rig/start.sh`), then
 * `export CDK8S_BATCH_RIG_KUBECONFIG=<printed path>`: jest reuses it and leaves it running.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KUBECONFIG_ENV, KUBECTL_ENV } from './rig';

const RIG_SRC = path.resolve(__dirname, '..', 'rig');
/** Set by this setup when it started the rig, so teardown stops only a rig it owns. */
export const OWNED_RIG_ENV = 'CDK8S_BATCH_RIG_STARTED_BY_JEST';

function runScript(script: string, env: NodeJS.ProcessEnv): string {
  // Progress and logs go to stderr (inherited, visible in the jest run); stdout carries
  // the script's result on its last line.
  const out = execFileSync('bash', [path.join(RIG_SRC, script)], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  return out.trim().split('\n').pop() ?? '';
}

export default async function globalSetup(): Promise<void> {
  if (process.env[KUBECONFIG_ENV]) {
    process.stderr.write(`\n[e2e] reusing the rig at ${process.env[KUBECONFIG_ENV]} (not started or stopped by jest)\n`);
    return;
  }
  const bin = runScript('build.sh', process.env);
  const rigDir = process.env.CDK8S_BATCH_RIG_DIR
    ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-rig-'));
  const kubeconfig = runScript('start.sh', {
    ...process.env,
    CDK8S_BATCH_RIG_DIR: rigDir,
    CDK8S_BATCH_RIG_BIN_DIR: bin,
    // If jest dies without running globalTeardown (SIGKILL, crash), the rig's watchdog
    // notices this process is gone and stops the rig.
    CDK8S_BATCH_RIG_OWNER_PID: String(process.pid),
  });
  process.env[KUBECONFIG_ENV] = kubeconfig;
  process.env[KUBECTL_ENV] = path.join(bin, 'kubectl');
  process.env.CDK8S_BATCH_RIG_DIR = rigDir;
  process.env[OWNED_RIG_ENV] = rigDir;
}
