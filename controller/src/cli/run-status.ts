/**
 * The runs of a workload as the CLI shows them (`get`, `status`, `run --wait`): every Job of
 * the workload (scheduled, ad hoc or made by hand) and every JobRun that has no Job (waiting
 * for its template, refused, invalid). Phases come from the run core (`src/runs/job-phase.ts`) and the
 * queue order from the Enqueue rule's own ordering, so the CLI says what the controller does.
 */
import { readKill, readScheduledKill, ScheduledKill } from '../../../src/contract/annotations';
import { ANNOTATION_KILL_AT, ANNOTATION_KILL_REQUESTED_BY } from '../../../src/contract/keys';
import { readJobRunLabel, workloadSelector } from '../../../src/contract/labels';
import { FINAL_PHASES, isQueued, phaseOfJob, RunPhase, WorkloadMember, workloadOf } from '../../../src/runs';
import { byCreation, controllerOwner, isJobFinished, jobRunOf, trueCondition } from '../reconcilers/util';
import { RuntimeError } from './errors';
import { CliIo } from './io';
import { isNotFound, KubeApi } from '../kube/api';
import { Condition, Job, JOB_RUNS, JobRun, JOBS, KubeObject, timeOf } from '../kube/types';

/** What started a run. */
export enum Trigger {
  SCHEDULE = 'schedule',
  JOB_RUN = 'JobRun',
  /** A Job of the workload created some other way (e.g. `kubectl create job --from`). */
  OTHER = 'other',
}

export interface RunView {
  readonly name: string;
  readonly namespace: string;
  readonly workload: string;
  readonly trigger: Trigger;
  readonly phase: string;
  readonly jobName?: string;
  readonly startTime?: string;
  readonly completionTime?: string;
  /** Seconds from start to completion, or to now while running. */
  readonly durationSeconds?: number;
  /** 1-based position in the Enqueue queue of the workload, for queued Jobs. */
  readonly queuePosition?: number;
  readonly values?: Record<string, string>;
  readonly conditions: Condition[];
  readonly created?: string;
  /** The JobRun's `spec.startAfter`: not started before then. */
  readonly startAfter?: string;
  /** Who killed the run and when (`cdk8s-batch kill`). */
  readonly killedBy?: string;
  readonly killedAt?: string;
  /** A kill asked for a time (`cdk8s-batch kill --at/--in`) and who asked, until it is done or the run ends. */
  readonly killAt?: string;
  readonly killRequestedBy?: string;
}

/** The runs of `workload`, oldest first. */
export function runsOfWorkload(workload: string, jobs: readonly Job[], jobRuns: readonly JobRun[], now: Date): RunView[] {
  const ownJobs = jobs.filter((j) => workloadOf(j as WorkloadMember) === workload);
  const queue = ownJobs.filter((j) => isQueued(j) && !isJobFinished(j) && !j.metadata.deletionTimestamp).sort(byCreation);
  const runsByName = new Map(jobRuns.map((r) => [r.metadata.name!, r]));
  const views: Array<{ obj: KubeObject; view: RunView }> = ownJobs.map((job) => {
    const runName = jobRunOf(job);
    return { obj: job, view: viewOfJob(job, workload, runName ? runsByName.get(runName) : undefined, queue, now) };
  });
  const jobNames = new Set(ownJobs.map((j) => j.metadata.name));
  for (const run of jobRuns) {
    if ((workloadOf(run) ?? run.spec?.templateRef?.name) === workload && !jobNames.has(run.metadata.name)) views.push({ obj: run, view: viewOfJobRun(run, workload) });
  }
  return views.sort((a, b) => byCreation(a.obj, b.obj)).map((v) => v.view);
}

export function viewOfJob(job: Job, workload: string, run: JobRun | undefined, queue: readonly Job[], now: Date): RunView {
  const start = job.status?.startTime;
  const end = job.status?.completionTime
    ?? (trueCondition(job.status?.conditions, 'Failed') ?? trueCondition(job.status?.conditions, 'Complete'))?.lastTransitionTime;
  const position = queue.findIndex((q) => q.metadata.uid === job.metadata.uid);
  const trigger = controllerOwner(job, 'CronJob') ? Trigger.SCHEDULE
    : run || readJobRunLabel(job.metadata.labels) ? Trigger.JOB_RUN : Trigger.OTHER;
  return {
    name: run?.metadata.name ?? job.metadata.name!,
    namespace: job.metadata.namespace!,
    workload,
    trigger,
    phase: phaseOfJob(job),
    jobName: job.metadata.name,
    startTime: start,
    completionTime: end,
    durationSeconds: secondsBetween(start, end ?? (isJobFinished(job) ? undefined : now.toISOString())),
    queuePosition: position >= 0 ? position + 1 : undefined,
    values: run?.status?.values,
    conditions: run?.status?.conditions ?? job.status?.conditions ?? [],
    created: job.metadata.creationTimestamp,
    ...extras(run, job),
  };
}

