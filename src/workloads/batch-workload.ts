import { ApiObject, ApiObjectMetadata, Duration, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Concurrency, controllerAnnotations } from './concurrency';
import { configMapForWorkload } from './config';
import { IndexedMatrix, IndexedMatrixSettings } from './indexed-matrix';
import { JobSpecJson } from './job-spec';
import { MAX_POD_FAILURE_RULES, PodFailureRule } from './pod-failure-policy';
import { PodTemplate, PodTemplateJson } from './pod-renderer';
import { BatchPodProps } from './pod-template';
import { pendingTimeoutAnnotation } from '../contract/annotations';
import {
  API_GROUP_VERSION, CONTROLLER_CONTEXT_KEY, CONTROLLER_EXTERNAL, JOB_TEMPLATE_KIND, LABEL_KIND, LABEL_WORKLOAD,
} from '../contract/keys';
import { appHasBatchController } from '../controller/presence';
import { BatchValidationError, locate } from '../errors';
import { checkAnnotations, checkConfigMapData, checkLabels } from '../kube/validation';
import { JobOption, JobOptionSet, Substitution } from '../options';
import { warnAtSynth } from '../warnings';

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
}

/** Who a workload is, for `${workload.name}` and `${workload.namespace}`. */
export interface WorkloadIdentity {
  /** The workload's name (its CronJob, Job or JobTemplate name). */
  readonly name: string;
  /** The workload's namespace (`default` when the chart sets none). */
  readonly namespace: string;
}

/**
 * The part every workload shares: the pod, the Job settings, the config and the
 * controller-only features. Subclasses own the API object (CronJob, Job, JobTemplate).
 */
export abstract class BatchWorkload extends Construct {
  /**
   * The ConfigMap holding `config`, if any.
   */
  public readonly configMap?: kplus.ConfigMap;

  /** The run options (empty when the workload has none). */
  public readonly optionSet: JobOptionSet;

  /** @internal */
  protected readonly _pod: PodTemplate;
  /** The pod as the synth validation rendered it, until the next render takes it. */
  private _validatedPod?: PodTemplateJson;
  /** @internal */
  protected readonly _props: BatchJobProps;
  /**
   * The matrix delivery, when the workload runs an Indexed Job over a matrix.
   * @internal
   */
  protected _indexed?: IndexedMatrix;

  protected constructor(scope: Construct, id: string, props: BatchJobProps) {
    super(scope, id);
    this._props = props;
    try {
      checkJobSettings(props);
      if (props.config) {
        checkConfigMapData('config', props.config);
      }
      this.optionSet = new JobOptionSet(props.options ?? []);
    } catch (e) {
      throw locate(this, e);
    }
    this._pod = new PodTemplate(this, props);
    this.node.addValidation({ validate: () => this.validatePod() });
    if (props.pendingTimeout) {
      this._warnWithoutController('pendingTimeout');
    }
  }

  /** The main containers. */
  public get containers(): kplus.Container[] {
    return this._pod.containers;
  }

  /** The init containers. */
  public get initContainers(): kplus.Container[] {
    return this._pod.initContainers;
  }

  /** Adds a container to every pod. */
  public addContainer(container: kplus.ContainerProps): kplus.Container {
    this._validatedPod = undefined;
    const added = this._pod.addContainer(container);
    this.wireConfig(added);
    return added;
  }

  /** Adds an init container to every pod. */
  public addInitContainer(container: kplus.ContainerProps): kplus.Container {
    this._validatedPod = undefined;
    return this._pod.addInitContainer(container);
  }

  /** Adds a volume to every pod. */
  public addVolume(volume: kplus.Volume): void {
    this._validatedPod = undefined;
    this._pod.addVolume(volume);
  }

  /**
   * Creates the config ConfigMap and wires it into the containers present now.
   * Call once the workload's name is known.
   *
   * @internal
   */
  protected _createConfigMap(workloadName: string, namespace: string | undefined): kplus.ConfigMap | undefined {
    if (!this._props.config) {
      return undefined;
    }
    const cm = configMapForWorkload(this, workloadName, namespace, this._props.config);
    (this as { configMap?: kplus.ConfigMap }).configMap = cm;
    for (const container of this._pod.containers) {
      this.wireConfig(container);
    }
    return cm;
  }

  /**
   * Makes the workload's Jobs Indexed Jobs over a matrix: checks the settings and creates
   * the matrix ConfigMap. Call once the workload's name is known.
   *
   * @internal
   */
  protected _useMatrix(settings: Omit<IndexedMatrixSettings, 'maxAttempts' | 'restartPolicy'>, workloadName: string,
    namespace: string | undefined): ApiObject {
    try {
      this._indexed = new IndexedMatrix({ ...settings, maxAttempts: this._props.maxAttempts, restartPolicy: this._props.restartPolicy });
      return this._indexed.createConfigMap(this, workloadName, namespace);
    } catch (e) {
      throw locate(this, e);
    }
  }

