/** The kinds a `JobRun`'s `templateRef` can name (no imports: the CRD definitions use it). */
export enum RunSourceKind {
  /** A `JobTemplate`: a ParameterizedJob, or a ScheduledBatch with options. */
  JOB_TEMPLATE = 'JobTemplate',
  /** A `CronJob`: a ScheduledBatch without options, run as it is scheduled. */
  CRON_JOB = 'CronJob',
}
