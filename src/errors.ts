/**
 * The one error type of cdk8s-batch's pure core.
 *
 * Every rejected input names the field, the bad value and the fix, so the same
 * message reads well from a construct (which prefixes its construct path), the
 * CLI and the controller.
 */
export class BatchValidationError extends Error {
  /**
   * @param field  the field or prop that holds the bad value, e.g. `schedule (minute field)`
   * @param value  the bad value as the user wrote it
   * @param problem what is wrong, in a short sentence without a trailing period
   * @param fix    how to fix it, as a full sentence
   */
  constructor(
    public readonly field: string,
    public readonly value: string,
    public readonly problem: string,
    public readonly fix: string,
  ) {
    super(`${field}: ${problem} (got ${JSON.stringify(value)}). ${fix}`);
    this.name = 'BatchValidationError';
  }

  /** The same error with a location (a construct path) in front of the message. */
  public at(location: string): BatchValidationError {
    const located = new BatchValidationError(`${location}: ${this.field}`, this.value, this.problem, this.fix);
    return located;
  }
}

/**
 * Puts a construct path in front of a core error, so the message says where it came from.
 * Other errors pass through unchanged.
 */
export function locate(scope: { node: { path: string } }, error: unknown): unknown {
  return error instanceof BatchValidationError ? error.at(scope.node.path) : error;
}

/**
 * Runs `check` and reports a core error it throws from `scope`'s construct path: the one way
 * constructs report the core's errors (as aws-cdk's `ValidationError` takes the scope).
 */
export function locating<T>(scope: { node: { path: string } }, check: () => T): T {
  try {
    return check();
  } catch (e) {
    throw locate(scope, e);
  }
}
