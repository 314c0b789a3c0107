import { BoolFormat, OptionType } from './types';

/**
 * The JSON form of one job option, as kept in a `JobTemplate`'s option schema.
 *
 * Exactly the block that matches `type` may be set (e.g. `select` for
 * `OptionType.SELECT`). `JobOption.toSchema()` writes this form with every
 * default filled in, and `JobOption.fromSchema()` reads it back with the same
 * validation as the factories, so the constructs, the controller and the CLI
 * share one implementation.
 */
export interface JobOptionSchema {
  /** The option's type; selects which block below applies. */
  readonly type: OptionType;

  /** The option's name, referenced as `${option.NAME}`; matches `^[a-zA-Z_0-9.-]+$`. */
  readonly name: string;

  /**
   * A human-readable label for prompts and docs.
   *
   * @default - the name
   */
  readonly label?: string;

  /**
   * Whether a run must end up with a non-empty value. Not allowed for Bool.
   *
   * @default false
   */
  readonly required?: boolean;

  /**
   * Settings of a String option.
   *
   * @default - none; only for `OptionType.STRING`
   */
  readonly string?: StringOptionSchema;

  /**
   * Settings of a Bool option.
   *
   * @default - none; only for `OptionType.BOOL`
   */
  readonly bool?: BoolOptionSchema;

  /**
   * Settings of a Select option.
   *
   * @default - none; required for `OptionType.SELECT`
   */
  readonly select?: SelectOptionSchema;

  /**
   * Settings of a Multi option.
   *
   * @default - none; required for `OptionType.MULTI`
   */
  readonly multi?: MultiOptionSchema;

  /**
   * Settings of a Date option.
   *
   * @default - none; only for `OptionType.DATE`
   */
  readonly date?: DateOptionSchema;

  /**
   * Settings of an Int option.
   *
   * @default - none; only for `OptionType.INT`
   */
  readonly int?: IntOptionSchema;
}

/** The `string` block of a job option schema. */
export interface StringOptionSchema {
  /**
   * The value used when a run supplies none.
   *
   * @default ''
   */
  readonly default?: string;

  /**
   * Whether leading and trailing white space is removed (from the default too).
   *
   * @default false
   */
  readonly trimSpaces?: boolean;

  /**
   * An ECMAScript regular expression that every non-empty value must match as a whole.
   *
   * @default - any value
   */
  readonly pattern?: string;
}

/** The `bool` block of a job option schema. */
export interface BoolOptionSchema {
  /**
   * The value used when a run supplies none.
   *
   * @default false
   */
  readonly default?: boolean;

  /**
   * How the value is written.
   *
   * @default BoolFormat.TRUE_FALSE
   */
  readonly format?: BoolFormat;

  /**
   * The text for true; only with `BoolFormat.CUSTOM`.
   *
   * @default - none
   */
  readonly trueValue?: string;

  /**
   * The text for false; only with `BoolFormat.CUSTOM`.
   *
   * @default - none
   */
  readonly falseValue?: string;
}

/** The `select` block of a job option schema. */
export interface SelectOptionSchema {
  /** The allowed values: at least one, each non-empty and unique. */
  readonly values: string[];

  /**
   * The value used when a run supplies none; one of `values`.
   *
   * @default ''
   */
  readonly default?: string;

  /**
   * Whether values outside `values` are accepted.
   *
   * @default false
   */
  readonly allowCustom?: boolean;
}

/** The `multi` block of a job option schema. */
export interface MultiOptionSchema {
  /** The allowed values: at least one, each non-empty and unique. */
  readonly values: string[];

  /**
   * The values used when a run supplies none; each one of `values`.
   *
   * @default []
   */
  readonly defaults?: string[];

  /**
   * The text placed between the chosen values.
   *
   * @default ','
   */
  readonly delimiter?: string;

  /**
   * Whether values outside `values` are accepted.
   *
   * @default false
   */
  readonly allowCustom?: boolean;
}

/** The `date` block of a job option schema. */
export interface DateOptionSchema {
  /**
   * How the timestamp is written, in moment.js tokens (see `DateOptionProps.format`).
   *
   * @default - RFC 3339 in the input's offset, `YYYY-MM-DDTHH:mm:ssZ`
   */
  readonly format?: string;
}

/** The `int` block of a job option schema. */
export interface IntOptionSchema {
  /**
   * The value used when a run supplies none.
   *
   * @default - no value: renders as an empty string, or fails when required
   */
  readonly default?: number;

  /**
   * The smallest allowed value.
   *
   * @default - no lower bound
   */
  readonly min?: number;

  /**
   * The largest allowed value.
   *
   * @default - no upper bound
   */
  readonly max?: number;
}
