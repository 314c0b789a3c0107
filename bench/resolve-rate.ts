/**
 * Resolutions per second of `Schedule.cron(e).resolve(seed)` with fresh seeds, as one number, so
 * the same file can run in an older checkout for a before/after comparison (bench/README.md).
 */
import { Schedule } from '../src';
const seeds = Array.from({ length: 200_000 }, (_, i) => `team-${i % 97}/nightly-report-${i}`);
const schedules = ['H H * * *', 'H/15 * * * *', 'H(0-29)/10 H/3 H(1-15) * MON-FRI'].map(e => Schedule.cron(e));
const rates: number[] = [];
for (let r = 0; r < 6; r++) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < seeds.length; i++) schedules[i % 3].resolve(seeds[i]);
  rates.push(seeds.length / (Number(process.hrtime.bigint() - start) / 1e9));
}
rates.shift();
console.log(Math.round(rates.sort((a, b) => a - b)[2]));
