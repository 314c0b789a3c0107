import { CronField } from './cron-field';

/** How one field of a schedule was resolved. */
export interface FieldHashExplanation {
  /** Which field. */
  readonly field: CronField;
  /** The field as written (macros expanded), e.g. `H/5`. */
  readonly expression: string;
  /** The field as emitted, e.g. `1-56/5`. */
  readonly resolved: string;
  /**
   * The string whose XXH64 decided the field's `H` values, `SEED:FIELD`.
   *
   * @default - none: the field has no `H`
   */
  readonly hashInput?: string;
  /**
   * XXH64 (seed 0) of `hashInput` read as a signed 64-bit integer, in decimal.
   *
   * @default - none: the field has no `H`
   */
  readonly hashValue?: string;
}

/** Where the numbers of a resolved schedule came from. */
export interface HashExplanation {
  /** The schedule as written. */
  readonly expression: string;
  /** The five fields after macro expansion, `H` still in place. */
  readonly expandedExpression: string;
  /** The seed the `H` values were hashed with. */
  readonly seed: string;
  /** The concrete expression emitted as `spec.schedule`. */
  readonly resolved: string;
  /** One entry per field: minute, hour, day-of-month, month, day-of-week. */
  readonly fields: FieldHashExplanation[];
}
