/**
 * The chaos tier: faults injected into the real control plane while the companion controller
 * admits a burst of Enqueue Jobs, and a sampler that checks the controller's promises
 * throughout (issue 13, "Chaos tier").
 *
 * - **Leader kills.** Two controller replicas with leader election; the leader is killed
 *   (SIGKILL, no release) ten times during a burst of 200 Jobs, each time soon after it
 *   admitted a Job. A killed replica is started again at once (as the kubelet would), under a
 *   new identity, so the standby must wait for the lease to expire.
 * - **Control plane restarts.** kube-apiserver is restarted five times (three SIGTERM, two
 *   SIGKILL) and etcd once (its data kept) during a burst of the same kind.
 * - **A paused leader.** The leader is frozen (SIGSTOP) for longer than its lease, the other
 *   replica takes over and admits, then the frozen one resumes (SIGCONT): it must not act as
 *   leader again.
 *
 * The workloads are what users build: ScheduledBatch CronJobs with `Concurrency.enqueue()`
 * (runs made with `kubectl create job --from`) and a ParameterizedJob with the same policy
 * (runs made as JobRuns). Their pods run on the kwok nodes for a second or two, so 200 Jobs
 * cost the real node nothing. The sampler is a `JobWatch` per workload: every change of every
 * Job in the order etcd committed it, resumed across API server restarts (bridging 410 Gone
 * from etcd's history), so the checks below are exact, not sampled:
 *
 * - never more than `maxConcurrency` admitted and unfinished Jobs per workload, after any change;
 * - every Job created queued (suspended) and admitted exactly once: one suspended-to-running
 *   transition, never suspended again, one `admitted-at` value;
 * - admission in FIFO order (creation time, then name: the Enqueue rule), by the watch's order,
 *   and `admitted-at` never earlier for a younger Job;
 * - every JobRun Succeeded with exactly one Job, the one its status names;
 * - no controller crash loops: every exit the test did not cause is the controller's own
 *   "leadership lost" exit (code 1), no more of them than faults that can cost a lease, and two
 *   replicas run at the end, one of them leading.
 *
 * Figures (faults, Jobs, violations, wall time) are printed and written to
 * test-reports/chaos.json; docs/controller.md ("Chaos tier") records a run.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import {
  ControllerProcess, controllerTestChart, createRunsFrom, deleteControllerRbac, enqueueCronJob, LogLine, sleep,
} from './controller-process';
import { Restart, restartRigComponent } from './support/faults';
import { JobWatch } from './support/job-watch';
import { apply, createNamespace, deleteNamespace, getObject, listObjects, waitFor } from './support/rig';
import { Concurrency, ParameterizedJob } from '../../src';

const MAX_CONCURRENCY = 2;
/**
 * Shorter than the controller's defaults (15/10/2 s) so that ten takeovers fit in minutes;
 * the renew deadline still leaves 6 s (six tries) for a renewal on a starved machine.
 */
const LEASE_DURATION_S = 8;
const LEASE_FLAGS = ['--lease-duration', String(LEASE_DURATION_S), '--renew-deadline', '6', '--retry-period', '1'];
const LEADERSHIP_LOST = 'leadership lost or given up; exiting so that no stale leader keeps writing'; // controller/src/main.ts
const ADMITTED = 'cdk8s-batch.dev/admitted-at';
/**
 * The longest the burst may go without any change of any of its Jobs (an admission, a Job
 * starting or finishing) while Jobs remain: the liveness bound, what the design promises with
 * room for a starved CPU. A takeover after a kill costs the lease duration (8 s) plus a relist;
 * after a control-plane restart every watch resumes within 15 s of the API server's return
 * (informer backoff at most 10 s +50% jitter, and one watch that gets through restarts the
 * others) and resyncs, and a failed reconcile is retried within 5 s (docs/controller.md
 * "Reliability"). 90 s is several times either, so a stall fails here, by name, and a slow
 * machine does not.
 */
const STALL_MS = 90_000;
/**
 * The longest a burst may take once its faults are over, whatever its progress: keeps the
 * tier bounded in CI. 200 Jobs, 16 at a time (8 workloads of maxConcurrency 2), at a few
 * seconds each on a loaded 2-core machine, take about a minute; this is 5 times that.
 */
