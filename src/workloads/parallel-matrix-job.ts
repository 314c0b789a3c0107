import { ApiObject, ApiObjectMetadata, Names } from 'cdk8s';
import { Construct } from 'constructs';
import { BatchWorkload } from './batch-workload';
import { Completion } from './completion';
import { BatchJobProps, WorkloadIdentity } from './job-props';
import { MatrixDelivery } from './matrix-delivery';
import { kindLabel, workloadLabel } from '../contract/labels';
import { locating } from '../errors';
import { Matrix, maxJobNameLength } from '../matrix';

/**
 * Properties of a `ParallelMatrixJob`.
 */
export interface ParallelMatrixJobProps extends BatchJobProps {
  /**
   * Name, namespace, labels and annotations of the Job.
   *
   * @default - a name generated from the construct path, short enough for the pods'
   * host names `<job>-<index>` (61 characters up to 10 cells, 60 up to 100, ...)
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * The cells to run: cell `i` runs as completion index `i` of one Indexed Job.
   *
   * Each container (and init container) sees its cell's values as files
   * `/etc/cdk8s-batch/matrix/<key>` and as environment variables `MATRIX_<KEY>`,
   * and `${matrix.KEY}` in command, args and env values becomes `$(MATRIX_<KEY>)`,
   * which the kubelet expands. The files work on any Kubernetes with Indexed Jobs;
   * the environment variables need Kubernetes 1.35 or later (EnvFiles, `fileKeyRef`).
   * `${matrix.KEY}` in `image` is an error: every pod runs the same images.
   */
  readonly matrix: Matrix;

  /**
   * How many cells run at once (`parallelism`). A value above the cell count is capped
   * at the cell count.
   *
   * @default - all cells at once
   */
  readonly maxParallel?: number;

  /**
   * When the Job is complete: every cell (`Completion.allSuccessful()`, fail-fast by
   * default) or one cell (`Completion.anySuccessful()`).
   *
   * Retries are per cell: each cell gets `maxAttempts` attempts
   * (`backoffLimitPerIndex: maxAttempts - 1`). `backoffLimitPerIndex`,
   * `maxFailedIndexes` and `successPolicy` need Kubernetes 1.33 or later.
   *
   * @default Completion.allSuccessful() - every cell must succeed; the Job fails as soon as one cell has failed
   */
  readonly completion?: Completion;

  /**
   * The image of the `cdk8s-batch-cell` init container, which copies the cell's env file
   * into an emptyDir with `cp` (no shell). It runs as user 65534 with a read-only root
   * filesystem.
   *
   * @default 'busybox:1.36.1'
   */
  readonly cellInitImage?: string;

  /**
   * How each cell's values reach the pods: as files only (`MatrixDelivery.files()`, any
   * supported Kubernetes, any value) or also as `MATRIX_<KEY>` variables and `${matrix.KEY}`
   * in command, args and env (`MatrixDelivery.envFiles()`, Kubernetes 1.35 or later).
   *
   * @default - `MatrixDelivery.envFiles()` when the target Kubernetes version is 1.35 or later, else `MatrixDelivery.files()`
   */
  readonly matrixDelivery?: MatrixDelivery;
}

/**
 * A batch workload that runs one pod per matrix cell: one `batch/v1` Job with
 * `completionMode: Indexed` and one completion per cell, plus an immutable ConfigMap
 * `<job>-matrix-<hash>` holding every cell's values (and a config ConfigMap with `config`).
 *
 * Each cell gets `maxAttempts` attempts of its own (`backoffLimitPerIndex`). The Job
 * fields it uses (`backoffLimitPerIndex`, `maxFailedIndexes`, `successPolicy`) need
 * Kubernetes 1.33 or later; the `MATRIX_<KEY>` environment variables need 1.35 or later
 * (EnvFiles). Run options take their defaults.
 *
 * @example
 * new ParallelMatrixJob(chart, 'build', {
 *   matrix: Matrix.of({ goos: ['linux', 'darwin'], goarch: ['amd64', 'arm64'] }),
 *   containers: [{ image: 'golang:1.22', command: ['go', 'build', './...'],
 *     envVariables: { GOOS: kplus.EnvValue.fromValue('${matrix.goos}') } }],
 * });
 */
export class ParallelMatrixJob extends BatchWorkload {
  /** The Job. */
  public readonly apiObject: ApiObject;
  /** The ConfigMap holding every cell's values. */
  public readonly matrixConfigMap: ApiObject;
  /** The matrix. */
  public readonly matrix: Matrix;
  /** Name and namespace of the workload (the Job). */
  public readonly workload: WorkloadIdentity;

  constructor(scope: Construct, id: string, props: ParallelMatrixJobProps) {
    super(scope, id, props);
    this.matrix = props.matrix;
    const cells = this._matrixCells(props.matrix) ?? 1;
    const maxLength = maxJobNameLength(cells);
    const name = props.metadata?.name ?? Names.toDnsLabel(this, { maxLen: maxLength });
    const { workload, namespace } = this._identify(name, props.metadata, maxLength,
      `the pods of an Indexed Job with ${cells} cells have host names <job>-<index>, which must stay DNS labels`);
    this.workload = workload;
    this.matrixConfigMap = this._useMatrix({
      matrix: props.matrix,
      maxParallel: props.maxParallel,
      completion: props.completion,
      cellInitImage: props.cellInitImage,
      delivery: props.matrixDelivery,
    }, name, namespace);
    this._createConfigMap(name, namespace);
    locating(this, () => this.optionSet.render({}));
    const meta = this._jobMetadata(name);
    const annotations = { ...props.metadata?.annotations, ...meta.annotations };
    this.apiObject = new ApiObject(this, 'Resource', {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        ...props.metadata,
        name,
        namespace,
        labels: { ...props.metadata?.labels, ...meta.labels, ...workloadLabel(name), ...kindLabel('ParallelMatrixJob') },
        annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
      },
      spec: this._lazy(() => this._renderJobSpec(this.workload, {}, {})),
    });
  }
}
