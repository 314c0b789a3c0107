/** How a matrix Job decides that it succeeded. */
export enum CompletionMode {
  /** Every cell must succeed. */
  ALL_SUCCESSFUL = 'AllSuccessful',
  /** One succeeded cell is enough. */
  ANY_SUCCESSFUL = 'AnySuccessful',
}

/** Options for `Completion.allSuccessful()`. */
export interface AllSuccessfulOptions {
  /**
   * Fail the Job as soon as one cell has used up its attempts
   * (`maxFailedIndexes: 0`); the other cells' pods are stopped. Without
   * fail-fast every cell runs to its end and the Job fails at the end if any
   * cell failed.
   *
   * @default true
   */
  readonly failFast?: boolean;
}

/**
 * When a matrix Job (an Indexed Job with one index per cell) is complete.
 *
 * Needs Kubernetes 1.33 or later, where `backoffLimitPerIndex`,
 * `maxFailedIndexes` and `successPolicy` are GA.
 */
export class Completion {
  /**
   * Every cell must succeed (the default). With `failFast` (the default) the
   * Job fails as soon as one cell has failed all its attempts
   * (`maxFailedIndexes: 0`); without it every cell runs, and the Job fails
   * at the end if any cell failed.
   */
  public static allSuccessful(options: AllSuccessfulOptions = {}): Completion {
    return new Completion(CompletionMode.ALL_SUCCESSFUL, options.failFast ?? true);
  }

  /**
   * The Job succeeds as soon as one cell succeeds (`successPolicy` with
   * `succeededCount: 1`); the remaining cells' pods are stopped.
   */
  public static anySuccessful(): Completion {
    return new Completion(CompletionMode.ANY_SUCCESSFUL, false);
  }

  private constructor(
    /** Which cells must succeed. */
    public readonly mode: CompletionMode,
    /** Whether the Job fails as soon as one cell has failed (AllSuccessful only). */
    public readonly failFast: boolean,
  ) {}
}
