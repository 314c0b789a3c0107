import { ApiObject, ApiObjectMetadata, Chart, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { CompletionMode } from './completion';
import { Concurrency, controllerAnnotations } from './concurrency';
import { configMapForWorkload } from './config';
import { defaultMatrixDelivery, IndexedMatrix, IndexedMatrixSettings } from './indexed-matrix';
import { BatchJobProps, WorkloadIdentity } from './job-props';
import { checkJobSettings } from './job-settings';
import { JobModel, jobMetadata, JobSpecJson, renderJobSpec } from './job-spec';
import { MatrixDelivery, MatrixDeliveryMode } from './matrix-delivery';
import { PodTemplate } from './pod-template';
import { podProblems, targetProblems } from './synth-checks';
import { warnWithoutController } from '../controller/presence';
import { BatchValidationError, locating } from '../errors';
import { KUBERNETES_FEATURES, KubernetesVersion } from '../kube/kubernetes-version';
import { PlainApiObject } from '../kube/plain-api-object';
import { checkAnnotations, checkConfigMapData, checkLabels, checkObjectName } from '../kube/validation';
import { Matrix } from '../matrix';
import { JobOptionSet } from '../options';
import { jobTemplateHead, jobTemplateSpec } from '../runs/job-template-manifest';

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
    this.node.addValidation({ validate: () => podProblems(this._pod, this.optionSet, this._indexed, props.podFailureRules) });
    this.node.addValidation({
      validate: () => targetProblems(() => KubernetesVersion.targetOf(this, props.kubernetesVersion), this._indexed, props),
    });
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
    const added = this._pod.addContainer(container);
    this.wireConfig(added);
    return added;
  }

  /** Adds an init container to every pod. */
  public addInitContainer(container: kplus.ContainerProps): kplus.Container {
    return this._pod.addInitContainer(container);
  }

  /** Adds a volume to every pod. */
  public addVolume(volume: kplus.Volume): void {
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
   * The Job spec of this workload as plain JSON (see `renderJobSpec`); `extra` fields are
   * merged over it. With `cell`, the Job of that matrix cell.
   *
   * @internal
   */
  protected _renderJobSpec(workload: WorkloadIdentity, extra: Record<string, unknown>, values?: Record<string, string>, cell?: number): JobSpecJson {
    const template = cell === undefined ? this._pod.take() : this._pod.copyForCell();
    return renderJobSpec(this.jobModel(), template, workload, extra, values, cell);
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
    return new PlainApiObject(this, id, {
      ...jobTemplateHead(head),
      spec: this._lazy(() => jobTemplateSpec(head, {
        options: this.optionSet.options.length > 0 ? this.optionSet.toSchema() : undefined,
        concurrency,
        template: {
          metadata: this._jobMetadata(workload.name, controllerAnnotations(concurrency)),
          spec: this._renderJobSpec(workload, {}),
        },
      })),
    });
  }

  /**
   * Labels and annotations for the Jobs of this workload.
   *
   * @internal
   */
  protected _jobMetadata(workloadName: string, annotations: Record<string, string> = {}): ApiObjectMetadata {
    return jobMetadata(this._props, workloadName, annotations);
  }

  /**
   * Adds a synth warning when `feature` is used and the app has no BatchController.
   *
   * @internal
   */
  protected _warnWithoutController(feature: string): void {
    warnWithoutController(this, feature);
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

  private jobModel(): JobModel {
    return { scope: this, props: this._props, optionSet: this.optionSet, indexed: this._indexed };
  }
}
