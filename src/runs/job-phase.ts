/**
 * What a run's Job says about the run: its phase, whether it waits in the Enqueue queue. One
 * definition for the JobRun status, the Enqueue rule and the CLI's `get`/`status`, so they
 * never disagree.
 */
import { concurrencyGroupOf, hasEnqueuePolicy, isAdmitted, readKill } from '../contract/annotations';
import { RunPhase } from '../contract/job-run';

/** The fields of a Job that these rules read (raw JSON, as the API server sends it). */
export interface JobState {
  readonly metadata?: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  readonly spec?: { readonly suspend?: boolean };
  readonly status?: { readonly conditions?: ReadonlyArray<{ readonly type: string; readonly status: string }> };
}

/** Phases after which nothing changes. */
export const FINAL_PHASES: ReadonlySet<string> = new Set([RunPhase.SUCCEEDED, RunPhase.FAILED, RunPhase.REFUSED, RunPhase.KILLED]);

/**
 * Whether a suspended Job waits for the controller's admission: it has the Enqueue policy or
 * is in a concurrency group, and was never admitted.
 */
export function isQueued(job: JobState): boolean {
  const annotations = job.metadata?.annotations;
  return job.spec?.suspend === true && !isAdmitted(annotations) && !readKill(annotations) &&
    (hasEnqueuePolicy(annotations) || isInConcurrencyGroup(job));
}

/** Whether the Job waits in (or was admitted from) a concurrency group's queue. */
export function isInConcurrencyGroup(job: JobState): boolean {
  return concurrencyGroupOf(job.metadata?.labels) !== undefined;
}

/** The phase of a run from its Job (Kubernetes' `Complete`/`Failed` conditions decide the end). */
export function phaseOfJob(job: JobState): RunPhase {
  if (hasTrueCondition(job, 'Complete')) return RunPhase.SUCCEEDED;
  // Killed: failed by the deadline `cdk8s-batch kill` set (until then its pods are stopping).
  if (hasTrueCondition(job, 'Failed')) return readKill(job.metadata?.annotations) ? RunPhase.KILLED : RunPhase.FAILED;
  if (job.spec?.suspend === true) return isQueued(job) ? RunPhase.QUEUED : RunPhase.SUSPENDED;
  return RunPhase.RUNNING;
}

function hasTrueCondition(job: JobState, type: string): boolean {
  return job.status?.conditions?.some((c) => c.type === type && c.status === 'True') ?? false;
}

/** Whether the Job has finished (a `Complete` or `Failed` condition is True, Kubernetes' definition). */
export function isJobFinishedState(job: JobState): boolean {
  return hasTrueCondition(job, 'Complete') || hasTrueCondition(job, 'Failed');
}
