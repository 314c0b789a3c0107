/**
 * Killing a run (`cdk8s-batch kill`, Furiko's `killTimestamp`): how a run's Job is stopped the
 * native way, decided here once, without side effects.
 */
import { isJobFinishedState, JobState } from './job-phase';
import { readKill } from '../contract/annotations';

/** How a Job is stopped. */
export enum KillAction {
  /**
   * The Job runs: lower `spec.activeDeadlineSeconds` to the time it has run, so the Job
   * controller fails it at once with reason `DeadlineExceeded`, stops its pods and keeps the
   * Job and its history (the TTL and history limits apply as to any failed Job).
   */
  DEADLINE = 'Deadline',
  /**
   * The Job is suspended (queued, never started): it has no pods and no deadline clock, so it
   * is deleted (propagation `Background`); the kill Event and, for a JobRun, its status record it.
   */
  DELETE = 'Delete',
  /** The Job has finished already: nothing to kill. */
  FINISHED = 'Finished',
}

/** The fields of a Job a kill reads. */
export interface KillableJob extends JobState {
  readonly spec?: JobState['spec'] & { readonly activeDeadlineSeconds?: number };
  readonly status?: JobState['status'] & { readonly startTime?: string };
}

export interface KillPlan {
  readonly action: KillAction;
  /** For `DEADLINE`: the new `spec.activeDeadlineSeconds`. */
  readonly activeDeadlineSeconds?: number;
}

/**
 * How to kill `job` at `nowMs`. The deadline is the whole seconds the Job has run since its
 * `startTime` (at least 1; never more than a deadline it has already), so it is past at once.
 */
export function planKill(job: KillableJob, nowMs: number): KillPlan {
  if (isJobFinishedState(job)) return { action: KillAction.FINISHED };
  if (job.spec?.suspend === true) return { action: KillAction.DELETE };
  const started = job.status?.startTime ? Date.parse(job.status.startTime) : NaN;
  const ran = Number.isNaN(started) ? 1 : Math.max(1, Math.floor((nowMs - started) / 1000));
  const current = job.spec?.activeDeadlineSeconds;
  return { action: KillAction.DEADLINE, activeDeadlineSeconds: current !== undefined ? Math.min(current, ran) : ran };
}

/** What the controller does now for a kill asked for a time (`cdk8s-batch kill --at/--in`). */
export interface ScheduledKillPlan {
  /** Kill now with `kill`; when undefined, nothing to do now. */
  readonly kill?: KillPlan;
  /** Not due yet: look again in this many ms. */
  readonly waitMs?: number;
}

/**
 * A kill asked for `killAtMs`, at `nowMs`: nothing once the Job has finished or was killed
 * (it carries `killed-at`; a queued one is still deleted, should its deletion have failed
 * after the mark); wait until the time; then {@link planKill}. A time in the past kills at once.
 */
export function planScheduledKill(job: KillableJob, killAtMs: number, nowMs: number): ScheduledKillPlan {
  if (isJobFinishedState(job)) return {};
  if (readKill(job.metadata?.annotations)) return job.spec?.suspend === true ? { kill: { action: KillAction.DELETE } } : {};
  if (killAtMs > nowMs) return { waitMs: killAtMs - nowMs };
  return { kill: planKill(job, nowMs) };
}
