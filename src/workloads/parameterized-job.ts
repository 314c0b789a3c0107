import { ApiObject, ApiObjectMetadata, ApiObjectProps, Names } from 'cdk8s';
import { Construct } from 'constructs';
import { BatchValidationErrors, locating } from '../errors';
import { BatchWorkload } from './batch-workload';
import { Concurrency } from './concurrency';
import { BatchJobProps, WorkloadIdentity } from './job-props';
import { checkNoFailIndex } from './job-settings';
import { ConcurrencyPolicy } from '../contract/concurrency-policy';
import { kindLabel, workloadLabel } from '../contract/labels';
import { PlainApiObject } from '../kube/plain-api-object';
import { checkObjectName } from '../kube/validation';
import { jobRunManifest } from '../runs/job-run-manifest';

/**
 * Properties of a `ParameterizedJob`.
 */
export interface ParameterizedJobProps extends BatchJobProps {
  /**
   * Name, namespace, labels and annotations of the JobTemplate.
   *
   * @default - a name generated from the construct path (at most 52 characters)
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * What happens when a run is requested while another is active: `forbid()` refuses it,
   * `enqueue()` queues it. Applied by the companion controller to JobRuns.
   *
   * @default Concurrency.allow()
   */
  readonly concurrency?: Concurrency;
}

/** How a committed run is emitted. */
export enum RunKind {
  /** A `JobRun` for the companion controller, which validates, substitutes and applies the concurrency policy. */
  JOB_RUN = 'JobRun',
  /** A plain `batch/v1` Job with the values substituted at synth; no controller needed, no concurrency policy. */
  JOB = 'Job',
}

/** Options for `ParameterizedJob.addRun()`. */
export interface RunOptions {
  /**
   * Option values by option name, as strings (the same form as the CLI's `--set name=value`).
   * Options left out get their defaults.
   *
   * @default - every option's default
   */
  readonly values?: Record<string, string>;

  /**
   * Whether the run is a JobRun (for the controller) or a plain Job.
   *
   * @default RunKind.JOB_RUN
   */
  readonly kind?: RunKind;

  /**
   * Name of the JobRun or Job.
   *
   * @default - generated from the construct path
   */
  readonly name?: string;
}

/** Job names become pod label values and leave room for a suffix, like CronJob names. */
const MAX_TEMPLATE_NAME_LENGTH = 52;

/**
 * A Job template with typed run options: emitted as a `JobTemplate` (cdk8s-batch.dev/v1alpha1)
 * that the controller and the `cdk8s-batch run` CLI turn into Jobs with the values of each run.
 * Runs committed with the app (GitOps) are added with `addRun()` and validated at synth.
 *
 * @example
 * const job = new ParameterizedJob(chart, 'greet', {
 *   options: [JobOption.string({ name: 'username', default: 'Example User', trimSpaces: true })],
 *   containers: [{ image: 'alpine:3.20', args: ['echo', 'Hello world, ${option.username}!'] }],
 * });
 * job.addRun('greet-alice', { values: { username: 'Alice' } });
 */
export class ParameterizedJob extends BatchWorkload {
  /** The JobTemplate. */
  public readonly apiObject: ApiObject;
  /** The concurrency policy of ad-hoc runs. */
  public readonly concurrency: Concurrency;
  /** Name and namespace of the workload (the JobTemplate). */
  public readonly workload: WorkloadIdentity;

  private readonly metadata?: ApiObjectMetadata;

  constructor(scope: Construct, id: string, props: ParameterizedJobProps) {
    super(scope, id, props);
    this.concurrency = props.concurrency ?? Concurrency.allow();
    this.metadata = props.metadata;
    const name = props.metadata?.name ?? Names.toDnsLabel(this, { maxLen: MAX_TEMPLATE_NAME_LENGTH });
    locating(this, () => {
      checkNoFailIndex(props.podFailureRules);
      props.concurrency?._check();
    });
    const { workload, namespace } = this._identify(name, props.metadata, MAX_TEMPLATE_NAME_LENGTH,
      'Jobs created from the template are named after it, with a suffix');
    this.workload = workload;
    this._createConfigMap(name, namespace);
    this.apiObject = this._createJobTemplate('Resource', this.workload, 'ParameterizedJob', this.concurrency, {
      ...props.metadata,
      namespace,
    });
    if (this.concurrency.policy === ConcurrencyPolicy.ENQUEUE || this.concurrency.policy === ConcurrencyPolicy.FORBID) {
      this._warnWithoutController(`Concurrency.${this.concurrency.policy.toLowerCase()}() for ad-hoc runs`);
    }
  }

  /**
   * Adds a run with the given option values, committed with the app. The values are
   * validated now, with the same rules the CLI and the controller apply.
   */
  public addRun(id: string, options: RunOptions = {}): ApiObject {
    const values = options.values ?? {};
    const kind = options.kind ?? RunKind.JOB_RUN;
    const scope = new Construct(this, id);
    locating(scope, () => { // every bad value at once, as the CLI reports them; the Job below renders at synth
      const problems = this.optionSet.validate(values);
      if (problems.length > 0) throw new BatchValidationErrors('values', problems);
    });
    const name = options.name ?? Names.toDnsLabel(scope, { maxLen: kind === RunKind.JOB ? 63 : 253 });
    locating(scope, () => {
      checkObjectName('name', name, 63, 'Job names become pod label values');
    });
    const labels = { ...workloadLabel(this.workload.name), ...kindLabel('ParameterizedJob') };
    if (kind === RunKind.JOB_RUN) {
      this._warnWithoutController('addRun() with RunKind.JOB_RUN');
      return new ApiObject(scope, 'Resource', jobRunManifest({
        name,
        namespace: this.metadata?.namespace,
        workload: this.workload.name,
        templateName: this.workload.name,
        values,
        labels,
      }) as ApiObjectProps);
    }
    const meta = this._jobMetadata(this.workload.name);
    return new PlainApiObject(scope, 'Resource', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { ...meta, name, namespace: this.metadata?.namespace, labels: { ...meta.labels, ...labels } },
      spec: this._lazy(() => this._renderJobSpec(this.workload, {}, values)),
    });
  }
}
