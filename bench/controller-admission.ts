/**
 * Benchmark: the companion controller on the real control plane (GitHub issue 6).
 *
 *   npx ts-node --project bench/tsconfig.json bench/controller-admission.ts [admission|memory]
 *
 * Starts its own rig (test/e2e/rig/start.sh in a temporary directory, 127.0.0.1 only; built
 * first by build.sh, cached) and stops and removes it at the end, also on failure or Ctrl-C;
 * with CDK8S_BATCH_RIG_KUBECONFIG set, it uses that rig instead and leaves it running. The
 * controller is the compiled one (controller/dist/controller/src/main.js, built with
 * `tsc --build`), run as a subprocess with the least-privilege RBAC of the e2e tests
 * (test/e2e/controller-process.ts), leader election on, 2 workers, log level info. Its
 * NODE_OPTIONS get a preload that runs a full GC on SIGUSR2 (for the memory readings), plus
 * CDK8S_BATCH_BENCH_CONTROLLER_NODE_OPTIONS if set (experiments, e.g. a profiling preload).
 * An argument runs only that half. Takes about 9 minutes, most of it waiting for the Job
 * controller (see memory below).
 *
 * Inputs (fixed; nothing random but the namespace suffixes):
 *
 * 1. Admission latency. 20 workloads (`ScheduledBatch` with `Concurrency.enqueue({
 *    maxConcurrency: 1 })`, synthesized with cdk8s), 12 Jobs each stamped from the CronJob's
 *    jobTemplate (suspended, with the Enqueue annotations), created per workload in name order.
 *    kwok pods exit 0 one second after Running. The first Job of a workload is admitted at
 *    once; each of the other 11 when the one before it finishes: 220 measured admissions.
 *    Per admission: from the moment the benchmark's watch on the namespace's Jobs sees the
 *    previous Job's Complete/Failed condition to the moment it sees the next Job with
 *    `spec.suspend: false` (one watch, one monotonic clock). Split with the controller's own
 *    times (same machine clock): its `admitted-at` annotation (reconcile start) and its
 *    `admitted Job` log line (PATCH answered).
 *    Baseline in the same run, the benchmark acting as an ideal controller: whenever its watch
 *    sees a Job finish, it merge-patches a probe Job (outside every workload, so the controller
 *    never sees it) at once, alternately over a kept-alive connection and a new TLS
 *    connection, and times finish seen -> own PATCH seen. Also every 250 ms: the same PATCH
 *    and watch round trip at arbitrary moments (steady probes).
 * 2. Memory. A fresh controller in a new namespace: `process_resident_memory_bytes` and the
 *    V8 heap from its /metrics with 0 Jobs; then 5,000 suspended Jobs of 50 workloads
 *    (ScheduledBatch without Enqueue, so nothing admits them), created 16 requests at a time;
 *    once the Job controller has written their `Suspended` condition (about 5 minutes: its
 *    client is rate-limited) and the controller has provably caught up (it admits a sentinel
 *    Enqueue Job created after them), the same readings again; and once more after
 *    restarting the controller (caches filled by LIST). Every reading waits until RSS and
 *    heap are steady (5 readings 1 s apart within 2%), then forces a full GC and reads again.
 *
 * Prints the results as Markdown (for bench/README.md) and JSON.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { Concurrency } from '../src';
import { inParallel, Kube, KubeObject, WatchEvent } from './controller/kube';
import { Rig } from './controller/rig';
import { labelValues, metricValue, mib, ms, summarize, Summary } from './controller/stats';
import { hasCondition, isFinished, jobOf, synthWorkloads, Workload } from './controller/workloads';
import { buildController, ControllerProcess, deleteControllerRbac } from '../test/e2e/controller-process';
import { createNamespace, deleteNamespace } from '../test/e2e/support/rig';

// ---------------------------------------------------------------- inputs

const WORKLOADS = 20;
const JOBS_PER_WORKLOAD = 12;
const MAX_CONCURRENCY = 1;
const PROBE_INTERVAL_MS = 250;
/** Probes of each kind left out at the start (connection set-up, JIT). */
const PROBE_WARMUP = 4;
const MEMORY_JOBS = 5000;
const MEMORY_WORKLOADS = 50;
const CREATE_PARALLELISM = 16;
/** Memory readings: wait at least this long, then until 5 readings 1 s apart agree within 2%. */
const SETTLE_MIN_MS = 10_000;
const SETTLE_MAX_MS = 60_000;
const SETTLE_READINGS = 5;
const SETTLE_TOLERANCE = 0.02;
const GC_WAIT_MS = 3000;
const COMMAND = 'npx ts-node --project bench/tsconfig.json bench/controller-admission.ts';
/** Extra NODE_OPTIONS for the controller process only (experiments, e.g. `--require ./patch.js`). */
const CONTROLLER_NODE_OPTIONS_ENV = 'CDK8S_BATCH_BENCH_CONTROLLER_NODE_OPTIONS';

