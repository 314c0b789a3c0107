/**
 * The phase of a run, read from its Job: one definition for the JobRun status and the CLI's
 * `get`/`status`, so they never disagree.
 */
import { ANNOTATION_ADMITTED_AT, ANNOTATION_CONCURRENCY, POLICY_ENQUEUE } from '../keys';
import { trueCondition } from './util';
import { RunPhase } from '../../../src/runs/run-phase';
import { Job } from '../kube/types';

export { RunPhase };

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
