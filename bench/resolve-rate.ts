/**
 * Resolutions per second of `Schedule.cron(e).resolve(seed)` with fresh seeds, as one line, so
 * the same file can run in an older checkout for a before/after comparison (bench/README.md).
 * Prints the median rate per wall-clock second and per CPU second of this process (user + system):
 * on a shared machine the second is the steadier figure. With `construct` as argument, the
 * schedule is built in the loop too (`Schedule.cron(e)` per call, as every workload does).
 */
import { Schedule } from '../src';
const seeds = Array.from({ length: 200_000 }, (_, i) => `team-${i % 97}/nightly-report-${i}`);
const expressions = ['H H * * *', 'H/15 * * * *', 'H(0-29)/10 H/3 H(1-15) * MON-FRI'];
const schedules = expressions.map(e => Schedule.cron(e));
const construct = process.argv[2] === 'construct';
const wall: number[] = [];
const cpu: number[] = [];
for (let r = 0; r < 6; r++) {
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  if (construct) {
    for (let i = 0; i < seeds.length; i++) Schedule.cron(expressions[i % 3]).resolve(seeds[i]);
  } else {
    for (let i = 0; i < seeds.length; i++) schedules[i % 3].resolve(seeds[i]);
  }
  const used = process.cpuUsage(cpuStart);
  wall.push(seeds.length / (Number(process.hrtime.bigint() - start) / 1e9));
  cpu.push(seeds.length / ((used.user + used.system) / 1e6));
}
wall.shift();
cpu.shift();
const median = (values: number[]) => Math.round(values.sort((a, b) => a - b)[2]);
console.log(`wall ${median(wall)} cpu ${median(cpu)}${construct ? ' (construct)' : ''}`);
