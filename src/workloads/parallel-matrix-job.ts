import { ApiObject, ApiObjectMetadata, Names } from 'cdk8s';
import { Construct } from 'constructs';
import { BatchWorkload } from './batch-workload';
import { Completion } from './completion';
import { defaultMatrixDelivery } from './indexed-matrix';
import { BatchJobProps, WorkloadIdentity } from './job-props';
import { MatrixDelivery, MatrixDeliveryMode } from './matrix-delivery';
import { kindLabel, matrixCellLabel, workloadLabel } from '../contract/labels';
import { locating } from '../errors';
import { KubernetesVersion } from '../kube/kubernetes-version';
import { PlainApiObject } from '../kube/plain-api-object';
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
   * The cells to run: cell `i` runs as completion index `i` of one Indexed Job, or as a Job
   * of its own with `MatrixDelivery.jobPerCell()`.
   *
   * Each container (and init container) sees its cell's values as files
   * `/etc/cdk8s-batch/matrix/<key>`; with `envFiles()` and `jobPerCell()` also as
   * environment variables `MATRIX_<KEY>` and through `${matrix.KEY}` in command, args and
   * env values; with `jobPerCell()` also in `image` (see `matrixDelivery`).
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
   * With one Job per cell (`MatrixDelivery.jobPerCell()`) each Job runs to its end, so only
   * `Completion.allSuccessful({ failFast: false })` is possible (and the default).
   *
   * @default Completion.allSuccessful() - every cell must succeed; the Job fails as soon as one cell has failed (with one Job per cell: without fail-fast)
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
   * How each cell's values reach the pods: one Indexed Job with the cells as files only
   * (`MatrixDelivery.files()`, Kubernetes 1.33 or later), or also as `MATRIX_<KEY>` variables
   * and `${matrix.KEY}` in command, args and env (`MatrixDelivery.envFiles()`, 1.35 or later);
   * or one Job per cell with the values written in literally (`MatrixDelivery.jobPerCell()`,
   * any supported Kubernetes).
   *
   * @default - `MatrixDelivery.envFiles()` on a 1.35+ target, `MatrixDelivery.files()` on 1.33 and 1.34, `MatrixDelivery.jobPerCell()` below 1.33
   */
  readonly matrixDelivery?: MatrixDelivery;
}

/**
 * A batch workload that runs one pod per matrix cell: one `batch/v1` Job with
 * `completionMode: Indexed` and one completion per cell, plus an immutable ConfigMap
 * `<job>-matrix-<hash>` holding every cell's values (and a config ConfigMap with `config`);
 * or, with `MatrixDelivery.jobPerCell()`, one plain Job per cell named
 * `<name>-<cell name>` (`Matrix.cellName`) and no matrix ConfigMap.
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
  /** The Job (with one Job per cell: cell 0's). */
  public readonly apiObject: ApiObject;
  /** Every Job: the one Indexed Job, or one per cell in cell order. */
  public readonly jobs: ApiObject[];
  /** The ConfigMap holding every cell's values (none with one Job per cell). */
  public readonly matrixConfigMap?: ApiObject;
  /** The matrix. */
  public readonly matrix: Matrix;
  /** Name and namespace of the workload (the Job). */
  public readonly workload: WorkloadIdentity;

  constructor(scope: Construct, id: string, props: ParallelMatrixJobProps) {
    super(scope, id, props);
    this.matrix = props.matrix;
    const cells = this._matrixCells(props.matrix) ?? 1;
    const delivery = props.matrixDelivery ??
      defaultMatrixDelivery(locating(this, () => KubernetesVersion.targetOf(this, props.kubernetesVersion)), true);
    const perCell = delivery.mode === MatrixDeliveryMode.JOB_PER_CELL;
    const cellNames = perCell ? locating(this, () => props.matrix.cellNames()) : [];
    // One Job per cell: `<name>-<cell name>` is the Job's name, at most 63 characters (its pods' job-name label).
    const maxLength = perCell ? 62 - Math.max(...cellNames.map((n) => n.length)) : maxJobNameLength(cells);
    const name = props.metadata?.name ?? Names.toDnsLabel(this, { maxLen: maxLength });
    const { workload, namespace } = this._identify(name, props.metadata, maxLength, perCell
      ? 'with one Job per cell each Job is named <name>-<cell name>, which must stay within 63 characters'
      : `the pods of an Indexed Job with ${cells} cells have host names <job>-<index>, which must stay DNS labels`);
    this.workload = workload;
    this.matrixConfigMap = this._useMatrix({
      matrix: props.matrix,
      maxParallel: props.maxParallel,
      completion: props.completion,
      cellInitImage: props.cellInitImage,
      delivery,
    }, name, namespace, true);
    this._createConfigMap(name, namespace);
    locating(this, () => this.optionSet.render({}));
    const meta = this._jobMetadata(name);
    const annotations = { ...props.metadata?.annotations, ...meta.annotations };
    const job = (jobName: string, labels: Record<string, string>, cell?: number): ApiObject =>
      new PlainApiObject(this, cell === undefined ? 'Resource' : `Cell${cell}`, {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: {
          ...props.metadata,
          name: jobName,
          namespace,
          labels: { ...props.metadata?.labels, ...meta.labels, ...workloadLabel(name), ...kindLabel('ParallelMatrixJob'), ...labels },
          annotations: Object.keys(annotations).length > 0 ? annotations : undefined,
        },
        spec: this._lazy(() => this._renderJobSpec(this.workload, {}, {}, cell)),
      });
    this.jobs = perCell
      ? cellNames.map((cellName, i) => job(`${name}-${cellName}`, matrixCellLabel(i), i))
      : [job(name, {})];
    this.apiObject = this.jobs[0];
  }

}
