/**
 * Tells a cdk8s-batch validation error from other errors, in every jsii language (jsii cannot
 * model a class that extends `Error`, so the class itself cannot be exported).
 */
export class BatchErrors {
  /** Whether `x` is a `BatchValidationError`: a rejected input, with the field, value and fix. */
  public static isBatchValidationError(x: any): boolean {
    return x instanceof BatchValidationError;
  }

  private constructor() {}
}

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
 * Several problems with one set of values, reported together (as the CLI reports them), e.g.
 * `addRun`'s values. Not exported: callers catch it as a BatchValidationError.
 */
export class BatchValidationErrors extends BatchValidationError {
  constructor(field: string, public readonly problems: string[]) {
    super(field, `${problems.length} values`, 'are not valid', 'Fix each value listed.');
    this.message = `${field}: ${problems.length === 1 ? 'a value is' : `${problems.length} values are`} not valid:\n  ${problems.join('\n  ')}`;
  }

  public at(location: string): BatchValidationError {
    return new BatchValidationErrors(`${location}: ${this.field}`, this.problems);
  }
}

/**
 * A value checked now whose core error is kept for later: value objects (Schedule, TimeZone,
 * JobOption, Matrix, Concurrency, PodFailureRule, KubernetesVersion) are built before the
 * construct they are passed to exists, so their errors are thrown when that construct uses
 * them, located at its path.
 */
export class Checked<T> {
  /** The error `check` threw, if any. */
  public readonly problem?: BatchValidationError;
  private readonly checked?: T;

  constructor(check: () => T) {
    try {
      this.checked = check();
    } catch (e) {
      if (!(e instanceof BatchValidationError)) throw e;
      this.problem = e;
    }
  }

  /** The value; throws the kept error instead when there is one. */
  public get value(): T {
    if (this.problem) throw this.problem;
    return this.checked as T;
  }
}

/**
 * Puts a construct path in front of a core error, so the message says where it came from.
 * Other errors pass through unchanged.
 */
export function locate(scope: { node: { path: string } }, error: unknown): unknown {
  if (!(error instanceof BatchValidationError)) return error;
  const located = error.at(scope.node.path);
  startStackAtCaller(located, scope.constructor);
  return located;
}

/**
 * While `construct` is being constructed, makes the stack start in the code that called
 * `new construct(...)` (the user's), not in the library (as aws-cdk's errors do); otherwise,
 * e.g. at synth, the stack is left as it is.
 */
function startStackAtCaller(error: Error, construct: Function): void {
  const capture = (Error as { captureStackTrace?: (target: object, below: Function) => void }).captureStackTrace;
  if (!capture) return;
  const whole = error.stack;
  capture(error, construct);
  if (!/\n\s+at /.test(error.stack ?? '')) {
    error.stack = whole; // not under construction: nothing above it to show
  }
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
