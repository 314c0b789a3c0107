import { ConcurrencyPolicy } from '../contract/concurrency-policy';

/** What happens to an ad-hoc run, given its workload's concurrency policy. */
export enum RunAdmission {
  /** Create the Job and let it start. */
  START = 'Start',
  /** Create the Job suspended; the controller's Enqueue rule admits it in turn. */
  QUEUE = 'Queue',
  /** Refuse the run: another run of the workload is active (`Forbid`). */
  REFUSE = 'Refuse',
  /** Delete the workload's active Jobs, then start (`Replace`). */
  REPLACE = 'Replace',
}

/**
 * The concurrency policy applied to one ad-hoc run: the same rules the CronJob controller
 * applies to scheduled runs (`Forbid` skips, `Replace` replaces), and `Enqueue` queues every
 * run, even with a free slot, so ad-hoc and scheduled runs share one first-in-first-out
 * queue. `force` starts the run whatever the policy says.
 *
 * @param activeRuns Jobs of the workload that are not finished (suspended ones included)
 */
export function admitRun(policy: ConcurrencyPolicy, activeRuns: number, force: boolean): RunAdmission {
  if (force) {
    return RunAdmission.START;
  }
  switch (policy) {
    case ConcurrencyPolicy.ENQUEUE:
      return RunAdmission.QUEUE;
    case ConcurrencyPolicy.FORBID:
      return activeRuns > 0 ? RunAdmission.REFUSE : RunAdmission.START;
    case ConcurrencyPolicy.REPLACE:
      return activeRuns > 0 ? RunAdmission.REPLACE : RunAdmission.START;
    default:
      return RunAdmission.START;
  }
}
