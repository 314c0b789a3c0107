import { BatchValidationError } from '../../src/errors';
import { BoolFormat, JobOption, OptionType } from '../../src/options';

/** The rendered value, or the exact error message. */
function outcome(render: () => string): string {
  try {
    return render();
  } catch (e) {
    if (!(e instanceof BatchValidationError)) {
      throw e;
    }
    return `ERROR ${e.message}`;
  }
}

const greeting = JobOption.string({ name: 'greeting', default: 'hello' });
const trimmed = JobOption.string({ name: 'who', trimSpaces: true, default: '  world ' });
const slug = JobOption.string({ name: 'slug', pattern: '[a-z]+(-[a-z]+)*', trimSpaces: true });
const requiredText = JobOption.string({ name: 'ticket', required: true, trimSpaces: true });

const trueFalse = JobOption.bool({ name: 'debug' });
const oneZero = JobOption.bool({ name: 'debug', format: BoolFormat.ONE_ZERO, default: true });
const yesNo = JobOption.bool({ name: 'debug', format: BoolFormat.YES_NO });
const custom = JobOption.bool({ name: 'verbose', format: BoolFormat.CUSTOM, trueValue: '--verbose', falseValue: '' });

const region = JobOption.select({ name: 'region', values: ['eu', 'us'], default: 'eu' });
const anyRegion = JobOption.select({ name: 'region', values: ['eu', 'us'], allowCustom: true });
const requiredRegion = JobOption.select({ name: 'region', values: ['eu', 'us'], required: true });

const regions = JobOption.multi({ name: 'regions', values: ['eu', 'us', 'ap'], defaults: ['eu', 'us'] });
const spaced = JobOption.multi({ name: 'regions', values: ['eu', 'us', 'ap'], delimiter: ' ' });
const piped = JobOption.multi({ name: 'regions', values: ['eu', 'us', 'ap'], delimiter: '|', allowCustom: true });
const semicolons = JobOption.multi({ name: 'paths', values: ['a'], delimiter: ';', allowCustom: true });
const requiredRegions = JobOption.multi({ name: 'regions', values: ['eu', 'us'], required: true });

const rfc3339 = JobOption.date({ name: 'when' });
const dayMonthYear = JobOption.date({ name: 'when', format: 'D MMM YYYY' });
const compact = JobOption.date({ name: 'when', format: 'YYYYMMDD' });
const prose = JobOption.date({ name: 'when', format: 'dddd, MMMM Do YYYY h:mm A' });
const withOffset = JobOption.date({ name: 'when', format: 'YYYY-MM-DD HH:mm ZZ' });
const literal = JobOption.date({ name: 'when', format: '[day] DDDD [of] YYYY, [Q]Q' });
const precise = JobOption.date({ name: 'when', format: 'HH:mm:ss.SSS' });
const unix = JobOption.date({ name: 'when', format: 'X' });
const requiredDate = JobOption.date({ name: 'when', required: true });

const shards = JobOption.int({ name: 'shards', default: 4, min: 1, max: 8 });
const offset = JobOption.int({ name: 'offset', min: -5 });
const ceiling = JobOption.int({ name: 'limit', max: 100 });
const requiredInt = JobOption.int({ name: 'count', required: true });

