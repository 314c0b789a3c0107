import { ApiObject, ApiObjectMetadata, Chart, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CompletionMode } from './completion';
import { Concurrency, controllerAnnotations } from './concurrency';
import { configMapForWorkload } from './config';
import { defaultMatrixDelivery, IndexedMatrix, IndexedMatrixSettings } from './indexed-matrix';
import { BatchJobProps, WorkloadIdentity } from './job-props';
import { checkJobSettings } from './job-settings';
import { JobSpecJson } from './job-spec';
import { MatrixDelivery, MatrixDeliveryMode } from './matrix-delivery';
import { PodTemplate, PodTemplateJson } from './pod-template';
import { pendingTimeoutAnnotation, retryDelayAnnotation, retryDelayGates } from '../contract/annotations';
import { CONTROLLER_CONTEXT_KEY, CONTROLLER_EXTERNAL } from '../contract/keys';
import { workloadLabel } from '../contract/labels';
import { appHasBatchController } from '../controller/presence';
import { BatchValidationError, locating } from '../errors';
import { KUBERNETES_FEATURES, KubernetesFeature, KubernetesVersion, requireKubernetes } from '../kube/kubernetes-version';
import { PodSecurity, restrictPodSpec } from '../kube/pod-security';
import { checkAnnotations, checkConfigMapData, checkLabels, checkObjectName } from '../kube/validation';
import { Matrix } from '../matrix';
import { JobOptionSet, Substitution } from '../options';
import { jobTemplateHead, jobTemplateSpec } from '../runs/job-template-manifest';
import { warnAtSynth } from '../warnings';

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
  /** The pod render the Jobs of one cell each copy, until the current synchronous run ends. */
  private _cellBase?: PodTemplateJson;
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
    this.optionSet = locating(this, () => {
      checkJobSettings(props);
      props.concurrencyGroup?._check();
      if (props.config) {
        checkConfigMapData('config', props.config);
      }
      return new JobOptionSet(props.options ?? []);
    });
    this._pod = new PodTemplate(this, props);
    this.node.addValidation({ validate: () => this.validatePod() });
    this.node.addValidation({ validate: () => this.validateTarget() });
    if (props.pendingTimeout) {
      this._warnWithoutController('pendingTimeout');
    }
    if (props.concurrencyGroup) {
      this._warnWithoutController('concurrencyGroup');
    }
    if (props.retryDelay) {
      // Without the controller, every pod stays gated (Pending) for ever.
      this._warnWithoutController('retryDelay');
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
    this._cellBase = undefined;
    const added = this._pod.addContainer(container);
    this.wireConfig(added);
    return added;
  }

  /** Adds an init container to every pod. */
  public addInitContainer(container: kplus.ContainerProps): kplus.Container {
    this._validatedPod = undefined;
    this._cellBase = undefined;
    return this._pod.addInitContainer(container);
  }

  /** Adds a volume to every pod. */
  public addVolume(volume: kplus.Volume): void {
    this._validatedPod = undefined;
    this._cellBase = undefined;
    this._pod.addVolume(volume);
  }

  /**
   * The identity step every workload takes: checks the labels, annotations and name of the
   * object it emits (the name at most `maxNameLength` characters; `why` says whence the
   * limit) and takes the namespace from the metadata, else from the chart.
   *
   * @returns the identity, and the namespace to write (undefined when the chart sets none)
   * @internal
   */
  protected _identify(name: string, metadata: ApiObjectMetadata | undefined, maxNameLength: number, why: string):
  { readonly workload: WorkloadIdentity; readonly namespace?: string } {
    const namespace = metadata?.namespace ?? Chart.of(this).namespace;
    locating(this, () => {
      checkLabels('metadata.labels', metadata?.labels);
      checkAnnotations('metadata.annotations', metadata?.annotations);
      checkObjectName('metadata.name', name, maxNameLength, why);
    });
    return { workload: { name, namespace: namespace ?? 'default' }, namespace };
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
   * The matrix's cell count (undefined without a matrix); a problem its factory found is
   * reported here, at this workload's path.
   *
   * @internal
   */
  protected _matrixCells(matrix: Matrix | undefined): number | undefined {
    return locating(this, () => {
      matrix?._check();
      return matrix?.cellCount;
    });
  }

  /**
   * Makes the workload's Jobs Indexed Jobs over a matrix: checks the settings and creates
   * the matrix ConfigMap. Call once the workload's name is known.
   *
   * @internal
   */
  protected _useMatrix(settings: Omit<IndexedMatrixSettings, 'maxAttempts' | 'restartPolicy' | 'delivery'> & { delivery?: MatrixDelivery },
    workloadName: string, namespace: string | undefined, jobPerCell = false): ApiObject | undefined {
    return locating(this, () => {
      const target = KubernetesVersion.targetOf(this, this._props.kubernetesVersion);
      const delivery = settings.delivery ?? defaultMatrixDelivery(target, jobPerCell);
      if (delivery.mode === MatrixDeliveryMode.JOB_PER_CELL && !jobPerCell) {
        throw new BatchValidationError('matrixDelivery', 'MatrixDelivery.jobPerCell()',
          'is for a ParallelMatrixJob: a ScheduledBatch\'s CronJob creates one Job per run',
          'Use MatrixDelivery.files() or MatrixDelivery.envFiles() (one Indexed Job per run, Kubernetes 1.33 or later), or one ParallelMatrixJob with MatrixDelivery.jobPerCell().');
      }
      this._indexed = new IndexedMatrix({
        ...settings, delivery, maxAttempts: this._props.maxAttempts, restartPolicy: this._props.restartPolicy,
      });
      const indexed = this._indexed;
      // Below 1.33 the target check reports it (with the version); at 1.33 the choice of one Job per cell does.
      if (indexed.perCell && indexed.completionNeedsIndexedJob && target.isAtLeast(KUBERNETES_FEATURES.completionFailFast.minVersion)) {
        const any = indexed.completion.mode === CompletionMode.ANY_SUCCESSFUL;
        throw new BatchValidationError('completion', any ? 'Completion.anySuccessful()' : 'Completion.allSuccessful() with fail-fast',
          `needs one Indexed Job (${any ? 'successPolicy' : 'maxFailedIndexes'}), and MatrixDelivery.jobPerCell() runs one Job per cell, each to its end`,
          'Use completion: Completion.allSuccessful({ failFast: false }), or matrixDelivery: MatrixDelivery.files() or MatrixDelivery.envFiles().');
      }
      return indexed.createConfigMap(this, workloadName, namespace);
    });
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
  protected _renderJobSpec(workload: WorkloadIdentity, extra: Record<string, unknown>, values?: Record<string, string>, cell?: number): JobSpecJson {
    const props = this._props;
    // The synth validation just rendered the pod; take that render instead of rendering again
    // (rendering is most of a workload's synth time). One Job per cell: one render, a copy per cell.
    const template = cell === undefined ? this._validatedPod ?? this._pod.render() : this._cellTemplate();
    this._validatedPod = undefined;
    template.metadata.labels = { ...template.metadata.labels, ...workloadLabel(workload.name) };
    const indexed = this._indexed;
    locating(this, () => {
      const scopes = {
        workload: { name: workload.name, namespace: workload.namespace },
        ...(indexed ? { matrix: cell === undefined ? indexed.scope() : indexed.cellScope(cell) } : {}),
      };
      indexed?.checkImages(template.spec, { ...scopes, options: placeholders(this.optionSet) }, 'spec.template.spec');
      if (values) {
        const options = this.optionSet.render(values);
        const before = template.spec;
        template.spec = Substitution.inPodSpec(template.spec, { ...scopes, options }, 'spec.template.spec') as PodTemplateJson['spec'];
        if (cell !== undefined) {
          indexed?.substituteCellImages(before, template.spec, { ...scopes, options }, cell, 'spec.template.spec');
        }
      } else {
        Substitution.inPodSpec(template.spec, { ...scopes, options: placeholders(this.optionSet) }, 'spec.template.spec');
      }
    });
    const rules = props.podFailureRules ?? [];
    if (cell !== undefined) {
      locating(this, () => indexed?.deliverCell(template, cell));
    } else {
      indexed?.deliver(template);
    }
    const retryDelay = props.retryDelay;
    if (retryDelay) {
      // Every pod starts gated; the controller releases it when its index's delay has passed.
      template.metadata.annotations = { ...template.metadata.annotations, ...retryDelayAnnotation(retryDelay.toSeconds()) };
      template.spec.schedulingGates = [...(template.spec.schedulingGates as Array<{ name: string }> | undefined ?? []), ...retryDelayGates()];
    }
    // After delivery, so that the containers cdk8s-batch adds are completed too.
    if ((props.podSecurity ?? PodSecurity.RESTRICTED) === PodSecurity.RESTRICTED) {
      restrictPodSpec(template.spec);
    }
    return {
      activeDeadlineSeconds: props.activeDeadline?.toSeconds(),
      backoffLimit: (props.maxAttempts ?? 3) - 1,
      podFailurePolicy: rules.length > 0 ? { rules: rules.map((r) => r._toKube()) } : undefined,
      ttlSecondsAfterFinished: props.ttlAfterFinished?.toSeconds(),
      ...indexed?.jobFields(),
      // A group's Jobs wait, suspended, for the controller's admission.
      ...(props.concurrencyGroup ? { suspend: true } : {}),
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
    const head = { name: workload.name, workloadKind: kind, metadata };
    return new ApiObject(this, id, {
      ...jobTemplateHead(head),
      spec: Lazy.any({
        produce: () => jobTemplateSpec(head, {
          options: this.optionSet.options.length > 0 ? this.optionSet.toSchema() : undefined,
          concurrency,
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
    const group = this._props.concurrencyGroup?._metadata();
    const allAnnotations: Record<string, string> = {
      ...meta?.annotations,
      ...annotations,
      ...(pending ? pendingTimeoutAnnotation(pending.toSeconds()) : {}),
      ...group?.annotations,
    };
    return {
      labels: { ...meta?.labels, ...group?.labels, ...workloadLabel(workloadName) },
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

  /** A copy of the pod render shared by the Jobs of one synth (one Job per cell). */
  private _cellTemplate(): PodTemplateJson {
    if (!this._cellBase) {
      this._cellBase = this._validatedPod ?? this._pod.render();
      queueMicrotask(() => { this._cellBase = undefined; });
    }
    return JSON.parse(JSON.stringify(this._cellBase));
  }

  private wireConfig(container: kplus.Container): void {
    if (this.configMap) {
      container.env.copyFrom(kplus.Env.fromConfigMap(this.configMap));
    }
  }

  /** Every version-dependent feature the workload uses, checked against its target. */
  private validateTarget(): string[] {
    let target: KubernetesVersion;
    try {
      target = KubernetesVersion.targetOf(this, this._props.kubernetesVersion);
    } catch (e) {
      return [e instanceof Error ? e.message : String(e)];
    }
    const indexed = this._indexed;
    type Use = [KubernetesFeature, string | undefined];
    const used: Use[] = [
      ...((this._props.podFailureRules ?? []).length > 0 ? [[KUBERNETES_FEATURES.podFailureRules, undefined] as Use] : []),
      ...(this._props.retryDelay ? [[KUBERNETES_FEATURES.retryDelay, undefined] as Use] : []),
      ...(indexed && !indexed.perCell ? [[KUBERNETES_FEATURES.matrixRetriesPerCell, 'matrixDelivery'] as Use] : []),
      ...(indexed?.envFiles ? [[KUBERNETES_FEATURES.matrixEnv, 'matrixDelivery'] as Use] : []),
      // An Indexed Job below 1.33 is reported above; one Job per cell cannot carry these at all.
      ...(indexed?.perCell && indexed.completionNeedsIndexedJob
        ? [[indexed.completion.mode === CompletionMode.ANY_SUCCESSFUL ? KUBERNETES_FEATURES.completionAnySuccessful
          : KUBERNETES_FEATURES.completionFailFast, 'completion'] as Use] : []),
    ];
    return used.map(([feature, field]) => requireKubernetes(target, feature, field)).filter((m): m is string => m !== undefined);
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

/** A stand-in value per option, to check `${option.*}` references without rendering values. */
function placeholders(options: JobOptionSet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of options.names) {
    out[name] = '';
  }
  return out;
}