  /**
   * The Job spec shared by all workloads; `extra` fields are merged over it.
   *
   * With `values`, every `${...}` reference is substituted (option values rendered from
   * `values`, defaults for the rest). Without, `${option.*}` and `${workload.*}` references
   * are checked and left in place for the controller or CLI to fill in (a JobTemplate).
   *
   * @internal
   */
  protected _renderJobSpec(workload: WorkloadIdentity, extra: Record<string, unknown>, values?: Record<string, string>): JobSpecJson {
    const props = this._props;
    // The synth validation just rendered the pod; take that render instead of rendering again
    // (rendering is most of a workload's synth time).
    const template = this._validatedPod ?? this._pod.render();
    this._validatedPod = undefined;
    template.metadata.labels = { ...template.metadata.labels, [LABEL_WORKLOAD]: workload.name };
    const indexed = this._indexed;
    try {
      const scopes = {
        workload: { name: workload.name, namespace: workload.namespace },
        ...(indexed ? { matrix: indexed.scope() } : {}),
      };
      indexed?.checkImages(template.spec, { ...scopes, options: placeholders(this.optionSet) }, 'spec.template.spec');
      if (values) {
        const options = this.optionSet.render(values);
        template.spec = Substitution.inPodSpec(template.spec, { ...scopes, options }, 'spec.template.spec') as PodTemplateJson['spec'];
      } else {
        Substitution.inPodSpec(template.spec, { ...scopes, options: placeholders(this.optionSet) }, 'spec.template.spec');
      }
    } catch (e) {
      throw locate(this, e);
    }
    const rules = props.podFailureRules ?? [];
    indexed?.deliver(template);
    return {
      activeDeadlineSeconds: props.activeDeadline?.toSeconds(),
      backoffLimit: (props.maxAttempts ?? 3) - 1,
      podFailurePolicy: rules.length > 0 ? { rules: rules.map((r) => r._toKube()) } : undefined,
      ttlSecondsAfterFinished: props.ttlAfterFinished?.toSeconds(),
      ...indexed?.jobFields(),
      ...extra,
      template,
    };
  }

  /**
   * Emits a JobTemplate for ad-hoc runs: the option schema, the concurrency policy that
   * applies to ad-hoc runs, and the Job template with its `${...}` references left in.
   *
   * @internal
   */
  protected _createJobTemplate(
    id: string, workload: WorkloadIdentity, kind: string, concurrency: Concurrency, metadata?: ApiObjectMetadata,
  ): ApiObject {
    return new ApiObject(this, id, {
      apiVersion: API_GROUP_VERSION,
      kind: JOB_TEMPLATE_KIND,
      metadata: {
        ...metadata,
        name: workload.name,
        labels: { ...metadata?.labels, [LABEL_WORKLOAD]: workload.name, [LABEL_KIND]: kind },
      },
      spec: Lazy.any({
        produce: () => ({
          workload: { kind, name: workload.name },
          options: this.optionSet.options.length > 0 ? this.optionSet.toSchema() : undefined,
          concurrency: {
            policy: concurrency.policy,
            maxConcurrency: concurrency.maxConcurrency,
            maxQueued: concurrency.maxQueued,
          },
          template: {
            metadata: this._jobMetadata(workload.name, controllerAnnotations(concurrency)),
            spec: this._renderJobSpec(workload, {}),
          },
        }),
      }),
    });
  }

  /**
   * Labels and annotations for the Jobs of this workload.
   *
   * @internal
   */
  protected _jobMetadata(workloadName: string, annotations: Record<string, string> = {}): ApiObjectMetadata {
    const meta = this._props.jobMetadata;
    const pending = this._props.pendingTimeout;
    const allAnnotations: Record<string, string> = {
      ...meta?.annotations,
      ...annotations,
      ...(pending ? pendingTimeoutAnnotation(pending.toSeconds()) : {}),
    };
    return {
      labels: { ...meta?.labels, [LABEL_WORKLOAD]: workloadName },
      annotations: Object.keys(allAnnotations).length > 0 ? allAnnotations : undefined,
    };
  }

  /**
   * Adds a synth warning when `feature` is used and the app has no BatchController.
   *
   * @internal
   */
  protected _warnWithoutController(feature: string): void {
    warnAtSynth(this, () => !appHasBatchController(this),
      `${feature} is carried out by the cdk8s-batch companion controller, and this app has no BatchController. ` +
      `Add a BatchController to the app, or set the context "${CONTROLLER_CONTEXT_KEY}": "${CONTROLLER_EXTERNAL}" if it is installed elsewhere.`);
  }