describe('rendering accepted values', () => {
  test.each<[string, JobOption, string | undefined, string]>([
    // String
    ['String default when no value', greeting, undefined, 'hello'],
    ['String value overrides the default', greeting, 'hi there', 'hi there'],
    ['String empty value clears the default (as in Furiko)', greeting, '', ''],
    ['String keeps spaces without trimSpaces', greeting, '  hi  ', '  hi  '],
    ['String trimSpaces trims the value', trimmed, '  a b  ', 'a b'],
    ['String trimSpaces trims the default', trimmed, undefined, 'world'],
    ['String pattern matches the whole trimmed value', slug, ' nightly-report ', 'nightly-report'],
    ['String pattern does not apply to an empty optional value', slug, '', ''],
    // Bool
    ['Bool TrueFalse default false', trueFalse, undefined, 'false'],
    ['Bool TrueFalse true', trueFalse, 'true', 'true'],
    ['Bool OneZero default true', oneZero, undefined, '1'],
    ['Bool OneZero false', oneZero, 'false', '0'],
    ['Bool OneZero empty value means the default', oneZero, '', '1'],
    ['Bool YesNo true', yesNo, 'true', 'yes'],
    ['Bool YesNo false', yesNo, 'false', 'no'],
    ['Bool Custom true', custom, 'true', '--verbose'],
    ['Bool Custom false may be empty', custom, 'false', ''],
    // Select
    ['Select default', region, undefined, 'eu'],
    ['Select listed value', region, 'us', 'us'],
    ['Select empty value clears the default', region, '', ''],
    ['Select allowCustom accepts an unlisted value', anyRegion, 'ap-south-1', 'ap-south-1'],
    ['Select without default renders empty', anyRegion, undefined, ''],
    // Multi
    ['Multi defaults joined with ","', regions, undefined, 'eu,us'],
    ['Multi empty value means the defaults', regions, '', 'eu,us'],
    ['Multi empty JSON list means the defaults', regions, '[]', 'eu,us'],
    ['Multi keeps the order given', regions, 'ap,eu', 'ap,eu'],
    ['Multi joins with a space, ignoring spaces around items', spaced, 'eu , ap', 'eu ap'],
    ['Multi without defaults renders empty', spaced, undefined, ''],
    ['Multi JSON array joined with "|"', piped, '["us","eu"]', 'us|eu'],
    ['Multi allowCustom accepts unlisted values', piped, 'eu,mars', 'eu|mars'],
    ['Multi JSON array carries commas inside items', semicolons, '["/a,b", "/c"]', '/a,b;/c'],
    // Date
    ['Date default format keeps the offset', rfc3339, '2026-03-08T01:30:00+09:00', '2026-03-08T01:30:00+09:00'],
    ['Date default format writes Z as +00:00 (like moment.js)', rfc3339, '2026-03-08T01:30:00Z', '2026-03-08T01:30:00+00:00'],
    ['Date without value renders empty', rfc3339, undefined, ''],
    ['Date Furiko vector D MMM YYYY', dayMonthYear, '2021-02-09T12:06:09+08:00', '9 Feb 2021'],
    ['Date formats in the given offset, not UTC', compact, '2026-03-08T01:30:00+09:00', '20260308'],
    ['Date names and ordinals', prose, '2026-03-08T13:05:00+09:00', 'Sunday, March 8th 2026 1:05 PM'],
    ['Date negative half-hour offset', withOffset, '2026-03-07T23:59:59-05:30', '2026-03-07 23:59 -0530'],
    ['Date literal text and day of year', literal, '2024-02-29T00:00:00Z', 'day 060 of 2024, Q1'],
    ['Date fraction of a second', precise, '2026-03-08T01:30:00.5+09:00', '01:30:00.500'],
    ['Date Unix seconds honour the offset', unix, '2026-03-08T01:30:00+09:00', String(Date.parse('2026-03-07T16:30:00Z') / 1000)],
    ['Date lowercase t and z are RFC 3339 too', rfc3339, '2026-03-08t01:30:00z', '2026-03-08T01:30:00+00:00'],
    // Int
    ['Int default', shards, undefined, '4'],
    ['Int empty value means the default', shards, '', '4'],
    ['Int lower bound is inclusive', shards, '1', '1'],
    ['Int upper bound is inclusive', shards, '8', '8'],
    ['Int canonical digits', shards, '+007', '7'],
    ['Int negative within min', offset, '-5', '-5'],
    ['Int without default renders empty', ceiling, undefined, ''],
  ])('%s', (_, option, value, expected) => {
    expect(option.render(value)).toBe(expected);
  });
});

