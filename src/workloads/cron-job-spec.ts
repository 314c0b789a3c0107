import { ApiObjectMetadata } from 'cdk8s';
import { Concurrency } from './concurrency';
import { JobSpecJson } from './job-spec';

/** A CronJob's own settings, validated (`ScheduledBatchProps` after its checks and defaults). */
export interface CronJobSettings {
  /** The concrete schedule (`H` resolved). */
  readonly schedule: string;
  /** The IANA zone name. */
  readonly timeZone: string;
  /** The policy this CronJob carries. */
  readonly concurrency: Concurrency;
  readonly startingDeadlineSeconds?: number;
  readonly suspend?: boolean;
  readonly successfulJobsRetained?: number;
  readonly failedJobsRetained?: number;
}

/**
 * The `batch/v1` CronJob spec as plain JSON, with explicit defaults (`suspend`, the history
 * limits), around the Job template the workload rendered.
 */
export function renderCronJobSpec(settings: CronJobSettings,
  jobTemplate: { metadata: ApiObjectMetadata; spec: JobSpecJson }): Record<string, unknown> {
  return {
    schedule: settings.schedule,
    timeZone: settings.timeZone,
    concurrencyPolicy: settings.concurrency.kubernetesPolicy,
    startingDeadlineSeconds: settings.startingDeadlineSeconds,
    suspend: settings.suspend ?? false,
    successfulJobsHistoryLimit: settings.successfulJobsRetained ?? 3,
    failedJobsHistoryLimit: settings.failedJobsRetained ?? 1,
    jobTemplate,
  };
}