  /**
   * Emits a lazily rendered spec so that containers added after construction are included.
   *
   * @internal
   */
  protected _lazy<T>(produce: () => T): any {
    return Lazy.any({ produce });
  }

  private wireConfig(container: kplus.Container): void {
    if (this.configMap) {
      container.env.copyFrom(kplus.Env.fromConfigMap(this.configMap));
    }
  }

  private validatePod(): string[] {
    const errors: string[] = [];
    if (this._pod.containers.length === 0) {
      errors.push('containers: the workload has no containers. Pass `containers` or call addContainer().');
    }
    // Containers can be added after construction, so `${...}` references are checked here, at
    // synth, before any object is rendered (a clear message instead of a serialization failure).
    try {
      // cdk8s validates the whole app once per synth and again in every chart.toJson(), all in
      // one synchronous call: render once and keep the render until the spec takes it, our
      // mutators change the pod, or the current synchronous run ends (so it cannot go stale
      // across user code that runs later).
      const rendered = this._validatedPod ?? this._pod.render();
      if (!this._validatedPod) {
        this._validatedPod = rendered; // the checks below copy it, never change it
        queueMicrotask(() => { this._validatedPod = undefined; });
      }
      const spec = rendered.spec;
      errors.push(...(this._indexed?.conflicts(spec) ?? []));
      const workload = { name: 'name', namespace: 'namespace' };
      const scopes = { workload, options: placeholders(this.optionSet), ...(this._indexed ? { matrix: this._indexed.scope() } : {}) };
      this._indexed?.checkImages(spec, scopes, 'spec.template.spec');
      Substitution.inPodSpec(spec, scopes, 'spec.template.spec');
    } catch (e) {
      errors.push(e instanceof Error ? e.message : String(e));
    }
    const names = new Set([...this._pod.containers, ...this._pod.initContainers].map((c) => c.name));
    for (const rule of this._props.podFailureRules ?? []) {
      if (rule.containerName !== undefined && !names.has(rule.containerName)) {
        errors.push(`podFailureRules: the rule names container "${rule.containerName}", which the pod does not have. ` +
          `Use one of: ${[...names].map((n) => `"${n}"`).join(', ')}.`);
      }
    }
    return errors;
  }
}

function checkJobSettings(props: BatchJobProps): void {
  const maxAttempts = props.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 1_000_000) {
    throw new BatchValidationError('maxAttempts', String(props.maxAttempts),
      'must be a whole number of at least 1 (the first attempt counts)', 'Use 1 for no retries, 3 for two retries.');
  }
  checkPositiveSeconds('activeDeadline', props.activeDeadline, 1);
  checkPositiveSeconds('ttlAfterFinished', props.ttlAfterFinished, 0);
  checkPositiveSeconds('pendingTimeout', props.pendingTimeout, 1);
  const restart = props.restartPolicy ?? kplus.RestartPolicy.NEVER;
  if (restart === kplus.RestartPolicy.ALWAYS) {
    throw new BatchValidationError('restartPolicy', restart,
      'is not allowed for Jobs (Kubernetes accepts only OnFailure and Never)',
      'Use RestartPolicy.NEVER (a new pod per attempt) or RestartPolicy.ON_FAILURE.');
  }
  const rules = props.podFailureRules ?? [];
  if (rules.length > 0 && restart !== kplus.RestartPolicy.NEVER) {
    throw new BatchValidationError('podFailureRules', `restartPolicy ${restart}`,
      'need restartPolicy Never (Kubernetes rejects pod failure policies otherwise)',
      'Remove restartPolicy (it defaults to Never) or the pod failure rules.');
  }
  if (rules.length > MAX_POD_FAILURE_RULES) {
    throw new BatchValidationError('podFailureRules', `${rules.length} rules`,
      `are more than the ${MAX_POD_FAILURE_RULES} Kubernetes allows`, 'Merge rules with the same action.');
  }
  checkLabels('podMetadata.labels', props.podMetadata?.labels);
  checkAnnotations('podMetadata.annotations', props.podMetadata?.annotations);
  checkLabels('jobMetadata.labels', props.jobMetadata?.labels);
  checkAnnotations('jobMetadata.annotations', props.jobMetadata?.annotations);
}

function checkPositiveSeconds(field: string, value: Duration | undefined, min: number): void {
  if (value === undefined) {
    return;
  }
  const seconds = value.toSeconds();
  if (!Number.isInteger(seconds) || seconds < min) {
    throw new BatchValidationError(field, `${seconds} seconds`,
      `must be a whole number of seconds, at least ${min}`, 'Use e.g. Duration.minutes(5).');
  }
}

/** A stand-in value per option, to check `${option.*}` references without rendering values. */
function placeholders(options: JobOptionSet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of options.names) {
    out[name] = '';
  }
  return out;
}
