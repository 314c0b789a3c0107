/**
 * Benchmark: synthesizing 1,000 ScheduledBatch workloads against 1,000 plain cdk8s-plus-27
 * CronJobs with the same pods, and against the floor (the same plain CronJobs' JSON written as
 * bare `ApiObject`s: serialising the same kind of YAML, nothing else), in one process,
 * alternating rounds so that machine noise hits all sides alike. Also: schedule resolutions per
 * second.
 *
 * Run: `TS_NODE_PROJECT=bench/tsconfig.json node --expose-gc -r ts-node/register/transpile-only
 * bench/scheduled-batch.ts` (also part of `npx projen bench`, without the forced collections).
 *
 * Profile one side: `node --cpu-prof --cpu-prof-dir=/tmp/prof -r ts-node/register/transpile-only
 * bench/scheduled-batch.ts profile batch` (or `plain`, `floor`), with TS_NODE_PROJECT=bench/tsconfig.json.
 */
import { ApiObject, App, Chart, Cron } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Schedule, ScheduledBatch } from '../src';

const WORKLOADS = 1000;
const ROUNDS = 9;
/** Issue 17's expression: every workload hashes its own minute and hour. */
const EXPRESSION = 'H H(0-5) * * *';

function pod(i: number): kplus.ContainerProps {
  return { name: 'main', image: `registry.example/job-${i % 17}:1.0`, args: ['run', `--shard=${i}`] };
}

function synthPlain(): number {
  const app = new App();
  const chart = new Chart(app, 'plain');
  for (let i = 0; i < WORKLOADS; i++) {
    new kplus.CronJob(chart, `job-${i}`, { schedule: Cron.schedule({ minute: String(i % 60), hour: String(i % 6) }), containers: [pod(i)] });
  }
  return app.synthYaml().length;
}

/** What plain kplus emits for `pod(i)`, written out: the floor serialises this with no constructs of kplus. */
function floorSpec(i: number): Record<string, unknown> {
  const p = pod(i);
  return {
    concurrencyPolicy: 'Forbid',
    failedJobsHistoryLimit: 1,
    jobTemplate: {
      spec: {
        template: {
          metadata: { labels: { 'cdk8s.io/metadata.addr': `floor-job-${i}` } },
          spec: {
            automountServiceAccountToken: false,
            containers: [{
              args: p.args,
              image: p.image,
              imagePullPolicy: 'Always',
              name: p.name,
              resources: { limits: { cpu: '1500m', memory: '2048Mi' }, requests: { cpu: '1000m', memory: '512Mi' } },
              securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true },
            }],
            dnsPolicy: 'ClusterFirst',
            hostNetwork: false,
            restartPolicy: 'Never',
            securityContext: { fsGroupChangePolicy: 'Always', runAsNonRoot: true },
            setHostnameAsFQDN: false,
            terminationGracePeriodSeconds: 30,
          },
        },
      },
    },
    schedule: `${i % 60} ${i % 6} * * *`,
    startingDeadlineSeconds: 10,
    successfulJobsHistoryLimit: 3,
    suspend: false,
  };
}

function synthFloor(): number {
  const app = new App();
  const chart = new Chart(app, 'floor');
  for (let i = 0; i < WORKLOADS; i++) {
    new ApiObject(chart, `job-${i}`, { apiVersion: 'batch/v1', kind: 'CronJob', spec: floorSpec(i) });
  }
  return app.synthYaml().length;
}

function synthBatch(): number {
  const app = new App();
  const chart = new Chart(app, 'batch');
  for (let i = 0; i < WORKLOADS; i++) {
    new ScheduledBatch(chart, `job-${i}`, { schedule: Schedule.cron(EXPRESSION), containers: [pod(i)] });
  }
  return app.synthYaml().length;
}

/**
 * CPU time (user + system) of the process while `fn` runs, not wall time: on a machine shared
 * with other work, wall time mostly measures the wait for a core. Both sides are timed alike.
 */
function timeMs(fn: () => number): { ms: number; bytes: number } {
  // With --expose-gc, start every side on a collected heap (no side pays for another's garbage).
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.cpuUsage();
  const bytes = fn();
  const used = process.cpuUsage(start);
  return { ms: (used.user + used.system) / 1000, bytes };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function benchScheduledBatch(): Record<string, string> {
  synthPlain(); synthBatch(); synthFloor(); // warm-up: JIT and module loading
  const plain: number[] = []; const batch: number[] = []; const floor: number[] = [];
  const ratioPlain: number[] = []; const ratioFloor: number[] = [];
  let plainBytes = 0; let batchBytes = 0; let floorBytes = 0;
  for (let r = 0; r < ROUNDS; r++) {
    // Rotate the order so that no side always runs right after another's garbage.
    const sides = [
      () => { const p = timeMs(synthPlain); plain.push(p.ms); plainBytes = p.bytes; },
      () => { const b = timeMs(synthBatch); batch.push(b.ms); batchBytes = b.bytes; },
      () => { const f = timeMs(synthFloor); floor.push(f.ms); floorBytes = f.bytes; },
    ];
    for (let s = 0; s < sides.length; s++) sides[(s + r) % sides.length]();
    ratioPlain.push(batch[r] / plain[r]);
    ratioFloor.push(batch[r] / floor[r]);
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
    'cdk8s-plus-27 CronJob synth, CPU ms': median(plain).toFixed(0),
    [`ScheduledBatch (${EXPRESSION}) synth, CPU ms`]: median(batch).toFixed(0),
    'bare ApiObject CronJob synth (floor), CPU ms': median(floor).toFixed(0),
    'ratio ScheduledBatch / CronJob (of medians; median per round)': `${(median(batch) / median(plain)).toFixed(2)}; ${median(ratioPlain).toFixed(2)}`,
    'ratio ScheduledBatch / floor (of medians; median per round)': `${(median(batch) / median(floor)).toFixed(2)}; ${median(ratioFloor).toFixed(2)}`,
    'ratio CronJob / floor': (median(plain) / median(floor)).toFixed(2),
    'YAML bytes (plain / batch / floor)': `${plainBytes} / ${batchBytes} / ${floorBytes}`,
    'schedule resolutions per second': Math.round(resolutions / (resolveMs / 1000)).toString(),
  };
}

if (require.main === module) {
  if (process.argv[2] === 'profile') {
    const side = { batch: synthBatch, plain: synthPlain, floor: synthFloor }[process.argv[3] ?? 'batch'];
    if (!side) throw new Error(`profile: unknown side "${process.argv[3]}"; use batch, plain or floor`);
    for (let r = 0; r < 6; r++) side();
  } else {
    console.table(benchScheduledBatch());
  }
}
