import { Checked } from '../errors';
import { normalizeOptionSchema } from './definition';
import { renderOptionValue } from './render';
import { JobOptionSchema } from './schema';
import { BoolFormat, OptionType } from './types';

/** Props every option type has. */
export interface JobOptionBaseProps {
  /**
   * The option's name, referenced as `${option.NAME}` in `image`, `command`,
   * `args` and env values. Matches `^[a-zA-Z_0-9.-]+$`; unique within a workload.
   */
  readonly name: string;

  /**
   * A human-readable label for prompts and docs.
   *
   * @default - the name
   */
  readonly label?: string;
}

/** Props of options that can be required (all types but Bool). */
export interface RequirableOptionProps extends JobOptionBaseProps {
  /**
   * Whether every run must end up with a non-empty value (a default counts).
   *
   * @default false
   */
  readonly required?: boolean;
}

/** Props of `JobOption.string()`. */
export interface StringOptionProps extends RequirableOptionProps {
  /**
   * The value used when a run supplies none.
   *
   * @default '' (no value)
   */
  readonly default?: string;

  /**
   * Whether leading and trailing white space is removed, from the default too.
   *
   * @default false
   */
  readonly trimSpaces?: boolean;

  /**
   * An ECMAScript regular expression that every non-empty value must match
   * as a whole (it is anchored for you: `[a-z]+` rejects `a1`). Empty values
   * are left to `required`.
   *
   * @default - any value
   */
  readonly pattern?: string;
}

/** Props of `JobOption.bool()`. A Bool option always has a value, so it cannot be required. */
export interface BoolOptionProps extends JobOptionBaseProps {
  /**
   * The value used when a run supplies none.
   *
   * @default false
   */
  readonly default?: boolean;

  /**
   * How the value is written into the pod.
   *
   * @default BoolFormat.TRUE_FALSE
   */
  readonly format?: BoolFormat;

  /**
   * The text for true; required with (and only allowed with) `BoolFormat.CUSTOM`. May be empty.
   *
   * @default - none
   */
  readonly trueValue?: string;

  /**
   * The text for false; required with (and only allowed with) `BoolFormat.CUSTOM`. May be empty.
   *
   * @default - none
   */
  readonly falseValue?: string;
}

/** Props of `JobOption.select()`. */
export interface SelectOptionProps extends RequirableOptionProps {
  /** The values a run may choose from: at least one, each non-empty and unique. */
  readonly values: string[];

  /**
   * The value used when a run supplies none; must be one of `values`.
   *
   * @default '' (no value)
   */
  readonly default?: string;

  /**
   * Whether a run may give a value that is not in `values`.
   *
   * @default false
   */
  readonly allowCustom?: boolean;
}

/** Props of `JobOption.multi()`. */
export interface MultiOptionProps extends RequirableOptionProps {
  /** The values a run may choose from: at least one, each non-empty, unique and free of the delimiter. */
  readonly values: string[];

  /**
   * The values used when a run supplies none; each must be one of `values`.
   *
   * @default [] (no value)
   */
  readonly defaults?: string[];

  /**
   * The text placed between the chosen values in the output. Runs always
   * supply their choice comma-separated (`a,b`) or as a JSON array (`["a","b"]`).
   *
   * @default ','
   */
  readonly delimiter?: string;

  /**
   * Whether a run may give values that are not in `values`.
   *
   * @default false
   */
  readonly allowCustom?: boolean;
}

/** Props of `JobOption.date()`. Runs supply RFC 3339 timestamps, e.g. `2026-03-08T01:30:00+09:00`. */
export interface DateOptionProps extends RequirableOptionProps {
  /**
   * How the timestamp is written into the pod, in moment.js tokens (Furiko's
   * format language). The time stays in the offset it was given in.
   *
   * Tokens: `YYYY` `YY` (year), `Q` (quarter), `M` `MM` `MMM` `MMMM` (3, 03,
   * Mar, March), `D` `DD` `Do` (8, 08, 8th), `DDD` `DDDD` (day of year 67,
   * 067), `d` `dd` `ddd` `dddd` (0, Su, Sun, Sunday), `E` (ISO weekday 1-7),
   * `H` `HH` (0-23), `h` `hh` (1-12), `A` `a` (AM, am), `m` `mm`, `s` `ss`,
   * `S` `SS` `SSS` (fraction of a second), `Z` `ZZ` (+09:00, +0900), `X` `x`
   * (Unix seconds, milliseconds). Text in `[brackets]` is literal, as are
   * non-letters and `T`; any other letter is an error.
   *
   * @default - RFC 3339 in the input's offset: `YYYY-MM-DDTHH:mm:ssZ`
   */
  readonly format?: string;
}

/** Props of `JobOption.int()`. */
export interface IntOptionProps extends RequirableOptionProps {
  /**
   * The value used when a run supplies none; within `min` and `max`.
   *
   * @default - no value
   */
  readonly default?: number;

  /**
   * The smallest allowed value (inclusive).
   *
   * @default - no lower bound
   */
  readonly min?: number;

  /**
   * The largest allowed value (inclusive).
   *
   * @default - no upper bound
   */
  readonly max?: number;
}

