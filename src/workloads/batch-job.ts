import { ApiObject, ApiObjectMetadata, Names } from 'cdk8s';
import { Construct } from 'constructs';
import { BatchWorkload } from './batch-workload';
import { BatchJobProps, WorkloadIdentity } from './job-props';
import { checkNoFailIndex } from './job-settings';
import { kindLabel, workloadLabel } from '../contract/labels';
import { BatchValidationError, BatchValidationErrors, locating } from '../errors';
import { PlainApiObject } from '../kube/plain-api-object';

/**
 * Properties of a `BatchJob`.
 */
export interface BatchJobConstructProps extends BatchJobProps {
  /**
   * Name, namespace, labels and annotations of the Job.
   *
   * @default - a name generated from the construct path (at most 63 characters: the Job
   * controller puts the name in the pods' `batch.kubernetes.io/job-name` label)
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * How many pods must succeed for the Job to be complete (`completions`). The pods are
   * interchangeable (`completionMode: NonIndexed`, Kubernetes' default): give each its own
   * input with a `ParallelMatrixJob` instead. Cannot be combined with `workQueue`.
   *
   * @default 1
   */
  readonly completions?: number;

  /**
   * How many pods run at once (`parallelism`). Kubernetes never runs more pods than
   * completions remain.
   *
   * @default 1
   */
  readonly parallelism?: number;

  /**
   * Kubernetes' "work queue" pattern: `parallelism` workers pull items from a queue of
   * their own (e.g. RabbitMQ, Redis) until it is empty, and no `completions` are set. The
   * Job is complete when one worker has exited successfully and every worker has exited,
   * so a worker must exit 0 only when the queue is empty.
   *
   * @default false - a fixed number of completions
   */
  readonly workQueue?: boolean;

  /**
   * Values of the run options (`options`) for this Job, as strings (the form the CLI's
   * `--set name=value` takes), validated and substituted at synth. Options left out get
   * their defaults.
   *
   * @default - every option's default
   */
  readonly optionValues?: Record<string, string>;
}

/** The Job controller writes the Job's name into a pod label, which has 63 characters at most. */
const MAX_JOB_NAME_LENGTH = 63;
/** Far above any sane Job; it catches typos (Kubernetes' own field is an int32). */
const MAX_COUNT = 1_000_000;

/**
 * A batch workload run once: one `batch/v1` Job, with the library's defaults (non-root
 * pods, `restartPolicy: Never`, `maxAttempts` 3, batch-sized resources) and the settings
 * every workload shares (deadline, TTL, pod failure rules, pending timeout, config, options
 * and `${...}` substitution).
 *
 * `completions` pods must succeed, `parallelism` at a time; with `workQueue`, `parallelism`
 * workers drain a queue and no completion count is set.
 *
 * @example
 * new BatchJob(chart, 'normal-job', {
 *   completions: 6,
 *   parallelism: 2,
 *   containers: [{ image: 'busybox:1.36.1', command: ['sh', '-c', 'sleep 5'] }],
 * });
 */
export class BatchJob extends BatchWorkload {
  /** The Job. */
  public readonly apiObject: ApiObject;
  /** Name and namespace of the workload (the Job). */
  public readonly workload: WorkloadIdentity;
  /** How many pods must succeed; undefined for a work queue. */
  public readonly completions?: number;
  /** How many pods run at once. */
  public readonly parallelism: number;

  constructor(scope: Construct, id: string, props: BatchJobConstructProps) {
    super(scope, id, props);
    const values = props.optionValues ?? {};
    locating(this, () => {
      checkNoFailIndex(props.podFailureRules);
      checkCount('parallelism', props.parallelism);
      checkCount('completions', props.completions);
      if (props.workQueue && props.completions !== undefined) {
        throw new BatchValidationError('completions', String(props.completions),
          'cannot be combined with workQueue (a work queue Job is complete when its workers have drained the queue, not after a count)',
          'Remove completions for a work queue, or remove workQueue for a fixed number of completions.');
      }
      const problems = this.optionSet.validate(values);
      if (problems.length > 0) throw new BatchValidationErrors('optionValues', problems);
    });
    this.parallelism = props.parallelism ?? 1;
    this.completions = props.workQueue ? undefined : props.completions ?? 1;

    const name = props.metadata?.name ?? Names.toDnsLabel(this, { maxLen: MAX_JOB_NAME_LENGTH });
    const { workload, namespace } = this._identify(name, props.metadata, MAX_JOB_NAME_LENGTH,
      'the Job controller writes the Job name into the batch.kubernetes.io/job-name label of its pods');
    this.workload = workload;
    this._createConfigMap(name, namespace);
    const meta = this._jobMetadata(name);
    const annotations = { ...props.metadata?.annotations, ...meta.annotations };
    const counts = { completions: this.completions, parallelism: this.parallelism };
    this.apiObject = new PlainApiObject(this, 'Resource', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        ...props.metadata,
        name,
        namespace,
        labels: { ...props.metadata?.labels, ...meta.labels, ...workloadLabel(name), ...kindLabel('BatchJob') },
        annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
      },
      spec: this._lazy(() => this._renderJobSpec(this.workload, counts, values)),
    });
  }
}

function checkCount(field: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > MAX_COUNT)) {
    throw new BatchValidationError(field, String(value), `must be a whole number from 1 to ${MAX_COUNT}`,
      `Use e.g. ${field}: 2.`);
  }
}
