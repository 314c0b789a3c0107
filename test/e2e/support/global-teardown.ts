/**
 * jest globalTeardown for the e2e tier: stops the rig that globalSetup started (also when
 * tests failed). Logs stay in <rig dir>/logs; set CDK8S_BATCH_RIG_KEEP=1 to leave the rig
 * running for a look with `source <rig dir>/rig.env; kubectl get all -A`.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { OWNED_RIG_ENV } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const rigDir = process.env[OWNED_RIG_ENV];
  if (!rigDir) return; // a reused rig belongs to whoever started it
  if (process.env.CDK8S_BATCH_RIG_KEEP === '1') {
    process.stderr.write(`\n[e2e] CDK8S_BATCH_RIG_KEEP=1: rig left running; stop it with CDK8S_BATCH_RIG_DIR=${rigDir} bash test/e2e/rig/stop.sh\n`);
    return;
  }
  execFileSync('bash', [path.resolve(__dirname, '..', 'rig', 'stop.sh')], {
    env: { ...process.env, CDK8S_BATCH_RIG_DIR: rigDir },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}
