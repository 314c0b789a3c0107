import { BatchValidationError } from '../../src/errors';
import { BoolFormat, JobOption, JobOptionSchema, JobOptionSet, OptionType } from '../../src/options';

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (e) {
    if (e instanceof BatchValidationError) {
      return e.message;
    }
    throw e;
  }
  throw new Error('expected a BatchValidationError');
}

const options = new JobOptionSet([
  JobOption.string({ name: 'greeting', default: 'hello' }),
  JobOption.bool({ name: 'dry-run', format: BoolFormat.YES_NO }),
  JobOption.select({ name: 'region', values: ['eu', 'us'], default: 'eu' }),
  JobOption.multi({ name: 'tables', values: ['users', 'orders'], defaults: ['users'], delimiter: ' ' }),
  JobOption.date({ name: 'as-of', format: 'YYYY-MM-DD' }),
  JobOption.int({ name: 'shards', default: 4, min: 1, max: 8 }),
]);

describe('JobOptionSet.render', () => {
  test('renders every option, with defaults for those not supplied, in definition order', () => {
    expect(options.render({ 'region': 'us', 'as-of': '2026-03-08T01:30:00+09:00' })).toEqual({
      'greeting': 'hello', 'dry-run': 'no', 'region': 'us', 'tables': 'users', 'as-of': '2026-03-08', 'shards': '4',
    });
    expect(Object.keys(options.render())).toEqual(['greeting', 'dry-run', 'region', 'tables', 'as-of', 'shards']);
  });

  test('rejects an unknown option name instead of ignoring it (Furiko ignores it)', () => {
    expect(messageOf(() => options.render({ Region: 'us' }))).toBe(
      'option "Region": is not a defined option (got "us"). Use one of the defined options "greeting", "dry-run", "region", "tables", "as-of", "shards" (names are case-sensitive).');
  });

  test('rejects any value when no options are defined', () => {
    expect(messageOf(() => new JobOptionSet([]).render({ x: '1' }))).toBe(
      'option "x": is not a defined option (got "1"). Remove it; this workload defines no options.');
  });

  test('reports unknown names before value problems', () => {
    expect(messageOf(() => options.render({ shards: '0', typo: 'x' }))).toBe(
      'option "typo": is not a defined option (got "x"). Use one of the defined options "greeting", "dry-run", "region", "tables", "as-of", "shards" (names are case-sensitive).');
  });

  test('rejects values that are not strings (e.g. a number from hand-written JSON)', () => {
    expect(messageOf(() => options.render({ shards: 5 as unknown as string }))).toBe(
      'option "shards": must be given as a string (got "5"). Quote the value, e.g. "5" or "true".');
  });

  test('option names that are Object.prototype members are ordinary names', () => {
    const tricky = new JobOptionSet([JobOption.string({ name: 'constructor' }), JobOption.string({ name: '__proto__', default: 'p' })]);
    const rendered = tricky.render({});
    // An object literal cannot hold an own "__proto__" key, hence entries.
    expect(Object.entries(rendered)).toEqual([['constructor', ''], ['__proto__', 'p']]);
    expect(Object.getPrototypeOf(rendered)).toBe(Object.prototype);
    expect(messageOf(() => tricky.render({ toString: 'x' }))).toBe(
      'option "toString": is not a defined option (got "x"). Use one of the defined options "constructor", "__proto__" (names are case-sensitive).');
  });

  test('rejects duplicate names', () => {
    expect(messageOf(() => new JobOptionSet([JobOption.string({ name: 'x' }), JobOption.int({ name: 'x' })]))).toBe(
      'options: define the same option name twice (got "x"). Give every option its own name.');
  });
});

describe('JobOptionSet.validate', () => {
  test('lists every problem at once', () => {
    expect(options.validate({ 'typo': 'x', 'dry-run': 'maybe', 'shards': '99' })).toEqual([
      'option "typo": is not a defined option (got "x"). Use one of the defined options "greeting", "dry-run", "region", "tables", "as-of", "shards" (names are case-sensitive).',
      'option "dry-run": must be true or false (got "maybe"). Write true or false; the option\'s format decides what the pod sees.',
      'option "shards": is greater than the maximum 8 (got "99"). Write a number from 1 to 8.',
    ]);
  });

  test('is empty for valid values', () => {
    expect(options.validate({ 'dry-run': 'true' })).toEqual([]);
  });
});