export function viewOfJobRun(run: JobRun, workload: string): RunView {
  return {
    name: run.metadata.name!,
    namespace: run.metadata.namespace!,
    workload,
    trigger: Trigger.JOB_RUN,
    phase: run.status?.phase ?? RunPhase.PENDING,
    jobName: run.status?.jobName,
    startTime: run.status?.startTime,
    completionTime: run.status?.completionTime,
    durationSeconds: secondsBetween(run.status?.startTime, run.status?.completionTime),
    values: run.status?.values,
    conditions: run.status?.conditions ?? [],
    created: run.metadata.creationTimestamp,
    ...extras(run),
  };
}

/** `1h02m03s`, `4m05s`, `6s`; `-` when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${pad(m)}m${pad(s)}s`;
  if (m > 0) return `${m}m${pad(s)}s`;
  return `${s}s`;
}

/** Columns padded to their widest cell, two spaces apart, no trailing spaces. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}

/** Waits until JobRun `name` reaches a final phase, printing each phase; fails unless it succeeded. */
export async function watchRun(io: CliIo, api: KubeApi, namespace: string, name: string, timeoutMs: number,
  pollMs = 1000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: string | undefined;
  for (;;) {
    let run: JobRun;
    try {
      run = await api.get<JobRun>(JOB_RUNS, namespace, name);
    } catch (e) {
      if (isNotFound(e)) throw new RuntimeError(`JobRun ${namespace}/${name} was deleted while waiting.`);
      throw new RuntimeError((e as Error).message);
    }
    const phase = run.status?.phase ?? RunPhase.PENDING;
    if (phase !== last) {
      io.stdout.write(`${name}: ${phase}\n`);
      last = phase;
    }
    if (FINAL_PHASES.has(phase)) {
      if (phase === RunPhase.SUCCEEDED) return;
      const why = (run.status?.conditions ?? []).find((c) => c.type === 'Failed' && c.status === 'True')
        ?? (run.status?.conditions ?? []).find((c) => c.type === 'Accepted');
      const verb = phase === RunPhase.REFUSED ? 'was refused' : phase === RunPhase.KILLED ? 'was killed' : 'failed';
      throw new RuntimeError(`JobRun ${namespace}/${name} ${verb}`
        + (why ? ` (${why.reason}): ${why.message}` : '.'));
    }
    if (Date.now() >= deadline) {
      throw new RuntimeError(`JobRun ${namespace}/${name} is still ${phase} after ${Math.round(timeoutMs / 1000)} s (--timeout).`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Every Job and JobRun in `namespace` that may belong to `workload`. */
export async function listRuns(api: KubeApi, namespace: string, workload: string): Promise<{ jobs: Job[]; jobRuns: JobRun[] }> {
  try {
    const [jobs, jobRuns] = await Promise.all([
      api.list<Job>(JOBS, { namespace, labelSelector: workloadSelector(workload) }),
      api.list<JobRun>(JOB_RUNS, { namespace }).catch((e) => {
        // Without the CRDs there are no JobRuns, only scheduled Jobs.
        if (isNotFound(e)) return { items: [] as JobRun[] };
        throw e;
      }),
    ]);
    return { jobs: jobs.items, jobRuns: jobRuns.items };
  } catch (e) {
    throw new RuntimeError(`cannot list the runs of ${namespace}/${workload}: ${(e as Error).message}`);
  }
}

/** `startAfter` and the kill record, when there are. */
function extras(run: JobRun | undefined, job?: Job): Pick<RunView, 'startAfter' | 'killedBy' | 'killedAt' | 'killAt' | 'killRequestedBy'> {
  const kill = readKill(job?.metadata.annotations) ?? readKill(run?.metadata.annotations);
  const scheduled = job && !kill && !isJobFinished(job) ? scheduledKillOf(job) : undefined;
  return {
    ...(run?.spec?.startAfter ? { startAfter: run.spec.startAfter } : {}),
    ...(kill ? { killedBy: kill.by, killedAt: kill.at } : {}),
    ...(scheduled ? { killAt: scheduled.at, killRequestedBy: scheduled.by } : {}),
  };
}

/** The kill asked for a time; a malformed one shows as written (the controller reports it with an InvalidKillAt Event). */
function scheduledKillOf(job: Job): ScheduledKill | undefined {
  try {
    return readScheduledKill(job.metadata.annotations);
  } catch {
    const annotations = job.metadata.annotations ?? {};
    return { atMs: NaN, at: `${annotations[ANNOTATION_KILL_AT]} (not an RFC 3339 time)`, by: annotations[ANNOTATION_KILL_REQUESTED_BY] ?? '(unknown)' };
  }
}

function secondsBetween(from: string | undefined, to: string | undefined): number | undefined {
  const a = timeOf(from);
  const b = timeOf(to);
  return Number.isNaN(a) || Number.isNaN(b) ? undefined : Math.max(0, Math.round((b - a) / 1000));
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
