/**
 * The phase of a run, read from its Job: one definition for the JobRun status and the CLI's
 * `get`/`status`, so they never disagree.
 */
import { ANNOTATION_ADMITTED_AT, ANNOTATION_CONCURRENCY, POLICY_ENQUEUE } from '../keys';
import { trueCondition } from './util';
import { Job } from '../kube/types';

/** The phases of a JobRun (`status.phase`), also used for plain Jobs of a workload. */
export enum RunPhase {
  /** The controller has not acted yet, or the template does not exist yet. */
  PENDING = 'Pending',
  /** The Job exists, suspended, and waits for admission by the Enqueue rule. */
  QUEUED = 'Queued',
  /** The Job is suspended by someone else (not waiting in the Enqueue queue). */
  SUSPENDED = 'Suspended',
  RUNNING = 'Running',
  SUCCEEDED = 'Succeeded',
  FAILED = 'Failed',
  /** The concurrency policy refused the run (`Forbid` while another run was active). */
  REFUSED = 'Refused',
}

/** Phases after which nothing changes. */
export const FINAL_PHASES: ReadonlySet<string> = new Set([RunPhase.SUCCEEDED, RunPhase.FAILED, RunPhase.REFUSED]);

/** Whether a suspended Job waits in the Enqueue queue (never admitted). */
export function isQueued(job: Job): boolean {
  const a = job.metadata.annotations ?? {};
  return job.spec?.suspend === true && a[ANNOTATION_CONCURRENCY] === POLICY_ENQUEUE && a[ANNOTATION_ADMITTED_AT] === undefined;
}

/** The phase of a run from its Job (Kubernetes' `Complete`/`Failed` conditions decide the end). */
export function phaseOfJob(job: Job): RunPhase {
  const conditions = job.status?.conditions;
  if (trueCondition(conditions, 'Complete')) return RunPhase.SUCCEEDED;
  if (trueCondition(conditions, 'Failed')) return RunPhase.FAILED;
  if (job.spec?.suspend === true) return isQueued(job) ? RunPhase.QUEUED : RunPhase.SUSPENDED;
  return RunPhase.RUNNING;
}
