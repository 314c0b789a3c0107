/**
 * Writes the fleet fixture for `cdk8s-batch schedule --spread` at fleet size (issue 17):
 * `npx ts-node --project bench/tsconfig.json bench/spread-fleet.ts DIR [COUNT]` writes
 * DIR/fleet.yaml with COUNT (default 1,000) CronJobs; time the command with farm-bench
 * (see bench/README.md).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fleetYaml } from '../controller/test/support/fleet';

const [dir, count] = process.argv.slice(2);
fs.mkdirSync(dir, { recursive: true });
fs.writeFileSync(path.join(dir, 'fleet.yaml'), fleetYaml(Number(count ?? 1000)));
