/**
 * Runs every benchmark in bench/ and prints its results (`npx projen bench`).
 * Record the output in bench/README.md.
 */
import { benchMatrixExpand } from './matrix-expand';
import { benchMatrixJob } from './matrix-job';
import { benchScheduleCore } from './schedule-core';
import { benchScheduledBatch } from './scheduled-batch';

const benches: Record<string, () => Record<string, string>> = {
  'ScheduledBatch vs cdk8s-plus-27 CronJob': benchScheduledBatch,
  'Schedule core: resolve, XXH64, zone offsets': benchScheduleCore,
  'Matrix expansion, 100,000 cells': benchMatrixExpand,
  'ParallelMatrixJob synth, 10,000 cells': benchMatrixJob,
};

const only = process.argv[2];
console.log(`node ${process.version}, ${new Date().toISOString()}`);
for (const [name, run] of Object.entries(benches)) {
  if (only && !name.toLowerCase().includes(only.toLowerCase())) continue;
  console.log(`\n## ${name}`);
  console.table(run());
}
