/**
 * The phases of a run (a JobRun's `status.phase`), one list for the CRD's schema, the
 * controller and the CLI. No imports: the CRD definitions use it.
 */
export enum RunPhase {
  /** The controller has not acted yet, or the template does not exist yet. */
  PENDING = 'Pending',
  /** The Job exists, suspended, and waits for admission by the Enqueue rule. */
  QUEUED = 'Queued',
  /** The Job is suspended by someone else (not waiting in the Enqueue queue). */
  SUSPENDED = 'Suspended',
  /** The Job runs. */
  RUNNING = 'Running',
  /** The Job completed. */
  SUCCEEDED = 'Succeeded',
  /** The Job failed, or the run could not have one (invalid values, name or template). */
  FAILED = 'Failed',
  /** The concurrency policy refused the run (`Forbid` while another run was active). */
  REFUSED = 'Refused',
}
