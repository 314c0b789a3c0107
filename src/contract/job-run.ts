/**
 * The values of a `JobRun`'s fields that the CRD schema, the controller and the CLI share.
 */

/** The kinds a `JobRun`'s `spec.templateRef.kind` can name. */
export enum RunSourceKind {
  /** A `JobTemplate`: a ParameterizedJob, or a ScheduledBatch with options. */
  JOB_TEMPLATE = 'JobTemplate',
  /** A `CronJob`: a ScheduledBatch without options, run as it is scheduled. */
  CRON_JOB = 'CronJob',
}

/** The phases of a run (a JobRun's `status.phase`). */
export enum RunPhase {
  /** The controller has not acted yet, or the template does not exist yet. */
  PENDING = 'Pending',
  /** The Job exists, suspended, and waits for admission (Enqueue, a concurrency group); or the JobRun waits for its `startAfter` (no Job yet). */
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
  /** Someone killed the run (`cdk8s-batch kill`): its Job was stopped before it finished. */
  KILLED = 'Killed',
}
