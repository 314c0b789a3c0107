import { BatchValidationError } from '../errors';
import { JobOption } from './job-option';
import { optionField, quotedList, shown } from './messages';
import { JobOptionSchema } from './schema';

/**
 * The options of one workload: unique names, validated together.
 *
 * `render()` is the one place run values are checked and turned into the
 * `${option.NAME}` texts, for constructs at synth time, for `cdk8s-batch run`
 * and for the controller handling a `JobRun`.
 *
 * @example
 * const options = new JobOptionSet([JobOption.int({ name: 'shards', default: 4, min: 1 })]);
 * options.render({ shards: '8' }); // { shards: '8' }
 */
export class JobOptionSet {
  /** A set from the JSON form of its options, e.g. a `JobTemplate`'s option schema. */
  public static fromSchema(schemas: JobOptionSchema[]): JobOptionSet {
    return new JobOptionSet(schemas.map((schema) => JobOption.fromSchema(schema)));
  }

  /** The options, in definition order. */
  public readonly options: JobOption[];

  /**
   * @param options the options; names must be unique
   * @throws BatchValidationError for the first option with a bad definition, or a name used twice
   */
  constructor(options: JobOption[]) {
    // Options keep a bad definition until used: report it here, where a workload locates it.
    options.forEach((option) => option._check());
    const names = options.map((option) => option.name);
    const duplicate = names.find((name, index) => names.indexOf(name) !== index);
    if (duplicate !== undefined) {
      throw new BatchValidationError('options', duplicate, 'define the same option name twice', 'Give every option its own name.');
    }
    this.options = [...options];
  }

  /** The option names, in definition order. */
  public get names(): string[] {
    return this.options.map((option) => option.name);
  }

  /**
   * The rendered value of every option, keyed by option name, for the
   * `option` scope of `Substitution`. Options the run does not mention get
   * their defaults.
   *
   * @param values raw values by option name, as from `--set name=value` or a `JobRun`; none means all defaults
   * @throws BatchValidationError for the first problem (unknown names first, then options in order)
   */
  public render(values: { [name: string]: string } = {}): { [name: string]: string } {
    const { rendered, errors } = this.evaluate(values);
    if (errors.length > 0) {
      throw errors[0];
    }
    return rendered;
  }

  /**
   * Every problem with a run's values, as messages (empty when they are
   * valid), so a CLI or a JobRun status can show them all at once.
   *
   * @param values raw values by option name
   */
  public validate(values: { [name: string]: string } = {}): string[] {
    return this.evaluate(values).errors.map((error) => error.message);
  }

  /** The JSON form of all options, in definition order. */
  public toSchema(): JobOptionSchema[] {
    return this.options.map((option) => option.toSchema());
  }

  private evaluate(values: { [name: string]: string }): { rendered: { [name: string]: string }; errors: BatchValidationError[] } {
    const errors: BatchValidationError[] = Object.keys(values)
      .filter((name) => !this.names.includes(name))
      .map((name) => unknownOptionError(name, values[name], this.names));
    const entries: Array<[string, string]> = [];
    for (const option of this.options) {
      // Own properties only: an option named "constructor" must not find Object.prototype.constructor.
      const supplied = Object.hasOwn(values, option.name) ? values[option.name] : undefined;
      try {
        entries.push([option.name, option.render(supplied)]);
      } catch (e) {
        if (!(e instanceof BatchValidationError)) {
          throw e;
        }
        errors.push(e);
      }
    }
    // fromEntries creates own properties, so even an option named "__proto__" is an ordinary key.
    return { rendered: Object.fromEntries(entries), errors };
  }
}

/** Furiko ignores values for options that do not exist; a typo there would silently run with the default, so we refuse. */
function unknownOptionError(name: string, value: unknown, names: readonly string[]): BatchValidationError {
  const fix = names.length > 0
    ? `Use one of the defined options ${quotedList(names)} (names are case-sensitive).`
    : 'Remove it; this workload defines no options.';
  return new BatchValidationError(optionField(name), shown(value), 'is not a defined option', fix);
}