describe('option schema', () => {
  test('toSchema fills in every default and nothing else', () => {
    expect(options.toSchema()).toEqual([
      { type: 'String', name: 'greeting', required: false, string: { default: 'hello', trimSpaces: false } },
      { type: 'Bool', name: 'dry-run', required: false, bool: { default: false, format: 'YesNo' } },
      { type: 'Select', name: 'region', required: false, select: { values: ['eu', 'us'], default: 'eu', allowCustom: false } },
      { type: 'Multi', name: 'tables', required: false, multi: { values: ['users', 'orders'], defaults: ['users'], delimiter: ' ', allowCustom: false } },
      { type: 'Date', name: 'as-of', required: false, date: { format: 'YYYY-MM-DD' } },
      { type: 'Int', name: 'shards', required: false, int: { default: 4, min: 1, max: 8 } },
    ]);
  });

  test('toSchema survives JSON unchanged and rebuilds the same set', () => {
    const schema = options.toSchema();
    const reread = JobOptionSet.fromSchema(JSON.parse(JSON.stringify(schema)));
    expect(reread.toSchema()).toEqual(schema);
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    expect(reread.render({ tables: 'orders,users' })).toEqual(options.render({ tables: 'orders,users' }));
  });

  test('toSchema returns a copy', () => {
    const option = JobOption.select({ name: 'r', values: ['a'] });
    (option.toSchema().select!.values as string[]).push('b');
    expect(option.toSchema().select!.values).toEqual(['a']);
  });

  test('keeps the label and Custom texts', () => {
    const option = JobOption.bool({ name: 'v', label: 'Verbose', format: BoolFormat.CUSTOM, trueValue: '-v', falseValue: '' });
    expect(option.toSchema()).toEqual({
      type: 'Bool', name: 'v', label: 'Verbose', required: false, bool: { default: false, format: 'Custom', trueValue: '-v', falseValue: '' },
    });
    expect(JobOption.fromSchema(option.toSchema()).label).toBe('Verbose');
  });

  test('fromSchema treats null like an absent field and an empty Select default or Date format as none', () => {
    const schema = {
      type: 'Select', name: 'r', label: null, select: { values: ['a'], default: '', allowCustom: null },
    } as unknown as JobOptionSchema;
    expect(JobOption.fromSchema(schema).toSchema()).toEqual({ type: 'Select', name: 'r', required: false, select: { values: ['a'], allowCustom: false } });
    const date = JobOption.fromSchema({ type: OptionType.DATE, name: 'd', date: { format: '' } });
    expect(date.toSchema()).toEqual({ type: 'Date', name: 'd', required: false, date: {} });
  });

  test.each<[string, unknown, string]>([
    ['an unknown type', { type: 'Number', name: 'x' },
      'option "x" type: is not an option type (got "Number"). Use one of "String", "Bool", "Select", "Multi", "Date", "Int".'],
    ['a block of another type', { type: 'String', name: 'x', select: { values: ['a'] } },
      'option "x" select: is set, but the option\'s type is String (got "{\\"values\\":[\\"a\\"]}"). Move the settings into "string", or change the type.'],
    ['an unknown setting', { type: 'String', name: 'x', string: { trim: true } },
      'option "x" string: holds an unknown setting (got "trim"). Remove it; the known settings are "default", "trimSpaces", "pattern".'],
    ['an unknown top-level field', { type: 'Int', name: 'x', description: 'd' },
      'option "x": holds an unknown setting (got "description"). Remove it; the known settings are "type", "name", "label", "required", "string", "bool", "select", "multi", "date", "int".'],
    ['a Select without its block', { type: 'Select', name: 'x' },
      'option "x" values: must list at least one value (got "[]"). List the values a run may choose from.'],
    ['a required Bool', { type: 'Bool', name: 'x', required: true },
      'option "x" required: cannot be set on a Bool option, which always has a value (got "true"). Remove required; the default (false unless set) applies when a run gives no value.'],
    ['a quoted boolean', { type: 'String', name: 'x', string: { trimSpaces: 'yes' } },
      'option "x" trimSpaces: must be true or false (got "yes"). Write true or false without quotes.'],
    ['an unknown Bool format', { type: 'Bool', name: 'x', bool: { format: 'OnOff' } },
      'option "x" format: is not a Bool format (got "OnOff"). Use one of "TrueFalse", "OneZero", "YesNo", "Custom".'],
    ['a string Int bound', { type: 'Int', name: 'x', int: { max: '10' } },
      'option "x" max: must be a whole number within ±9007199254740991 (got "10"). Write a whole number such as 0, 42 or -3.'],
    ['values that are not strings', { type: 'Multi', name: 'x', multi: { values: ['a', 1] } },
      'option "x" values: must be a list of strings (got "[\\"a\\",1]"). Write a list of quoted strings.'],
    ['a missing name', { type: 'String' },
      'option name: must match ^[a-zA-Z_0-9.-]+$ (got "undefined"). Use letters, digits, "_", "." and "-" only, e.g. "report-date".'],
  ])('fromSchema rejects %s', (_, schema, message) => {
    // The option keeps the problem until used; a set (how the CLI and the controller read a
    // JobTemplate) reports it at once.
    const option = JobOption.fromSchema(schema as JobOptionSchema);
    expect(messageOf(() => option.toSchema())).toBe(message);
    expect(messageOf(() => JobOptionSet.fromSchema([schema as JobOptionSchema]))).toBe(message);
  });

  test('a set reports a bad definition before a name used twice', () => {
    const bad = JobOption.int({ name: 'n', min: 5, max: 1 });
    expect(messageOf(() => new JobOptionSet([JobOption.int({ name: 'n' }), bad]))).toBe(
      'option "n" min: is greater than max 1 (got "5"). Swap min and max, or correct one of them.');
  });
});
