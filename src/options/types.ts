/**
 * The kind of value a job option takes.
 *
 * The string values are the `type` field of an option schema; the first five
 * are Furiko's option types, `Int` is ours.
 */
export enum OptionType {
  /** Free text, optionally trimmed and checked against a pattern. */
  STRING = 'String',
  /** A yes/no switch rendered in a chosen format (true/false, 1/0, yes/no or custom). */
  BOOL = 'Bool',
  /** One value from a list, optionally allowing values outside it. */
  SELECT = 'Select',
  /** Several values from a list, joined with a delimiter. */
  MULTI = 'Multi',
  /** An RFC 3339 timestamp rendered in a chosen format. */
  DATE = 'Date',
  /** A whole number, optionally within bounds. */
  INT = 'Int',
}

/**
 * How a Bool option's value is written into the pod.
 */
export enum BoolFormat {
  /** `true` / `false`. */
  TRUE_FALSE = 'TrueFalse',
  /** `1` / `0`. */
  ONE_ZERO = 'OneZero',
  /** `yes` / `no`. */
  YES_NO = 'YesNo',
  /** The option's own `trueValue` / `falseValue`. */
  CUSTOM = 'Custom',
}

/**
 * The values `${scope.KEY}` references resolve to. A scope that is not given
 * counts as empty: any reference into it is an error.
 */
export interface SubstitutionScopes {
  /**
   * Rendered option values by option name (see `JobOptionSet.render()`), for `${option.NAME}`.
   *
   * @default - no options
   */
  readonly options?: { [name: string]: string };

  /**
   * The matrix cell's values by key, for `${matrix.KEY}`.
   *
   * @default - no matrix
   */
  readonly matrix?: { [key: string]: string };

  /**
   * Facts about the workload, for `${workload.name}` and `${workload.namespace}`.
   *
   * @default - none
   */
  readonly workload?: { [field: string]: string };
}
