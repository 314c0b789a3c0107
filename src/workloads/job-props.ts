import { ApiObjectMetadata, Duration } from 'cdk8s';
import { ConcurrencyGroup } from './concurrency-group';
import { PodFailureRule } from './pod-failure-policy';
import { BatchPodProps } from './pod-props';
import { KubernetesVersion } from '../kube/kubernetes-version';
import { JobOption } from '../options';

/**
 * The Job settings every cdk8s-batch workload shares.
 */
export interface BatchJobProps extends BatchPodProps {
  /**
   * How many times a run may be attempted in all, the first attempt included
   * (emitted as `backoffLimit: maxAttempts - 1`).
   *
   * @default 3 - two retries, enough for a transient failure without Kubernetes' six
   * retries with exponential back-off piling up
   */
  readonly maxAttempts?: number;

  /**
   * How long a run may take, retries included, before Kubernetes fails it
   * (`activeDeadlineSeconds`).
   *
   * @default - no deadline
   */
  readonly activeDeadline?: Duration;

  /**
   * How long a finished Job (and its pods) is kept before Kubernetes deletes it
   * (`ttlSecondsAfterFinished`).
   *
   * @default - kept until the history limit (ScheduledBatch) or forever (other workloads)
   */
  readonly ttlAfterFinished?: Duration;

  /**
   * Rules that decide how a failed pod counts: fail the run at once, ignore the failure, or
   * count it (`podFailurePolicy`). Needs `restartPolicy: Never`.
   *
   * @default - every failure counts as one attempt
   */
  readonly podFailureRules?: PodFailureRule[];

  /**
   * How long a pod may stay Pending (e.g. unschedulable) before the companion controller
   * fails it; this counts as one attempt. Needs the `BatchController`.
   *
   * @default - no limit
   */
  readonly pendingTimeout?: Duration;

  /**
   * A fixed wait between a failed attempt and the next attempt of the same index (Furiko's
   * `retryDelaySeconds`); the first attempt starts at once. Every pod is
   * created behind a scheduling gate, and the companion controller removes it once the delay
   * has passed since the latest failure of the pod's index (per index for a matrix as one
   * Indexed Job; per Job otherwise). Kubernetes' own back-off before it creates the next pod
   * (10 s, doubling up to 6 min) still applies: the wait is the longer of the two. Time spent
   * gated is not counted by `pendingTimeout`, but is by `activeDeadline`. Needs the
   * `BatchController`, `restartPolicy: Never` (the default) and Kubernetes 1.30 (pod
   * scheduling gates). See docs/retry-delay.md.
   *
   * @default - no delay beyond Kubernetes' back-off
   */
  readonly retryDelay?: Duration;

  /**
   * A queue shared with other workloads: the workload's Jobs are created suspended and the
   * companion controller starts them oldest first across the group, at most the group's
   * `maxConcurrency` at a time, in addition to this workload's own concurrency policy. Needs
   * the `BatchController`.
   *
   * @default - in no group
   */
  readonly concurrencyGroup?: ConcurrencyGroup;

  /**
   * Configuration for the containers: emitted as an immutable ConfigMap whose name carries
   * a hash of its content (so a change rolls out as a new ConfigMap) and passed to every
   * container with `envFrom`.
   *
   * @default - no ConfigMap
   */
  readonly config?: Record<string, string>;

  /**
   * Labels and annotations for the Jobs.
   *
   * @default - only the labels cdk8s-batch adds
   */
  readonly jobMetadata?: ApiObjectMetadata;

  /**
   * Typed run options. `${option.NAME}` in a container's image, command, args and env values
   * is replaced by the option's rendered value: at synth for the runs this app emits (scheduled
   * runs use the defaults), and by the controller or the CLI for ad-hoc runs with other values.
   * A workload with options also emits a `JobTemplate` for ad-hoc runs.
   *
   * @default - no options
   */
  readonly options?: JobOption[];

  /**
   * The oldest Kubernetes the emitted objects must work on. A feature that needs a newer
   * version fails at synth, naming the feature, the version it needs and the alternative
   * (docs/kubernetes-versions.md lists them).
   *
   * @default - the context `cdk8s-batch.dev/kubernetes-version` of the chart or app, else
   * `KubernetesVersion.DEFAULT` (1.35)
   */
  readonly kubernetesVersion?: KubernetesVersion;
}

/** Who a workload is, for `${workload.name}` and `${workload.namespace}`. */
export interface WorkloadIdentity {
  /** The workload's name (its CronJob, Job or JobTemplate name). */
  readonly name: string;
  /** The workload's namespace (`default` when the chart sets none). */
  readonly namespace: string;
}