const BURST_END_MS = 300_000;
/** Each burst: Enqueue workloads (CronJobs, JobTemplates) of maxConcurrency 2, this many Jobs each: 200 Jobs, 40 of them JobRuns. */
const BURST = { cronJobs: 4, templates: 1, perWorkload: 40 };
const REPORT = path.resolve(__dirname, '..', '..', 'test-reports', 'chaos.json');

const pad = (n: number) => String(n).padStart(3, '0');
const isFinished = (j: any) => (j.status?.conditions ?? []).some((c: any) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

// ---------------------------------------------------------------- the replicas

interface ExitRecord {
  readonly process: ControllerProcess;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Killed by the test (SIGKILL): a fault, not a crash. */
  readonly killedByTest: boolean;
  readonly at: number;
}

/**
 * The controller's own exit after losing its lease: code 1, logged, no stack trace. Read when
 * checked, not at the exit event (the last log lines may arrive after it).
 */
const leadershipLost = (e: ExitRecord) => e.code === 1 && e.process.lines.some((l) => l.msg === LEADERSHIP_LOST)
  && !e.process.stderr.join('').includes('fatal');

/**
 * Two controller replicas, each restarted when it exits (as the kubelet restarts a
 * container), under a new identity each time. Every exit is recorded.
 */
class Replicas {
  readonly all: ControllerProcess[] = [];
  readonly exits: ExitRecord[] = [];
  /** Replicas that could not be started again (reported by the crash check). */
  readonly spawnFailures: string[] = [];
  private readonly live: (ControllerProcess | undefined)[] = [undefined, undefined];
  private readonly killed = new Set<ControllerProcess>();
  private readonly starting: Promise<unknown>[] = [];
  private generation = 0;
  private stopping = false;

  constructor(private readonly ns: string, private readonly prefix: string) {}

  async start(): Promise<void> {
    await Promise.all([this.spawn(0), this.spawn(1)]);
  }

  get running(): ControllerProcess[] {
    return this.live.filter((p): p is ControllerProcess => !!p && !p.exitStatus);
  }

  /** The replica that says it leads (waits for one). */
  leader(timeoutMs: number): Promise<ControllerProcess> {
    return waitFor(async () => {
      for (const p of this.running) if (await p.isLeader()) return p;
      return undefined;
    }, timeoutMs, { description: `a leader among ${this.running.map((p) => p.identity).join(', ')}`, intervalMs: 200 });
  }

  /** Both replicas run (a replica that exited is started again within seconds). */
  bothRunning(timeoutMs: number): Promise<unknown> {
    return waitFor(() => this.running.length === 2, timeoutMs, { description: 'two replicas running', intervalMs: 200 });
  }

  /** SIGKILL, as a node failure or the OOM killer would; the replica is started again. */
  async kill(p: ControllerProcess): Promise<void> {
    this.killed.add(p);
    await p.kill();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled(this.starting);
    for (const p of this.all) p.resume(); // a paused one cannot handle SIGTERM
    await Promise.all(this.all.map((p) => p.stop()));
  }

  private async spawn(slot: number): Promise<ControllerProcess> {
    const p = await ControllerProcess.start({
      namespace: this.ns,
      identity: `${this.prefix}-${slot}-${this.generation++}`,
      extraArgs: LEASE_FLAGS,
    });
    this.all.push(p);
    this.live[slot] = p;
    void p.whenExited().then((exit) => this.onExit(slot, p, exit));
    return p;
  }

  private onExit(slot: number, p: ControllerProcess, exit: { code: number | null; signal: NodeJS.Signals | null }): void {
    if (this.stopping) return;
    this.exits.push({ process: p, ...exit, killedByTest: this.killed.has(p), at: Date.now() });
    if (this.live[slot] === p) this.live[slot] = undefined;
    const next = this.spawn(slot);
    next.catch((e: Error) => this.spawnFailures.push(`slot ${slot}: ${e.message}`));
    this.starting.push(next);
  }
}

// ---------------------------------------------------------------- the burst

interface Workload {
  readonly name: string;
  readonly kind: 'CronJob' | 'JobTemplate';
  readonly jobs: string[];
  watch?: JobWatch;
}

/** The JobTemplate of a ParameterizedJob with Enqueue, whose pods run `runDuration` on kwok. */
function enqueueTemplate(name: string, runDuration: string): any[] {
  const chart = controllerTestChart();
  new ParameterizedJob(chart, name, {
    metadata: { name },
    concurrency: Concurrency.enqueue({ maxConcurrency: MAX_CONCURRENCY }),
    podMetadata: { annotations: { 'e2e.cdk8s-batch.dev/run-duration': runDuration } },
    containers: [{ name: 'main', image: 'registry.example/batch/worker:1.0' }],
  });
  return Testing.synth(chart);
}

function jobRun(name: string, template: string) {
  return { apiVersion: 'cdk8s-batch.dev/v1alpha1', kind: 'JobRun', metadata: { name }, spec: { templateRef: { name: template } } };
}

/**
 * Applies `cronJobs` Enqueue ScheduledBatches and `templates` Enqueue ParameterizedJobs, starts
 * a watch on each, and returns them with the names of the Jobs the burst will make.
 */
async function setUpWorkloads(
  ns: string, prefix: string, cronJobs: number, templates: number, perWorkload: number, runDuration: string,
): Promise<Workload[]> {
  const workloads: Workload[] = [];
  for (let i = 0; i < cronJobs; i++) {
    const name = `${prefix}-cron${i}`;
    apply(enqueueCronJob(name, { maxConcurrency: MAX_CONCURRENCY, runDuration, retained: perWorkload }), ns);
    workloads.push({ name, kind: 'CronJob', jobs: Array.from({ length: perWorkload }, (_, j) => `${name}-${pad(j)}`) });
  }
  for (let i = 0; i < templates; i++) {
    const name = `${prefix}-tpl${i}`;
    apply(enqueueTemplate(name, runDuration), ns);
    workloads.push({ name, kind: 'JobTemplate', jobs: Array.from({ length: perWorkload }, (_, j) => `${name}-${pad(j)}`) });
  }
  for (const w of workloads) w.watch = await JobWatch.start(ns, `cdk8s-batch.dev/workload=${w.name}`);
  return workloads;
}

/**
 * Creates every workload's runs: the CronJobs' with `kubectl create job --from` (one chain per
 * workload, in parallel, no pause: names sort in creation order, the queue's tie-break), the
 * templates' as one List of JobRuns (created in list order).
 */
async function startBurst(ns: string, workloads: Workload[]): Promise<void> {
  const runs = workloads.filter((w) => w.kind === 'JobTemplate').flatMap((w) => w.jobs.map((j) => jobRun(j, w.name)));
  if (runs.length > 0) apply(runs, ns);
  await Promise.all(workloads.filter((w) => w.kind === 'CronJob').map((w) => createRunsFrom(w.name, w.jobs, ns, { gapMs: 0 })));
}

/** Jobs the watches have seen admitted so far (progress, for pacing the faults). */
const admittedSoFar = (workloads: Workload[]) =>
  workloads.reduce((n, w) => n + new Set(w.watch!.changes.filter((c) => !c.suspended).map((c) => c.name)).size, 0);
const totalJobs = (workloads: Workload[]) => workloads.reduce((n, w) => n + w.jobs.length, 0);

/** Changes the watches have recorded so far (any progress of the burst). */
const changesSoFar = (workloads: Workload[]) => workloads.reduce((n, w) => n + w.watch!.changes.length, 0);

/**
 * Waits until every Job of the burst exists and finished; fails when the burst makes no
 * progress for `STALL_MS` (a stall, named) or takes longer than `timeoutMs` in all.
 */
async function waitForBurstEnd(ns: string, workloads: Workload[], timeoutMs = BURST_END_MS): Promise<Map<string, any[]>> {
  const deadline = Date.now() + timeoutMs;
  let changes = changesSoFar(workloads);
  let progressAt = Date.now();
  for (;;) {
    const out = new Map<string, any[]>();
    let unfinished = 0;
    for (const w of workloads) {
      const jobs = listObjects('jobs', ns, `cdk8s-batch.dev/workload=${w.name}`);
      unfinished += w.jobs.length - jobs.filter(isFinished).length;
      out.set(w.name, jobs);
    }
    if (unfinished === 0) return out;
    if (changesSoFar(workloads) !== changes) {
      changes = changesSoFar(workloads);
      progressAt = Date.now();
    }
    const state = `${unfinished} of ${totalJobs(workloads)} Jobs unfinished, ${admittedSoFar(workloads)} admitted`;
    if (Date.now() - progressAt > STALL_MS) throw new Error(`the burst stalled: no Job changed for ${STALL_MS / 1000} s; ${state}`);
    if (Date.now() > deadline) throw new Error(`the burst did not end within ${timeoutMs / 1000} s; ${state}`);
    await sleep(2_000);
  }
}

/** Every violation of the controller's promises the records show (empty: none). */
function violations(ns: string, workloads: Workload[], finalJobs: Map<string, any[]>): string[] {
  const out: string[] = [];
  for (const w of workloads) {
    const watch = w.watch!;
    const jobs = finalJobs.get(w.name)!;
    // The set of Jobs: exactly the burst's, all succeeded.
    const names = jobs.map((j) => j.metadata.name).sort();
    if (JSON.stringify(names) !== JSON.stringify([...w.jobs].sort())) out.push(`${w.name}: Jobs ${names.join(',')} are not the burst's ${w.jobs.length}`);
    for (const j of jobs) if (j.status?.succeeded !== 1) out.push(`${w.name}: Job ${j.metadata.name} did not succeed: ${JSON.stringify(j.status)}`);

    // Concurrency after every change, in commit order.
    watch.activeAfterEachChange().forEach((active, i) => {
      if (active.length > MAX_CONCURRENCY) out.push(`${w.name}: ${active.length} admitted at once after change ${i} (${watch.changes[i].name} rv ${watch.changes[i].resourceVersion}): ${active.join(', ')}`);
    });
    // Exactly once.
    const admissions = watch.admissionsByJob();
    for (const name of w.jobs) {
      const a = admissions.get(name);
      if (!a) {
        out.push(`${w.name}: the watch never saw Job ${name}`);
        continue;
      }
      if (!a.createdSuspended) out.push(`${w.name}: Job ${name} was created admitted, not queued`);
      if (a.admissions !== 1) out.push(`${w.name}: Job ${name} was admitted ${a.admissions} times`);
      if (a.resuspended) out.push(`${w.name}: Job ${name} was suspended again after its admission`);
      if (a.admittedAt.length !== 1) out.push(`${w.name}: Job ${name} carried ${a.admittedAt.length} admitted-at values: ${a.admittedAt.join(', ')}`);
    }
    // FIFO: the Enqueue rule's order (creation time, then name), by the watch and by admitted-at.
    const fifo = [...jobs].sort((a, b) => Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp)
      || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
    const expected = fifo.map((j) => j.metadata.name);
    const order = watch.admissionOrder();
    const firstDiff = expected.findIndex((n, i) => order[i] !== n);
    if (firstDiff >= 0) out.push(`${w.name}: admission order differs from FIFO at position ${firstDiff}: expected ${expected[firstDiff]}, admitted ${order[firstDiff]}`);
    for (let i = 1; i < fifo.length; i++) {
      const before = Date.parse(fifo[i - 1].metadata.annotations?.[ADMITTED]);
      const after = Date.parse(fifo[i].metadata.annotations?.[ADMITTED]);
      if (!(before <= after)) out.push(`${w.name}: ${fifo[i].metadata.name} has admitted-at before the older ${fifo[i - 1].metadata.name}'s`);
    }
    // Every JobRun ends in exactly one Job, the one its status names.
    if (w.kind === 'JobTemplate') {
      const runs = listObjects('jobruns', ns).filter((r) => r.spec?.templateRef?.name === w.name);
      if (runs.length !== w.jobs.length) out.push(`${w.name}: ${runs.length} JobRuns, expected ${w.jobs.length}`);
      for (const run of runs) {
        const owned = jobs.filter((j) => (j.metadata.ownerReferences ?? []).some((o: any) => o.uid === run.metadata.uid));
        if (owned.length !== 1) out.push(`JobRun ${run.metadata.name} has ${owned.length} Jobs: ${owned.map((j) => j.metadata.name).join(', ')}`);
        if (run.status?.phase !== 'Succeeded') out.push(`JobRun ${run.metadata.name} ended ${run.status?.phase}, not Succeeded`);
        if (run.status?.jobName !== owned[0]?.metadata.name) out.push(`JobRun ${run.metadata.name} names Job ${run.status?.jobName}, owns ${owned[0]?.metadata.name}`);
      }
    }
  }
  return out;
}

/** Crash-loop check: exits the test did not cause, beyond what the faults explain. */
function crashes(replicas: Replicas, allowedLeaseLosses: number): string[] {
  const out: string[] = replicas.spawnFailures.map((f) => `a replica was not started again: ${f}`);
  const unplanned = replicas.exits.filter((e) => !e.killedByTest);
  for (const e of unplanned.filter((x) => !leadershipLost(x))) out.push(`${e.process.identity} crashed (code ${e.code}, signal ${e.signal}):\n${e.process.tail(8)}`);
  if (unplanned.length > allowedLeaseLosses) {
    out.push(`${unplanned.length} exits the test did not cause (at most ${allowedLeaseLosses} expected): ${unplanned.map((e) => e.process.identity).join(', ')}`);
  }
  return out;
}

interface Figures {
  scenario: string;
  faults: Record<string, number>;
  jobs: number;
  jobRuns: number;
  violations: number;
  controllerExits: { killed: number; leadershipLost: number; crashed: number };
  watchReconnects: number;
  gapsBridged: number;
  wallSeconds: number;
}

const figures: Figures[] = [];

function record(f: Figures): void {
  figures.push(f);
  process.stdout.write(`[chaos] ${JSON.stringify(f)}\n`);
}

function exitCounts(replicas: Replicas): Figures['controllerExits'] {
  return {
    killed: replicas.exits.filter((e) => e.killedByTest).length,
    leadershipLost: replicas.exits.filter((e) => !e.killedByTest && leadershipLost(e)).length,
    crashed: replicas.exits.filter((e) => !e.killedByTest && !leadershipLost(e)).length,
  };
}

// ---------------------------------------------------------------- the suite

describe('chaos: faults during Enqueue bursts', () => {
  const namespaces: string[] = [];
  const replicaSets: Replicas[] = [];
  const watches: JobWatch[] = [];

  async function scenario(prefix: string) {
    const ns = await createNamespace(`e2e-chaos-${prefix}`);
    namespaces.push(ns);
    const replicas = new Replicas(ns, `ctl-${prefix}`);
    replicaSets.push(replicas);
    await replicas.start();
    await replicas.leader(60_000);
    return { ns, replicas };
  }

  afterAll(async () => {
    watches.forEach((w) => w.stop());
    await Promise.all(replicaSets.map((r) => r.stop()));
    for (const ns of namespaces) {
      deleteControllerRbac(ns);
      deleteNamespace(ns);
    }
    fs.mkdirSync(path.dirname(REPORT), { recursive: true });
    fs.writeFileSync(REPORT, JSON.stringify(figures, null, 2) + '\n');
  });

  test('the leader is killed 10 times during a burst of 200 Jobs: no over-admission, FIFO, each Job once', async () => {
    const started = Date.now();
    const { ns, replicas } = await scenario('kill');
    // Four CronJob workloads and one ParameterizedJob, 40 Jobs each: queues long enough that
    // the ten takeovers (each admits up to 2 per workload at once) leave work for the next
    // kill, and ten Jobs run at a time, so the rest of the burst takes seconds, not minutes.
    const workloads = await setUpWorkloads(ns, 'k', BURST.cronJobs, BURST.templates, BURST.perWorkload, '1s');
    watches.push(...workloads.map((w) => w.watch!));
    const burst = startBurst(ns, workloads);
    burst.catch(() => undefined); // awaited below; reported there

    const kills: { identity: string; admittedBefore: number }[] = [];
    for (let i = 0; i < 10; i++) {
      const leader = await replicas.leader(90_000);
      // Kill it once it works: after its first admission, plus 0 to 1.2 s (different phases).
      await waitFor(() => leader.exitStatus || leader.lines.some((l: LogLine) => l.msg === 'admitted Job'), 90_000,
        { description: `${leader.identity} admits`, intervalMs: 100 });
      await sleep((i % 4) * 400);
      if (leader.exitStatus) { // it went by itself (counted by the crash check), not a kill
        i--;
        continue;
      }
      kills.push({ identity: leader.identity, admittedBefore: admittedSoFar(workloads) });
      await replicas.kill(leader);
    }
    await burst;
    const finalJobs = await waitForBurstEnd(ns, workloads);

    // Every kill hit a leader during the burst (Jobs still queued).
    expect(kills.filter((k) => k.admittedBefore >= totalJobs(workloads))).toEqual([]);
    expect(new Set(kills.map((k) => k.identity)).size).toBe(10);
    const found = violations(ns, workloads, finalJobs);
    const crashed = crashes(replicas, 0);
    await replicas.bothRunning(60_000);
    await replicas.leader(60_000);
    record({
      scenario: 'leader SIGKILL',
      faults: { leaderKills: kills.length },
      jobs: totalJobs(workloads),
      jobRuns: workloads.filter((w) => w.kind === 'JobTemplate').reduce((n, w) => n + w.jobs.length, 0),
      violations: found.length + crashed.length,
      controllerExits: exitCounts(replicas),
      watchReconnects: workloads.reduce((n, w) => n + w.watch!.reconnects, 0),
      gapsBridged: workloads.reduce((n, w) => n + w.watch!.gapsBridged, 0),
      wallSeconds: Math.round((Date.now() - started) / 1000),
    });
    expect(found).toEqual([]);
    expect(crashed).toEqual([]);
  }, 480_000);

  test('kube-apiserver restarted 5 times and etcd once during a burst of 200 Jobs: no over-admission, FIFO, each Job once', async () => {
    const started = Date.now();
    const { ns, replicas } = await scenario('cp');
    const workloads = await setUpWorkloads(ns, 'c', BURST.cronJobs, BURST.templates, BURST.perWorkload, '1s');
    watches.push(...workloads.map((w) => w.watch!));
    // All 200 created first (kubectl itself cannot create while the API server is away); the
    // faults hit while the controller admits them (and creates the JobRuns' Jobs).
    await startBurst(ns, workloads);

    // Each fault once the controller has made progress since the last one (so each hits a
    // working cluster, and a stall fails the test here, by name).
    const plan: { component: 'kube-apiserver' | 'etcd'; signal: 'TERM' | 'KILL' }[] = [
      { component: 'kube-apiserver', signal: 'TERM' },
      { component: 'kube-apiserver', signal: 'KILL' },
      { component: 'etcd', signal: 'TERM' },
      { component: 'kube-apiserver', signal: 'TERM' },
      { component: 'kube-apiserver', signal: 'KILL' },
      { component: 'kube-apiserver', signal: 'TERM' },
    ];
    const restarts: (Restart & { admittedBefore: number })[] = [];
    let progress = 0;
    for (const step of plan) {
      const before = progress;
      await waitFor(() => admittedSoFar(workloads) >= before + 4, STALL_MS,
        { description: `4 more admissions before restarting ${step.component} (${restarts.length} restarts so far)`, intervalMs: 200 });
      const admittedBefore = admittedSoFar(workloads);
      restarts.push({ ...await restartRigComponent(step.component, { signal: step.signal }), admittedBefore });
      progress = admittedSoFar(workloads);
    }
    const finalJobs = await waitForBurstEnd(ns, workloads);

    expect(restarts.filter((r) => r.admittedBefore >= totalJobs(workloads))).toEqual([]);
    const found = violations(ns, workloads, finalJobs);
    // A restart longer than the renew deadline costs the leader its lease (it exits, as
    // client-go's leaders do); nothing else may end a replica.
    const crashed = crashes(replicas, restarts.length);
    await replicas.bothRunning(60_000);
    await replicas.leader(60_000);
    record({
      scenario: 'control plane restarts',
      faults: {
        apiserverRestarts: restarts.filter((r) => r.component === 'kube-apiserver').length,
        etcdRestarts: restarts.filter((r) => r.component === 'etcd').length,
        longestOutageSeconds: Math.round(Math.max(...restarts.map((r) => r.healthyAt - r.startedAt)) / 100) / 10,
      },
      jobs: totalJobs(workloads),
      jobRuns: workloads.filter((w) => w.kind === 'JobTemplate').reduce((n, w) => n + w.jobs.length, 0),
      violations: found.length + crashed.length,
      controllerExits: exitCounts(replicas),
      watchReconnects: workloads.reduce((n, w) => n + w.watch!.reconnects, 0),
      gapsBridged: workloads.reduce((n, w) => n + w.watch!.gapsBridged, 0),
      wallSeconds: Math.round((Date.now() - started) / 1000),
    });
    expect(found).toEqual([]);
    expect(crashed).toEqual([]);
  }, 600_000);

  test('a leader paused (SIGSTOP) past its lease does not act as leader after SIGCONT', async () => {
    const started = Date.now();
    const { ns, replicas } = await scenario('stop');
    const workloads = await setUpWorkloads(ns, 's', 2, 0, 20, '2s');
    watches.push(...workloads.map((w) => w.watch!));
    const burst = startBurst(ns, workloads);
    burst.catch(() => undefined); // awaited below; reported there

    const paused = await replicas.leader(60_000);
    await waitFor(() => paused.lines.some((l) => l.msg === 'admitted Job'), 60_000, { description: `${paused.identity} admits`, intervalMs: 100 });
    const lease = getObject('lease', 'cdk8s-batch-controller', ns);
    paused.pause();
    const pausedAt = Date.now();
    // The other replica takes over once the lease expired, and admits: the queue moves on
    // while the paused one still holds its old view of it.
    const successor = replicas.running.find((p) => p !== paused)!;
    await waitFor(() => successor.lines.some((l) => l.msg === 'admitted Job'), 90_000,
      { description: `${successor.identity} takes over and admits`, intervalMs: 200 });
    await sleep(2_000);
    const pausedForMs = Date.now() - pausedAt;
    paused.resume();
    const resumedAt = Date.now();

    // It finds its renew deadline long past and steps down (the controller exits, to be
    // restarted as a standby): no 'became leader', no Lease write, the successor keeps it.
    const exit = await paused.whenExited();
    await burst;
    const finalJobs = await waitForBurstEnd(ns, workloads);

    expect(pausedForMs).toBeGreaterThan(LEASE_DURATION_S * 1000);
    expect(exit).toEqual({ code: 1, signal: null });
    const after = paused.lines.filter((l) => Date.parse(l.ts) >= resumedAt);
    expect(after.find((l) => l.msg === LEADERSHIP_LOST)).toBeDefined();
    expect(after.filter((l) => l.msg === 'became leader' || l.msg === 'acquired the lease')).toEqual([]);
    const leaseNow = getObject('lease', 'cdk8s-batch-controller', ns);
    expect(lease.spec.holderIdentity).toBe(paused.identity);
    expect(leaseNow.spec.holderIdentity).toBe(successor.identity);
    // One takeover (the successor's) since the pause, none by the paused replica.
    expect(leaseNow.spec.leaseTransitions).toBe(lease.spec.leaseTransitions + 1);
    const found = violations(ns, workloads, finalJobs);
    const crashed = crashes(replicas, 1);
    await replicas.bothRunning(60_000);
    record({
      scenario: 'leader SIGSTOP/SIGCONT',
      faults: { pauses: 1, pausedSeconds: Math.round(pausedForMs / 100) / 10 },
      jobs: totalJobs(workloads),
      jobRuns: 0,
      violations: found.length + crashed.length,
      controllerExits: exitCounts(replicas),
      watchReconnects: workloads.reduce((n, w) => n + w.watch!.reconnects, 0),
      gapsBridged: workloads.reduce((n, w) => n + w.watch!.gapsBridged, 0),
      wallSeconds: Math.round((Date.now() - started) / 1000),
    });
    expect(found).toEqual([]);
    expect(crashed).toEqual([]);
  }, 300_000);
});