const ANNOTATION_ADMITTED_AT = 'cdk8s-batch.dev/admitted-at';
const PROBE_LABEL = 'bench.cdk8s-batch.dev/probe';
const PROBES = {
  reactKeepAlive: 'probe-react-keepalive',
  reactFresh: 'probe-react-fresh',
  steadyKeepAlive: 'probe-steady-keepalive',
  steadyFresh: 'probe-steady-fresh',
};
const PROBE_SEQ = 'bench.cdk8s-batch.dev/seq';
const JOBS_API = (ns: string) => `/apis/batch/v1/namespaces/${ns}/jobs`;

// ---------------------------------------------------------------- plumbing

const started = performance.now();
function log(msg: string): void {
  process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s] ${msg}\n`);
}

const sleep = (msec: number) => new Promise<void>((resolve) => setTimeout(resolve, msec));

/** Polls `fn` every 100 ms until it returns true; throws after `timeoutMs`. */
async function until(what: string, timeoutMs: number, fn: () => boolean): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!fn()) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await sleep(100);
  }
}

/** Controllers this process started, so that every exit path stops them. */
const controllers = new Set<ControllerProcess>();
const namespaces: string[] = [];
let scratchDir: string | undefined;

/**
 * A preload for the controller process (NODE_OPTIONS=--require) that runs a full garbage
 * collection on SIGUSR2, so that memory is read with only live objects on the heap. It
 * changes nothing else: the controller neither handles nor sends SIGUSR2.
 */
const GC_PRELOAD = `'use strict';
const gc = (require('v8').setFlagsFromString('--expose-gc'), require('vm').runInNewContext('gc'));
process.on('SIGUSR2', () => { gc(); gc(); });
`;

/** Starts the compiled controller on `namespace` and waits until it leads with synced informers. */
async function startController(namespace: string, identity: string): Promise<ControllerProcess> {
  scratchDir ??= fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-bench-'));
  const preload = path.join(scratchDir, 'gc-on-sigusr2.js');
  fs.writeFileSync(preload, GC_PRELOAD);
  // ControllerProcess passes this process's environment on to the controller. Set only while
  // it starts; other processes it may run meanwhile are kubectl (Go) and tsc, which the
  // preload does not disturb.
  const saved = process.env.NODE_OPTIONS;
  process.env.NODE_OPTIONS = [`--require ${preload}`, process.env[CONTROLLER_NODE_OPTIONS_ENV]].filter(Boolean).join(' ');
  let c: ControllerProcess;
  try {
    c = await ControllerProcess.start({ namespace, identity, extraArgs: ['--log-level', 'info'] });
  } finally {
    if (saved === undefined) delete process.env.NODE_OPTIONS;
    else process.env.NODE_OPTIONS = saved;
  }
  controllers.add(c);
  const environ = `/proc/${c.pid}/environ`;
  if (fs.existsSync(environ) && !fs.readFileSync(environ, 'utf8').includes(preload)) throw new Error('the controller did not get NODE_OPTIONS');
  const deadline = performance.now() + 60_000;
  for (;;) {
    const r = await c.readyz();
    if (r?.ready && r.leader) return c;
    if (performance.now() > deadline) throw new Error(`controller ${identity} did not lead: ${c.tail()}`);
    await sleep(100);
  }
}

/** A namespace's Jobs as the benchmark's watch sees them, with arrival times. */
class JobWatch {
  readonly latest = new Map<string, KubeObject>();
  lastEventAt = performance.now();
  error?: Error;
  private readonly listeners: Array<(e: WatchEvent<KubeObject>) => void> = [];
  private stopWatch?: () => void;

  constructor(private readonly kube: Kube, private readonly ns: string) {}

  async start(): Promise<void> {
    const list = await this.kube.list<KubeObject>(JOBS_API(this.ns));
    list.items.forEach((j) => this.latest.set(j.metadata.name, j));
    const w = this.kube.watch<KubeObject>(JOBS_API(this.ns), list.metadata.resourceVersion, (e) => {
      this.lastEventAt = e.at;
      if (e.type === 'DELETED') this.latest.delete(e.object.metadata.name);
      else this.latest.set(e.object.metadata.name, e.object);
      this.listeners.forEach((l) => l(e));
    }, (err) => (this.error = err));
    this.stopWatch = () => w.stop();
  }

  onEvent(listener: (e: WatchEvent<KubeObject>) => void): void {
    this.listeners.push(listener);
  }

  check(): void {
    if (this.error) throw this.error;
  }

  stop(): void {
    this.stopWatch?.();
  }
}

// ---------------------------------------------------------------- 1. admission latency

interface Tracked {
  readonly workload: string;
  readonly name: string;
  /** performance.now() when the watch first showed `spec.suspend: false`. */
  admittedAt?: number;
  /** The controller's `admitted-at` annotation (its clock at the start of that reconcile), as performance.now(). */
  reconcileStartedAt?: number;
  /** performance.now() when the watch first showed a Complete or Failed condition. */
  finishedAt?: number;
  failed?: boolean;
}

/** One PATCH of a probe Job by the benchmark. */
interface ProbeSample {
  readonly fresh: boolean;
  /** When the PATCH was sent. */
  readonly sentAt: number;
  /** When it was answered. */
  readonly answeredAt: number;
  /** When the watch delivered it. */
  readonly seenAt: number;
  /** For a reactive probe: when the watch showed the finish that triggered it. */
  readonly triggerAt?: number;
}

/** The benchmark's own PATCHes of probe Jobs, outside every workload (the controller never sees them). */
class Prober {
  private seq = 0;
  private readonly seen = new Map<string, number>();

  constructor(private readonly kube: Kube, private readonly ns: string, watch: JobWatch) {
    watch.onEvent((e) => {
      const seq = e.object.metadata.annotations?.[PROBE_SEQ];
      if (e.object.metadata.labels?.[PROBE_LABEL] && seq && !this.seen.has(seq)) this.seen.set(seq, e.at);
    });
  }

  /** Creates the probe Jobs (suspended, never started). */
  async setUp(): Promise<void> {
    for (const name of Object.values(PROBES)) {
      await this.kube.request('POST', JOBS_API(this.ns), {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name, labels: { [PROBE_LABEL]: 'true' } },
        spec: { suspend: true, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'registry.example/probe:1.0' }] } } },
      });
    }
  }

  /** Patches `name` (a fresh TLS connection or the kept-alive pool) and waits until the watch shows it. */
  async probe(name: string, fresh: boolean, triggerAt?: number): Promise<ProbeSample> {
    const seq = `${name}/${this.seq++}`;
    const sentAt = performance.now();
    await this.kube.request('PATCH', `${JOBS_API(this.ns)}/${name}`, { metadata: { annotations: { [PROBE_SEQ]: seq } } },
      { contentType: 'application/merge-patch+json', freshConnection: fresh });
    const answeredAt = performance.now();
    await until(`probe ${seq} in the watch`, 30_000, () => this.seen.has(seq));
    return { fresh, sentAt, answeredAt, seenAt: this.seen.get(seq)!, triggerAt };
  }
}

interface AdmissionResult {
  /** Previous Job's finish seen -> next Job's admission seen: the controller. */
  readonly latency: Summary;
  /** Previous Job's finish seen -> the controller starts the admitting reconcile (its clock). */
  readonly toReconcile: Summary;
  /** That reconcile starts -> the benchmark sees the admission (PATCH and watch delivery). */
  readonly reconcileToWatch: Summary;
  /** That reconcile starts -> the PATCH answered (the controller's `admitted Job` log line). */
  readonly reconcileToPatched: Summary;
  /** A Job's finish seen -> the benchmark's own PATCH, sent at once, seen: an ideal controller. */
  readonly reactKeepAlive: Summary;
  readonly reactFresh: Summary;
  /** Steady probes: own PATCH sent -> seen, and sent -> answered. */
  readonly roundTripKeepAlive: Summary;
  readonly roundTripFresh: Summary;
  readonly patchKeepAlive: Summary;
  readonly patchFresh: Summary;
  readonly fifo: boolean;
  readonly failedJobs: number;
  readonly drainSeconds: number;
  readonly reconciles: number;
  readonly reconcileMeanMs: number;
  /** Enqueue reconciles by duration: Prometheus buckets (upper bound in s -> cumulative count). */
  readonly reconcileBuckets: Record<string, number>;
  readonly conflicts: number;
  readonly errors: number;
  readonly admissions: number;
  readonly controllerCpuSeconds: number;
}

async function benchAdmission(kube: Kube): Promise<AdmissionResult> {
  const ns = await createNamespace('bench-admission');
  namespaces.push(ns);
  log(`admission: namespace ${ns}`);
  const workloads = synthWorkloads('queue', WORKLOADS, Concurrency.enqueue({ maxConcurrency: MAX_CONCURRENCY }));
  const controller = await startController(ns, 'bench-admission');
  const cpuBefore = metricValue((await controller.get('/metrics')).body, 'process_cpu_seconds_total');

  const watch = new JobWatch(kube, ns);
  await watch.start();
  const prober = new Prober(kube, ns, watch);
  await prober.setUp();
  const tracked = new Map<string, Tracked>();
  const reactive: Array<Promise<ProbeSample>> = [];
  watch.onEvent((e) => {
    const t = tracked.get(e.object.metadata.name);
    if (!t) return;
    const job = e.object;
    if (t.admittedAt === undefined && job.spec?.suspend === false) {
      t.admittedAt = e.at;
      // Same machine, same system clock: the controller's Date.now() on our monotonic scale.
      t.reconcileStartedAt = Date.parse(job.metadata.annotations?.[ANNOTATION_ADMITTED_AT] ?? '') - performance.timeOrigin;
    }
    if (t.finishedAt === undefined && isFinished(job)) {
      t.finishedAt = e.at;
      t.failed = hasCondition(job, 'Failed');
      // Act as an ideal controller would: a PATCH at once, alternately kept-alive and fresh.
      const fresh = reactive.length % 2 === 1;
      reactive.push(prober.probe(fresh ? PROBES.reactFresh : PROBES.reactKeepAlive, fresh, e.at));
    }
  });

  log(`admission: creating ${WORKLOADS} x ${JOBS_PER_WORKLOAD} queued Jobs`);
  const createStart = performance.now();
  await inParallel(workloads, CREATE_PARALLELISM, async (w: Workload) => {
    for (let i = 0; i < JOBS_PER_WORKLOAD; i++) {
      const name = `${w.name}-${String(i).padStart(2, '0')}`;
      tracked.set(name, { workload: w.name, name });
      await kube.request('POST', JOBS_API(ns), jobOf(w, name));
    }
  });
  log(`admission: created in ${((performance.now() - createStart) / 1000).toFixed(1)} s; probing while the queues drain`);

  let probing = true;
  const steady: ProbeSample[] = [];
  const probeLoop = (async () => {
    for (let i = 0; probing; i++) {
      const fresh = i % 2 === 1;
      const sample = await prober.probe(fresh ? PROBES.steadyFresh : PROBES.steadyKeepAlive, fresh);
      if (i >= 2 * PROBE_WARMUP) steady.push(sample);
      await sleep(Math.max(0, PROBE_INTERVAL_MS - (performance.now() - sample.sentAt)));
    }
  })();

  try {
    await until('every queued Job to finish', 15 * 60_000, () => {
      watch.check();
      return [...tracked.values()].every((t) => t.finishedAt !== undefined);
    });
  } finally {
    probing = false;
    await probeLoop.catch(() => undefined);
  }
  const reacted = await Promise.all(reactive);
  const drainSeconds = (performance.now() - createStart) / 1000;
  log(`admission: all ${tracked.size} Jobs finished after ${drainSeconds.toFixed(1)} s`);

  // Per workload, in admission order: Job i's admission minus Job i-1's finish.
  const latencies: number[] = [];
  const toReconcile: number[] = [];
  const reconcileToWatch: number[] = [];
  const reconcileToPatched: number[] = [];
  // The controller logs `admitted Job` once the PATCH is answered (its clock, ms).
  const patchedAt = new Map(controller.lines.filter((l) => l.msg === 'admitted Job')
    .map((l) => [String(l.job), Date.parse(l.ts) - performance.timeOrigin]));
  let fifo = true;
  for (const w of workloads) {
    const jobs = [...tracked.values()].filter((t) => t.workload === w.name); // creation (= name) order
    const byAdmission = [...jobs].sort((a, b) => a.admittedAt! - b.admittedAt!);
    if (byAdmission.some((t, i) => t.name !== jobs[i].name)) fifo = false;
    for (let i = 1; i < byAdmission.length; i++) {
      const [prev, next] = [byAdmission[i - 1], byAdmission[i]];
      latencies.push(next.admittedAt! - prev.finishedAt!);
      toReconcile.push(next.reconcileStartedAt! - prev.finishedAt!);
      reconcileToWatch.push(next.admittedAt! - next.reconcileStartedAt!);
      reconcileToPatched.push(patchedAt.get(next.name)! - next.reconcileStartedAt!);
    }
  }

  const text = (await controller.get('/metrics')).body;
  const enqueue = { controller: 'enqueue' };
  const count = metricValue(text, 'cdk8s_batch_reconcile_duration_seconds_count', enqueue);
  const pick = (samples: ProbeSample[], fresh: boolean, f: (s: ProbeSample) => number) => summarize(samples.filter((s) => s.fresh === fresh).map(f));
  const result: AdmissionResult = {
    latency: summarize(latencies),
    toReconcile: summarize(toReconcile),
    reconcileToWatch: summarize(reconcileToWatch),
    reconcileToPatched: summarize(reconcileToPatched),
    reactKeepAlive: pick(reacted, false, (s) => s.seenAt - s.triggerAt!),
    reactFresh: pick(reacted, true, (s) => s.seenAt - s.triggerAt!),
    roundTripKeepAlive: pick(steady, false, (s) => s.seenAt - s.sentAt),
    roundTripFresh: pick(steady, true, (s) => s.seenAt - s.sentAt),
    patchKeepAlive: pick(steady, false, (s) => s.answeredAt - s.sentAt),
    patchFresh: pick(steady, true, (s) => s.answeredAt - s.sentAt),
    fifo,
    failedJobs: [...tracked.values()].filter((t) => t.failed).length,
    drainSeconds,
    reconciles: count,
    reconcileMeanMs: (1000 * metricValue(text, 'cdk8s_batch_reconcile_duration_seconds_sum', enqueue)) / count,
    reconcileBuckets: Object.fromEntries(['0.001', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '+Inf'].map((le) =>
      [le, metricValue(text, 'cdk8s_batch_reconcile_duration_seconds_bucket', { controller: 'enqueue', le })])),
    conflicts: metricValue(text, 'cdk8s_batch_reconcile_total', { controller: 'enqueue', result: 'conflict' }),
    errors: metricValue(text, 'cdk8s_batch_reconcile_errors_total'),
    admissions: metricValue(text, 'cdk8s_batch_enqueue_admissions_total'),
    controllerCpuSeconds: metricValue(text, 'process_cpu_seconds_total') - cpuBefore,
  };
  watch.stop();
  await controller.stop();
  controllers.delete(controller);
  return result;
}

// ---------------------------------------------------------------- 2. memory

/** One scrape of the controller's memory metrics. */
interface MemorySample {
  readonly rssBytes: number;
  /** VmRSS from /proc/<pid>/status, read by the benchmark (cross-check of the metric). */
  readonly procRssBytes: number;
  /** VmHWM from /proc/<pid>/status: the highest RSS so far. */
  readonly peakRssBytes: number;
  readonly heapUsedBytes: number;
  readonly heapTotalBytes: number;
  readonly externalBytes: number;
}

interface MemoryReading {
  /** The last of SETTLE_READINGS steady readings (or the last one at SETTLE_MAX_MS). */
  readonly steady: MemorySample;
  /** A few seconds after a forced full GC that followed: live objects only. */
  readonly afterGc: MemorySample;
  readonly settledSeconds: number;
  readonly wasSteady: boolean;
}

async function readMemory(c: ControllerProcess): Promise<MemorySample> {
  const text = (await c.get('/metrics')).body;
  let status = '';
  try {
    status = fs.readFileSync(`/proc/${c.pid}/status`, 'utf8');
  } catch {
    // not Linux: the metrics alone
  }
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
  return {
    rssBytes: metricValue(text, 'process_resident_memory_bytes'),
    procRssBytes: kib('VmRSS'),
    peakRssBytes: kib('VmHWM'),
    heapUsedBytes: metricValue(text, 'nodejs_heap_size_used_bytes'),
    heapTotalBytes: metricValue(text, 'nodejs_heap_size_total_bytes'),
    externalBytes: metricValue(text, 'nodejs_external_memory_bytes'),
  };
}

/**
 * Waits SETTLE_MIN_MS, then until SETTLE_READINGS readings 1 s apart agree within
 * SETTLE_TOLERANCE; then forces a full GC in the controller (SIGUSR2, see GC_PRELOAD) and
 * reads again after GC_WAIT_MS.
 */
async function settledMemory(c: ControllerProcess, what: string): Promise<MemoryReading> {
  const t0 = performance.now();
  await sleep(SETTLE_MIN_MS);
  const readings: MemorySample[] = [];
  const within = (values: number[]) => Math.max(...values) - Math.min(...values) <= SETTLE_TOLERANCE * Math.max(...values);
  for (;;) {
    readings.push(await readMemory(c));
    const last = readings.slice(-SETTLE_READINGS);
    const wasSteady = last.length === SETTLE_READINGS && within(last.map((r) => r.rssBytes)) && within(last.map((r) => r.heapUsedBytes));
    const waited = performance.now() - t0;
    if (wasSteady || waited > SETTLE_MAX_MS) {
      const steady = readings[readings.length - 1];
      process.kill(c.pid, 'SIGUSR2');
      await sleep(GC_WAIT_MS);
      const afterGc = await readMemory(c);
      log(`memory: ${what}: RSS ${mib(steady.rssBytes)} -> ${mib(afterGc.rssBytes)} after a full GC, ` +
        `heap used ${mib(steady.heapUsedBytes)} -> ${mib(afterGc.heapUsedBytes)}${wasSteady ? '' : ' (not steady)'}`);
      return { steady, afterGc, settledSeconds: waited / 1000, wasSteady };
    }
    await sleep(1000);
  }
}

interface MemoryResult {
  readonly empty: MemoryReading;
  readonly loaded: MemoryReading;
  readonly restarted: MemoryReading;
  readonly createSeconds: number;
  readonly jobControllerSeconds: number;
  readonly controllerCpuSeconds: number;
  /** Reconciles while the Jobs were created and updated, by controller: count and mean ms. */
  readonly reconcilesDuringLoad: Record<string, { count: number; meanMs: number }>;
  readonly jobJsonBytes: number;
  readonly managedFieldsJsonBytes: number;
}

async function benchMemory(kube: Kube): Promise<MemoryResult> {
  const ns = await createNamespace('bench-memory');
  namespaces.push(ns);
  log(`memory: namespace ${ns}`);
  const workloads = synthWorkloads('history', MEMORY_WORKLOADS);
  const [sentinelWorkload] = synthWorkloads('sentinel', 1, Concurrency.enqueue({ maxConcurrency: 1 }));
  const watch = new JobWatch(kube, ns);
  await watch.start();
  const suspended = new Set<string>();
  watch.onEvent((e) => {
    if (hasCondition(e.object, 'Suspended')) suspended.add(e.object.metadata.name);
  });

  let controller = await startController(ns, 'bench-memory');
  const empty = await settledMemory(controller, '0 Jobs');
  const metricsBefore = (await controller.get('/metrics')).body;

  log(`memory: creating ${MEMORY_JOBS} Jobs, ${CREATE_PARALLELISM} at a time`);
  const jobs: KubeObject[] = [];
  const perWorkload = MEMORY_JOBS / MEMORY_WORKLOADS;
  for (const w of workloads) {
    // Named like the CronJob controller names runs: <cronjob>-<minutes since the epoch>.
    for (let i = 0; i < perWorkload; i++) jobs.push(jobOf(w, `${w.name}-${29_000_000 + i * 60}`));
  }
  const t0 = performance.now();
  await inParallel(jobs, CREATE_PARALLELISM, async (job) => {
    await kube.request('POST', JOBS_API(ns), job);
  });
  const createSeconds = (performance.now() - t0) / 1000;
  log(`memory: created in ${createSeconds.toFixed(1)} s; waiting for the Job controller's Suspended conditions`);
  // Every Job gets one status write from the Job controller (the Suspended condition); if
  // this Kubernetes does not write it, 15 s without any Job event ends the wait instead.
  await until('the Job controller to mark every Job Suspended', 15 * 60_000, () => {
    watch.check();
    return suspended.size >= MEMORY_JOBS || performance.now() - watch.lastEventAt > 15_000;
  });
  const jobControllerSeconds = (performance.now() - t0) / 1000;
  if (suspended.size < MEMORY_JOBS) log(`memory: only ${suspended.size} Jobs got a Suspended condition; went on after 15 s of quiet`);

  // A sentinel created after everything else: once it is admitted, the controller's Job
  // informer (one watch, events in order) has seen every Job above in its final state.
  const sentinel = 'sentinel-admitted';
  await kube.request('POST', JOBS_API(ns), jobOf(sentinelWorkload, sentinel));
  await until('the controller to admit the sentinel Job', 120_000, () => watch.latest.get(sentinel)?.spec?.suspend === false);
  log(`memory: controller caught up after ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const metricsAfter = (await controller.get('/metrics')).body;
  const delta = (name: string, labels: Record<string, string> = {}) =>
    metricValue(metricsAfter, name, labels) - metricValue(metricsBefore, name, labels);
  const controllerCpuSeconds = delta('process_cpu_seconds_total');
  const controllerNames = labelValues(metricsAfter, 'cdk8s_batch_reconcile_duration_seconds_count', 'controller');
  const reconcilesDuringLoad = Object.fromEntries(controllerNames.map((name) => {
    const count = delta('cdk8s_batch_reconcile_duration_seconds_count', { controller: name });
    return [name, { count, meanMs: count ? (1000 * delta('cdk8s_batch_reconcile_duration_seconds_sum', { controller: name })) / count : 0 }];
  }));
  const loaded = await settledMemory(controller, `${MEMORY_JOBS} Jobs (filled by watch)`);

  log('memory: restarting the controller (caches filled by LIST)');
  await controller.stop();
  controllers.delete(controller);
  controller = await startController(ns, 'bench-memory-2');
  const restarted = await settledMemory(controller, `${MEMORY_JOBS} Jobs (after restart)`);
  await controller.stop();
  controllers.delete(controller);

  // What one cached Job weighs as JSON, as the API serves it (managedFields included).
  const cached = [...watch.latest.values()].filter((j) => j.metadata.name !== sentinel);
  const jobJsonBytes = cached.reduce((s, j) => s + JSON.stringify(j).length, 0) / cached.length;
  const managedFieldsJsonBytes = cached.reduce((s, j) => s + JSON.stringify(j.metadata.managedFields ?? []).length, 0) / cached.length;
  watch.stop();
  return {
    empty, loaded, restarted, createSeconds, jobControllerSeconds, controllerCpuSeconds, reconcilesDuringLoad, jobJsonBytes, managedFieldsJsonBytes,
  };
}

// ---------------------------------------------------------------- report

function header(): string {
  const args = process.argv.slice(2).join(' ');
  const extra = process.env[CONTROLLER_NODE_OPTIONS_ENV];
  return `Results (${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} cores, ` +
    `load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ` +
    `\`${extra ? `${CONTROLLER_NODE_OPTIONS_ENV}='${extra}' ` : ''}${COMMAND}${args ? ` ${args}` : ''}\`):`;
}

function reportAdmission(a: AdmissionResult): string {
  const row = (name: string, s: Summary) =>
    `| ${name} | ${s.count} | ${ms(s.median)} | ${ms(s.p90)} | ${ms(s.p99)} | ${ms(s.max)} |`;
  const ratio = (s: Summary) => `${(a.latency.median / s.median).toFixed(2)} (p99: ${(a.latency.p99 / s.p99).toFixed(2)})`;
  return [
    `Admission latency, ${WORKLOADS} workloads x ${JOBS_PER_WORKLOAD} Jobs, maxConcurrency ${MAX_CONCURRENCY}:`,
    '',
    '| measure | n | median | p90 | p99 | max |',
    '|---|---|---|---|---|---|',
    row('**controller: previous Job finished -> next Job admitted**', a.latency),
    row('... finished -> the admitting reconcile starts', a.toReconcile),
    row('... reconcile starts -> its PATCH answered', a.reconcileToPatched),
    row('... reconcile starts -> admission seen', a.reconcileToWatch),
    row('**baseline: a Job finished -> own PATCH seen, kept-alive connection**', a.reactKeepAlive),
    row('baseline: a Job finished -> own PATCH seen, new TLS connection', a.reactFresh),
    row('steady probe: own PATCH sent -> seen, kept-alive connection', a.roundTripKeepAlive),
    row('steady probe: own PATCH sent -> seen, new TLS connection', a.roundTripFresh),
    row('steady probe: own PATCH sent -> answered, kept-alive connection', a.patchKeepAlive),
    row('steady probe: own PATCH sent -> answered, new TLS connection', a.patchFresh),
    '',
    `Ratio controller / baseline, medians: ${ratio(a.reactKeepAlive)} against the kept-alive baseline, ` +
      `${ratio(a.reactFresh)} against the new-connection one.`,
    `FIFO order held in every workload: ${a.fifo ? 'yes' : 'NO'}; failed Jobs: ${a.failedJobs}; ` +
      `queues drained in ${a.drainSeconds.toFixed(0)} s. Controller: ${a.admissions} admissions, ${a.reconciles} enqueue reconciles ` +
      `(mean ${a.reconcileMeanMs.toFixed(1)} ms), ${a.conflicts} conflicts, ${a.errors} errors, ${a.controllerCpuSeconds.toFixed(1)} CPU s.`,
  ].join('\n');
}

function reportMemory(m: MemoryResult): string {
  const perJob = (from: MemorySample, to: MemorySample, key: keyof MemorySample) =>
    `${((to[key] - from[key]) / MEMORY_JOBS / 1024).toFixed(1)} KiB`;
  const mem = (name: string, r: MemoryReading) =>
    `| ${name} | ${mib(r.steady.rssBytes)} | ${mib(r.steady.heapUsedBytes)} | **${mib(r.afterGc.rssBytes)}** | ` +
    `**${mib(r.afterGc.heapUsedBytes)}** | ${mib(r.afterGc.heapTotalBytes)} | ${mib(r.afterGc.peakRssBytes)} | ` +
    `${r.settledSeconds.toFixed(0)} s${r.wasSteady ? '' : ' (not steady)'} |`;
  const reconciles = Object.entries(m.reconcilesDuringLoad).filter(([, r]) => r.count > 0)
    .map(([name, r]) => `${name} ${r.count} (mean ${r.meanMs.toFixed(2)} ms)`).join(', ');
  const [zero, watched, relisted] = [m.empty.afterGc, m.loaded.afterGc, m.restarted.afterGc];
  return [
    `Memory, ${MEMORY_JOBS} Jobs of ${MEMORY_WORKLOADS} workloads cached:`,
    '',
    '| controller | RSS, steady | heap used, steady | RSS after full GC | heap used after full GC | heap total after GC | peak RSS so far | steady after |',
    '|---|---|---|---|---|---|---|---|',
    mem('0 Jobs', m.empty),
    mem(`${MEMORY_JOBS} Jobs, cache filled by watch events`, m.loaded),
    mem(`${MEMORY_JOBS} Jobs, after a restart (filled by LIST)`, m.restarted),
    '',
    `Per Job, after a full GC: RSS ${perJob(zero, watched, 'rssBytes')} (watch) / ${perJob(zero, relisted, 'rssBytes')} (restart), ` +
      `heap used ${perJob(zero, watched, 'heapUsedBytes')} / ${perJob(zero, relisted, 'heapUsedBytes')}. ` +
      `A Job as the API serves it: ${(m.jobJsonBytes / 1024).toFixed(1)} KiB of JSON, of which managedFields ` +
      `${(m.managedFieldsJsonBytes / 1024).toFixed(1)} KiB. Creating the Jobs took ${m.createSeconds.toFixed(1)} s ` +
      `(${(MEMORY_JOBS / m.createSeconds).toFixed(0)}/s), the Job controller's status writes ${m.jobControllerSeconds.toFixed(0)} s; ` +
      `controller CPU meanwhile ${m.controllerCpuSeconds.toFixed(1)} s, reconciles: ${reconciles}. /proc VmRSS cross-check: ` +
      `${mib(zero.procRssBytes)} / ${mib(watched.procRssBytes)} / ${mib(relisted.procRssBytes)}.`,
  ].join('\n');
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  const only = process.argv[2];
  if (only !== undefined && only !== 'admission' && only !== 'memory') throw new Error(`unknown argument ${only}: admission, memory or none`);
  let rig: Rig | undefined;
  let kube: Kube | undefined;
  const cleanup = async () => {
    for (const c of controllers) await c.kill();
    controllers.clear();
    for (const ns of namespaces.splice(0)) {
      try {
        deleteControllerRbac(ns);
        if (!rig?.owned) deleteNamespace(ns);
      } catch (e) {
        log(`cleanup of ${ns}: ${(e as Error).message}`);
      }
    }
    kube?.close();
    if (scratchDir) fs.rmSync(scratchDir, { recursive: true, force: true });
    rig?.stop();
  };
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    log('building the controller (tsc --build)');
    buildController();
    log('starting the rig');
    rig = Rig.start();
    kube = new Kube(rig.kubeconfig);
    const admission = only === 'memory' ? undefined : await benchAdmission(kube);
    const memory = only === 'admission' ? undefined : await benchMemory(kube);
    console.log(`\n${header()}\n`);
    if (admission) console.log(`${reportAdmission(admission)}\n`);
    if (memory) console.log(`${reportMemory(memory)}\n`);
    console.log(JSON.stringify({ admission, memory }, null, 1));
  } finally {
    await cleanup();
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
