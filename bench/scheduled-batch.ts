/**
 * Benchmark: synthesizing 1,000 ScheduledBatch workloads against 1,000 plain cdk8s-plus-27
 * CronJobs with the same pods, in one process, alternating rounds so that machine noise hits
 * both sides alike. Also: schedule resolutions per second.
 */
import { App, Chart, Cron } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Schedule, ScheduledBatch } from '../src';

const WORKLOADS = 1000;
const ROUNDS = 5;

function pod(i: number): kplus.ContainerProps {
  return { name: 'main', image: `registry.example/job-${i % 17}:1.0`, args: ['run', `--shard=${i}`] };
}

function synthPlain(): number {
  const app = new App();
  const chart = new Chart(app, 'plain');
  for (let i = 0; i < WORKLOADS; i++) {
    new kplus.CronJob(chart, `job-${i}`, { schedule: Cron.schedule({ minute: String(i % 60), hour: String(i % 24) }), containers: [pod(i)] });
  }
  return app.synthYaml().length;
}

function synthBatch(): number {
  const app = new App();
  const chart = new Chart(app, 'batch');
  for (let i = 0; i < WORKLOADS; i++) {
    new ScheduledBatch(chart, `job-${i}`, { schedule: Schedule.cron('H H * * *'), containers: [pod(i)] });
  }
  return app.synthYaml().length;
}

function timeMs(fn: () => number): { ms: number; bytes: number } {
  const start = process.hrtime.bigint();
  const bytes = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, bytes };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function benchScheduledBatch(): Record<string, string> {
  synthPlain(); synthBatch(); // warm-up: JIT and module loading
  const plain: number[] = []; const batch: number[] = [];
  let plainBytes = 0; let batchBytes = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const p = timeMs(synthPlain); plain.push(p.ms); plainBytes = p.bytes;
    const b = timeMs(synthBatch); batch.push(b.ms); batchBytes = b.bytes;
  }

  const schedule = Schedule.cron('H(0-29)/10 H/3 H(1-15) * MON-FRI');
  const resolutions = 20_000;
  const start = process.hrtime.bigint();
  for (let i = 0; i < resolutions; i++) {
    schedule.resolve(`team-${i % 50}/job-${i}`);
  }
  const resolveMs = Number(process.hrtime.bigint() - start) / 1e6;

  return {
    'workloads per side': String(WORKLOADS),
    'rounds (median reported)': String(ROUNDS),
    'cdk8s-plus-27 CronJob synth, ms': median(plain).toFixed(0),
    'ScheduledBatch synth, ms': median(batch).toFixed(0),
    'ratio ScheduledBatch / CronJob': (median(batch) / median(plain)).toFixed(2),
    'YAML bytes (plain / batch)': `${plainBytes} / ${batchBytes}`,
    'schedule resolutions per second': Math.round(resolutions / (resolveMs / 1000)).toString(),
  };
}

if (require.main === module) {
  console.table(benchScheduledBatch());
}
