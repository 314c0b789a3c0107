/** How each cell's values reach the pods of a matrix Job. */
export enum MatrixDeliveryMode {
  /** One file per key under `/etc/cdk8s-batch/matrix/<key>` (any supported Kubernetes). */
  FILES = 'Files',
  /** The files, plus `MATRIX_<KEY>` environment variables from an env file (Kubernetes 1.35+, EnvFiles). */
  ENV_FILES = 'EnvFiles',
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
   * values may not hold a line break or a single quote.
   */
  public static envFiles(): MatrixDelivery {
    return new MatrixDelivery(MatrixDeliveryMode.ENV_FILES);
  }

  private constructor(
    /** The delivery mode. */
    public readonly mode: MatrixDeliveryMode,
  ) {}
}