describe('rejecting values', () => {
  test.each<[string, JobOption, string | undefined, string]>([
    ['String partial pattern match', slug, 'nightly_report',
      'option "slug": does not match the pattern [a-z]+(-[a-z]+)* (got "nightly_report"). Write a value that the whole pattern matches.'],
    ['String required without value', requiredText, undefined,
      'option "ticket": is required but has no value (got ""). Supply a value for option "ticket".'],
    ['String required with only spaces (trimmed)', requiredText, '   ',
      'option "ticket": is required but has no value (got "   "). Supply a value for option "ticket".'],
    ['Bool yes is not a bool input', yesNo, 'yes',
      'option "debug": must be true or false (got "yes"). Write true or false; the option\'s format decides what the pod sees.'],
    ['Bool input is case-sensitive', trueFalse, 'True',
      'option "debug": must be true or false (got "True"). Write true or false; the option\'s format decides what the pod sees.'],
    ['Select unlisted value', region, 'ap',
      'option "region": must be one of "eu", "us" (got "ap"). Pick one of the listed values; this option does not allow custom values.'],
    ['Select required with empty value', requiredRegion, '',
      'option "region": is required but has no value (got ""). Supply a value for option "region".'],
    ['Multi unlisted value', regions, 'eu,mars',
      'option "regions": holds "mars", which is not one of "eu", "us", "ap" (got "eu,mars"). Choose only listed values; this option does not allow custom values.'],
    ['Multi empty item', regions, 'eu,,us',
      'option "regions": holds an empty item (got "eu,,us"). Remove the extra comma.'],
    ['Multi duplicate item', regions, 'eu, eu',
      'option "regions": holds "eu" twice (got "eu, eu"). List each value once.'],
    ['Multi broken JSON', regions, '[eu]',
      'option "regions": starts with "[" but is not a JSON array of strings (got "[eu]"). Write ["a","b"] or a comma-separated list a,b.'],
    ['Multi custom value holding the delimiter', piped, '["a|b"]',
      'option "regions": holds "a|b", which contains the delimiter "|" (got "[\\"a|b\\"]"). Remove the delimiter from the value; the pod could not tell the values apart.'],
    ['Multi required without value', requiredRegions, undefined,
      'option "regions": is required but has no value (got ""). Supply a value for option "regions".'],
    ['Date without offset', rfc3339, '2026-03-08T01:30:00',
      'option "when": is not an RFC 3339 timestamp with date, time and offset (got "2026-03-08T01:30:00"). Write a timestamp such as 2026-03-08T01:30:00+09:00 or 2026-03-08T01:30:00Z.'],
    ['Date only a date', rfc3339, '2026-03-08',
      'option "when": is not an RFC 3339 timestamp with date, time and offset (got "2026-03-08"). Write a timestamp such as 2026-03-08T01:30:00+09:00 or 2026-03-08T01:30:00Z.'],
    ['Date 29 February of a common year', rfc3339, '2025-02-29T00:00:00Z',
      'option "when": is not a real calendar date (got "2025-02-29T00:00:00Z"). Write a timestamp such as 2026-03-08T01:30:00+09:00 or 2026-03-08T01:30:00Z.'],
    ['Date hour 24', rfc3339, '2026-03-08T24:00:00Z',
      'option "when": is not a real time of day (got "2026-03-08T24:00:00Z"). Write a timestamp such as 2026-03-08T01:30:00+09:00 or 2026-03-08T01:30:00Z.'],
    ['Date offset hour 24', rfc3339, '2026-03-08T01:00:00+24:00',
      'option "when": has an offset outside -23:59..+23:59 (got "2026-03-08T01:00:00+24:00"). Write a timestamp such as 2026-03-08T01:30:00+09:00 or 2026-03-08T01:30:00Z.'],
    ['Date required without value', requiredDate, '',
      'option "when": is required but has no value (got ""). Supply a value for option "when".'],
    ['Int above max', shards, '9',
      'option "shards": is greater than the maximum 8 (got "9"). Write a number from 1 to 8.'],
    ['Int below min', shards, '0',
      'option "shards": is less than the minimum 1 (got "0"). Write a number from 1 to 8.'],
    ['Int below min only', offset, '-6',
      'option "offset": is less than the minimum -5 (got "-6"). Write a number of at least -5.'],
    ['Int above max only', ceiling, '101',
      'option "limit": is greater than the maximum 100 (got "101"). Write a number of at most 100.'],
    ['Int decimal', shards, '1.5',
      'option "shards": is not a whole number (got "1.5"). Write digits only, with an optional sign, e.g. 42 or -3.'],
    ['Int with spaces', shards, ' 5',
      'option "shards": is not a whole number (got " 5"). Write digits only, with an optional sign, e.g. 42 or -3.'],
    ['Int beyond the safe range', ceiling, '-9007199254740992',
      'option "limit": is outside ±9007199254740991 (got "-9007199254740992"). Write a smaller number.'],
    ['Int required without value', requiredInt, undefined,
      'option "count": is required but has no value (got ""). Supply a value for option "count".'],
  ])('%s', (_, option, value, message) => {
    expect(outcome(() => option.render(value))).toBe(`ERROR ${message}`);
  });

  test('errors are BatchValidationErrors with field, value, problem and fix', () => {
    expect(() => shards.render('9')).toThrow(expect.objectContaining({
      name: 'BatchValidationError', field: 'option "shards"', value: '9', problem: 'is greater than the maximum 8', fix: 'Write a number from 1 to 8.',
    }));
  });
});