/**
 * A typed run parameter of a job: a value chosen per run, validated, rendered
 * to text and substituted for `${option.NAME}`.
 *
 * Definitions are checked when created and a problem is reported by the workload
 * the option is passed to, at its construct path (`app/report: option "since"
 * default: ...`), so a bad default or pattern fails at synth. The same class validates run values in constructs, the CLI and the
 * controller (through `toSchema()` / `fromSchema()`), with the same messages.
 *
 * Supplied values are always strings (as from `--set name=value`); see each
 * factory for what it accepts.
 *
 * @example
 * JobOption.select({ name: 'region', values: ['eu', 'us'], default: 'eu' });
 * JobOption.bool({ name: 'dry-run', format: BoolFormat.YES_NO });
 */
export class JobOption {
  /**
   * Free text. A run's value (or else the default) is trimmed if `trimSpaces`,
   * then checked against `pattern`. An empty string supplied by a run is a
   * value: it clears the default.
   */
  public static string(props: StringOptionProps): JobOption {
    return new JobOption({
      type: OptionType.STRING,
      name: props.name,
      label: props.label,
      required: props.required,
      string: { default: props.default, trimSpaces: props.trimSpaces, pattern: props.pattern },
    });
  }

  /**
   * A switch. Runs supply `true` or `false` (an empty string means the
   * default); the pod sees it in `format`.
   */
  public static bool(props: BoolOptionProps): JobOption {
    return new JobOption({
      type: OptionType.BOOL,
      name: props.name,
      label: props.label,
      bool: { default: props.default, format: props.format, trueValue: props.trueValue, falseValue: props.falseValue },
    });
  }

  /**
   * One of a list of values. An empty string supplied by a run is a value: it
   * clears the default.
   */
  public static select(props: SelectOptionProps): JobOption {
    return new JobOption({
      type: OptionType.SELECT,
      name: props.name,
      label: props.label,
      required: props.required,
      select: { values: props.values, default: props.default, allowCustom: props.allowCustom },
    });
  }

  /**
   * Several of a list of values, joined with `delimiter` in the order given.
   * Runs supply `a,b` or `["a","b"]`; an empty string means the defaults.
   */
  public static multi(props: MultiOptionProps): JobOption {
    return new JobOption({
      type: OptionType.MULTI,
      name: props.name,
      label: props.label,
      required: props.required,
      multi: { values: props.values, defaults: props.defaults, delimiter: props.delimiter, allowCustom: props.allowCustom },
    });
  }

  /**
   * A timestamp. Runs supply RFC 3339 (date, time and offset); the pod sees
   * it in `format`, in the same offset. Without a value it renders as an
   * empty string (there is no default, as in Furiko).
   */
  public static date(props: DateOptionProps): JobOption {
    return new JobOption({
      type: OptionType.DATE,
      name: props.name,
      label: props.label,
      required: props.required,
      date: { format: props.format },
    });
  }

  /**
   * A whole number (decimal digits with an optional sign), within `min` and
   * `max`. The pod sees it without sign or leading zeros where possible
   * (`+007` renders as `7`). An empty string means the default.
   */
  public static int(props: IntOptionProps): JobOption {
    return new JobOption({
      type: OptionType.INT,
      name: props.name,
      label: props.label,
      required: props.required,
      int: { default: props.default, min: props.min, max: props.max },
    });
  }

  /**
   * An option from its JSON form (e.g. read from a `JobTemplate`), checked as
   * strictly as the factories check their props.
   */
  public static fromSchema(schema: JobOptionSchema): JobOption {
    return new JobOption(schema);
  }

  /** The option's name, as in `${option.NAME}`. */
  public readonly name: string;

  /** The label for prompts and docs (the name unless set). */
  public readonly label: string;

  /** The option's type. */
  public readonly type: OptionType;

  /** Whether a run must end up with a non-empty value. */
  public readonly required: boolean;

  private readonly normalized: Checked<JobOptionSchema>;

  private constructor(schema: JobOptionSchema) {
    // A bad definition is reported by the workload the option is passed to, at its path.
    this.normalized = new Checked(() => normalizeOptionSchema(schema));
    const known = !this.normalized.problem ? this.normalized.value : (typeof schema === 'object' && schema !== null ? schema : {} as Partial<JobOptionSchema>);
    this.name = typeof known.name === 'string' ? known.name : '';
    this.label = typeof known.label === 'string' ? known.label : this.name;
    this.type = known.type ?? OptionType.STRING;
    this.required = known.required === true;
  }

  private get schema(): JobOptionSchema {
    return this.normalized.value;
  }

  /**
   * Throws the problem the definition has, if any: `JobOptionSet` calls it, so a
   * workload reports a bad option at its construct path.
   *
   * @internal
   */
  public _check(): void {
    void this.normalized.value;
  }

  /**
   * The JSON form of this option with every default filled in. Plain data:
   * `JSON.parse(JSON.stringify(schema))` equals it, and `fromSchema()` of it
   * behaves exactly like this option.
   *
   * @throws BatchValidationError if the definition is not valid
   */
  public toSchema(): JobOptionSchema {
    return JSON.parse(JSON.stringify(this.schema));
  }

  /**
   * The text substituted for `${option.NAME}` given a run's raw value.
   *
   * @param value the raw value as the user wrote it; undefined means the option's default
   * @throws BatchValidationError naming the option, the value and the rule it breaks
   */
  public render(value?: string): string {
    return renderOptionValue(this.schema, value);
  }
}
