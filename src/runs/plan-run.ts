import { admitRun, RunAdmission } from './admission';
import { jobForRun, RunJob } from './job-for-run';
import { RunSource } from './run-source';

/** One ad-hoc run as asked for: a JobRun's spec, or `cdk8s-batch run`'s flags. */
export interface PlannedRunRequest {
  /** The run's name; the Job takes it. */
  readonly name: string;
  /** Option values by name, as strings. */
  readonly values?: Record<string, string>;
  /** Start whatever the concurrency policy says. */
  readonly force?: boolean;
  /** The JobRun that will own the Job (its uid), when there is one. */
  readonly jobRunUid?: string;
}

/** What to do for one run. */
export interface RunPlan<T> {
  /** `REFUSE`: create nothing; `REPLACE`: delete `replaced`, then create `job`; else create `job`. */
  readonly admission: RunAdmission;
  /** The Job to create (started, or suspended when queued); none when refused. */
  readonly job?: RunJob;
  /** The active runs to delete first (`REPLACE`). */
  readonly replaced: readonly T[];
}

/**
 * The decision for one ad-hoc run, without side effects: the workload's concurrency policy
 * applied to its active runs, and the Job to create. The JobRun reconciler carries it out;
 * `cdk8s-batch run --dry-run` prints its Job.
 *
 * @param active the workload's runs that are not finished (suspended ones included)
 * @throws BatchValidationError for a bad run name, values or template (the Job is built
 * before anything is deleted)
 */
export function planRun<T>(source: RunSource, request: PlannedRunRequest, active: readonly T[]): RunPlan<T> {
  const admission = admitRun(source.concurrency.policy, active.length, request.force === true);
  if (admission === RunAdmission.REFUSE) {
    return { admission, replaced: [] };
  }
  const job = jobForRun(source, {
    name: request.name,
    values: request.values,
    // Replace starts once the old runs are gone; only Enqueue creates a suspended Job.
    admission: admission === RunAdmission.QUEUE ? RunAdmission.QUEUE : RunAdmission.START,
    jobRunUid: request.jobRunUid,
  });
  return { admission, job, replaced: admission === RunAdmission.REPLACE ? active : [] };
}