describe('rejecting definitions', () => {
  test.each<[string, () => JobOption, string]>([
    ['name with a space', () => JobOption.string({ name: 'report date' }),
      'option name: must match ^[a-zA-Z_0-9.-]+$ (got "report date"). Use letters, digits, "_", "." and "-" only, e.g. "report-date".'],
    ['empty name', () => JobOption.int({ name: '' }),
      'option name: must match ^[a-zA-Z_0-9.-]+$ (got ""). Use letters, digits, "_", "." and "-" only, e.g. "report-date".'],
    ['pattern that does not compile', () => JobOption.string({ name: 's', pattern: '[a-z' }),
      'option "s" pattern: is not a valid regular expression: Unterminated character class (got "[a-z"). Write an ECMAScript regular expression, e.g. ^[a-z0-9-]+$.'],
    ['String default outside the pattern', () => JobOption.string({ name: 's', pattern: '[0-9]+', default: '12a' }),
      'option "s" default: does not match the pattern [0-9]+ (got "12a"). Change the default or the pattern so that they agree.'],
    ['Custom bool without texts', () => JobOption.bool({ name: 'b', format: BoolFormat.CUSTOM, trueValue: 'on' }),
      'option "b" format: needs both trueValue and falseValue (got "Custom"). Set trueValue and falseValue (either may be an empty string), or pick another format.'],
    ['Custom bool with equal texts', () => JobOption.bool({ name: 'b', format: BoolFormat.CUSTOM, trueValue: 'x', falseValue: 'x' }),
      'option "b" falseValue: equals trueValue, so true and false would look the same (got "x"). Give true and false different texts.'],
    ['trueValue without Custom format', () => JobOption.bool({ name: 'b', format: BoolFormat.YES_NO, trueValue: 'on' }),
      'option "b" trueValue: is only used with the Custom format, but the format is YesNo (got "on"). Set format to BoolFormat.CUSTOM, or remove trueValue and falseValue.'],
    ['Select default not in values', () => JobOption.select({ name: 'region', values: ['eu', 'us'], default: 'ap' }),
      'option "region" default: is not one of the values "eu", "us" (got "ap"). Pick the default from values, or add it to values.'],
    ['Select without values', () => JobOption.select({ name: 'region', values: [] }),
      'option "region" values: must list at least one value (got "[]"). List the values a run may choose from.'],
    ['Select with a duplicate value', () => JobOption.select({ name: 'region', values: ['eu', 'us', 'eu'] }),
      'option "region" values: holds the same value twice (got "eu"). List each value once.'],
    ['Select with an empty value', () => JobOption.select({ name: 'region', values: ['eu', ''] }),
      'option "region" values: holds an empty string (got "[\\"eu\\",\\"\\"]"). Remove the empty string; a value must not be empty.'],
    ['Multi default not in values', () => JobOption.multi({ name: 'm', values: ['a', 'b'], defaults: ['a', 'c'] }),
      'option "m" defaults: is not one of the values "a", "b" (got "c"). Pick the defaults from values, or add them to values.'],
    ['Multi value holding the delimiter', () => JobOption.multi({ name: 'm', values: ['New York', 'Paris'], delimiter: ' ' }),
      'option "m" values: contains the delimiter " ", so the joined output would be ambiguous (got "New York"). Choose a delimiter that no value contains.'],
    ['Date format with Java-style tokens', () => JobOption.date({ name: 'd', format: 'yyyy-MM-dd' }),
      'option "d" format: holds "yyyy", which is not a supported token (got "yyyy-MM-dd"). Use moment.js tokens (YYYY MM DD HH mm ss Z ...) and wrap literal text in [brackets].'],
    ['Date format with an unclosed bracket', () => JobOption.date({ name: 'd', format: 'YYYY [at HH' }),
      'option "d" format: opens a literal "[" at position 5 without closing it (got "YYYY [at HH"). Use moment.js tokens (YYYY MM DD HH mm ss Z ...) and wrap literal text in [brackets].'],
    ['Int default above max', () => JobOption.int({ name: 'n', default: 10, max: 8 }),
      'option "n" default: is greater than the maximum 8 (got "10"). Move the default inside the bounds, or widen them.'],
    ['Int min above max', () => JobOption.int({ name: 'n', min: 5, max: 1 }),
      'option "n" min: is greater than max 1 (got "5"). Swap min and max, or correct one of them.'],
    ['Int fractional default', () => JobOption.int({ name: 'n', default: 1.5 }),
      'option "n" default: must be a whole number within ±9007199254740991 (got "1.5"). Write a whole number such as 0, 42 or -3.'],
  ])('%s', (_, define, message) => {
    // The definition is checked now and reported when used (a workload reports it at its path).
    const option = define();
    expect(() => option.toSchema()).toThrow(BatchValidationError);
    expect(outcome(() => option.render())).toBe(`ERROR ${message}`);
    expect(outcome(() => JSON.stringify(option.toSchema()))).toBe(`ERROR ${message}`);
  });
});

describe('option properties', () => {
  test('names may hold letters, digits, "_", "." and "-"', () => {
    const option = JobOption.string({ name: 'Report_date.v2-x' });
    expect(option.name).toBe('Report_date.v2-x');
  });

  test('the label defaults to the name', () => {
    expect(JobOption.int({ name: 'n' }).label).toBe('n');
    expect(JobOption.int({ name: 'n', label: 'Number of shards' }).label).toBe('Number of shards');
  });

  test('type and required are exposed', () => {
    expect([region.type, region.required]).toEqual([OptionType.SELECT, false]);
    expect([requiredInt.type, requiredInt.required]).toEqual([OptionType.INT, true]);
    expect(trueFalse.required).toBe(false);
  });

  test('a required option is satisfied by its default', () => {
    const option = JobOption.select({ name: 'env', values: ['dev', 'prod'], default: 'dev', required: true });
    expect(option.render()).toBe('dev');
  });
});
