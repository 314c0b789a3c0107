/** How each cell's values reach the pods of a matrix Job. */
export enum MatrixDeliveryMode {
  /** One file per key under `/etc/cdk8s-batch/matrix/<key>` (any supported Kubernetes). */
  FILES = 'Files',
  /** The files, plus `MATRIX_<KEY>` environment variables from an env file (Kubernetes 1.35+, EnvFiles). */
  ENV_FILES = 'EnvFiles',
  /** One plain Job per cell, the cell's values written into it literally (any supported Kubernetes). */
  JOB_PER_CELL = 'JobPerCell',
}

/**
 * How each cell's values reach the pods of a matrix Job (docs/parallel-matrix-job.md weighs
 * the choices).
 */
export class MatrixDelivery {
  /**
   * Files only: every container reads its cell's values from `/etc/cdk8s-batch/matrix/<key>`
   * (a ConfigMap mounted with `subPathExpr: $(JOB_COMPLETION_INDEX).<key>`). Works on every
   * supported Kubernetes and carries any value (quotes, line breaks). No `MATRIX_<KEY>`
   * variables and no `${matrix.KEY}` in command, args or env: a reference fails at synth.
   */
  public static files(): MatrixDelivery {
    return new MatrixDelivery(MatrixDeliveryMode.FILES);
  }

  /**
   * The files, plus `MATRIX_<KEY>` environment variables and `${matrix.KEY}` in command, args
   * and env values: an init container copies the cell's env file into an emptyDir, and each
   * variable is read from it with `fileKeyRef`. Needs Kubernetes 1.35 or later (EnvFiles);
   * values may not hold a single quote (line breaks are carried).
   */
  public static envFiles(): MatrixDelivery {
    return new MatrixDelivery(MatrixDeliveryMode.ENV_FILES);
  }

  /**
   * One plain (non-Indexed) Job per cell, named `<name>-<cell name>`, with the cell's values
   * written into it literally: `${matrix.KEY}` in `image`, command, args and env values,
   * `MATRIX_<KEY>` variables, and the files `/etc/cdk8s-batch/matrix/<key>` (a downward API
   * volume over the pod's annotations). No ConfigMap. Works on every supported Kubernetes,
   * carries any value, and lets each cell run its own image.
   *
   * The cost: N Jobs instead of one, each with its own `backoffLimit` (`maxAttempts - 1`);
   * `maxParallel` cannot be applied across Jobs (it must be unset), and completion is
   * `Completion.allSuccessful({ failFast: false })` only (each Job runs to its end).
   * A ParallelMatrixJob only: a ScheduledBatch's CronJob runs one Job per run.
   */
  public static jobPerCell(): MatrixDelivery {
    return new MatrixDelivery(MatrixDeliveryMode.JOB_PER_CELL);
  }

  private constructor(
    /** The delivery mode. */
    public readonly mode: MatrixDeliveryMode,
  ) {}
}
