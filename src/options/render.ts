import { BatchValidationError } from '../errors';
import { compileDateFormat, DEFAULT_DATE_FORMAT, DateFormatProblem, formatTimestamp } from './date-format';
import { parseRfc3339 } from '../time';
import { boundsProblem } from './definition';
import { optionField, quotedList, shown } from './messages';
import { compilePattern } from './pattern';
import { JobOptionSchema } from './schema';
import { BoolFormat, OptionType } from './types';

/**
 * Turns one supplied value (raw user text, or undefined when the run gave
 * none) into the text that is substituted for `${option.NAME}`.
 *
 * `schema` must be normalized (see `normalizeOptionSchema`). When a value is
 * missing the option's default applies. An empty string is a value for String
 * and Select options (a run may clear a default, as in Furiko); for Bool, Multi,
 * Date and Int an empty string means "no value", since none of them can be empty.
 */
export function renderOptionValue(schema: JobOptionSchema, supplied: unknown): string {
  if (supplied === null) {
    supplied = undefined;
  }
  if (supplied !== undefined && typeof supplied !== 'string') {
    throw valueError(schema, shown(supplied), 'must be given as a string', 'Quote the value, e.g. "5" or "true".');
  }
  return RENDERERS[schema.type](schema, supplied);
}

type Renderer = (schema: JobOptionSchema, supplied: string | undefined) => string;

const RENDERERS: Readonly<Record<OptionType, Renderer>> = {
  [OptionType.STRING]: renderString,
  [OptionType.BOOL]: renderBool,
  [OptionType.SELECT]: renderSelect,
  [OptionType.MULTI]: renderMulti,
  [OptionType.DATE]: renderDate,
  [OptionType.INT]: renderInt,
};

function valueError(schema: JobOptionSchema, value: string, problem: string, fix: string): BatchValidationError {
  return new BatchValidationError(optionField(schema.name), value, problem, fix);
}

function requiredError(schema: JobOptionSchema, value: string): BatchValidationError {
  return valueError(schema, value, 'is required but has no value', `Supply a value for option ${JSON.stringify(schema.name)}.`);
}

/** The empty rendering of an option without a value, unless it is required. */
function noValue(schema: JobOptionSchema, supplied: string | undefined): string {
  if (schema.required) {
    throw requiredError(schema, supplied ?? '');
  }
  return '';
}

function renderString(schema: JobOptionSchema, supplied: string | undefined): string {
  const settings = schema.string ?? {};
  const raw = supplied ?? settings.default ?? '';
  const value = settings.trimSpaces ? raw.trim() : raw;
  if (value === '') {
    return noValue(schema, raw);
  }
  if (settings.pattern !== undefined && !compilePattern(settings.pattern, optionField(schema.name)).test(value)) {
    throw valueError(schema, raw, `does not match the pattern ${settings.pattern}`, 'Write a value that the whole pattern matches.');
  }
  return value;
}

const BOOL_TEXTS: Readonly<Record<Exclude<BoolFormat, BoolFormat.CUSTOM>, readonly [string, string]>> = {
  [BoolFormat.TRUE_FALSE]: ['true', 'false'],
  [BoolFormat.ONE_ZERO]: ['1', '0'],
  [BoolFormat.YES_NO]: ['yes', 'no'],
};

function renderBool(schema: JobOptionSchema, supplied: string | undefined): string {
  const settings = schema.bool ?? {};
  let value = settings.default ?? false;
  if (supplied === 'true' || supplied === 'false') {
    value = supplied === 'true';
  } else if (supplied !== undefined && supplied !== '') {
    // Only true/false: accepting "yes" or "1" too would make a Custom format's own texts ambiguous.
    throw valueError(schema, supplied, 'must be true or false', "Write true or false; the option's format decides what the pod sees.");
  }
  const format = settings.format ?? BoolFormat.TRUE_FALSE;
  if (format === BoolFormat.CUSTOM) {
    return (value ? settings.trueValue : settings.falseValue) ?? '';
  }
  return BOOL_TEXTS[format][value ? 0 : 1];
}

function renderSelect(schema: JobOptionSchema, supplied: string | undefined): string {
  const settings = schema.select!;
  const value = supplied ?? settings.default ?? '';
  if (value === '') {
    return noValue(schema, value);
  }
  if (!settings.allowCustom && !settings.values.includes(value)) {
    throw valueError(schema, value, `must be one of ${quotedList(settings.values)}`,
      'Pick one of the listed values; this option does not allow custom values.');
  }
  return value;
}

function renderMulti(schema: JobOptionSchema, supplied: string | undefined): string {
  const settings = schema.multi!;
  const delimiter = settings.delimiter ?? ',';
  const chosen = supplied === undefined || supplied === '' ? [] : parseMultiInput(schema, supplied);
  // Like Furiko: no values (also an explicit empty list) means the defaults.
  const items = chosen.length > 0 ? chosen : settings.defaults ?? [];
  if (items.length === 0) {
    return noValue(schema, supplied);
  }
  items.forEach((item, index) => {
    if (items.indexOf(item) !== index) {
      throw valueError(schema, supplied!, `holds ${JSON.stringify(item)} twice`, 'List each value once.');
    }
    if (!settings.allowCustom && !settings.values.includes(item)) {
      throw valueError(schema, supplied!, `holds ${JSON.stringify(item)}, which is not one of ${quotedList(settings.values)}`,
        'Choose only listed values; this option does not allow custom values.');
    }
    if (delimiter !== '' && item.includes(delimiter)) {
      throw valueError(schema, supplied!, `holds ${JSON.stringify(item)}, which contains the delimiter ${JSON.stringify(delimiter)}`,
        'Remove the delimiter from the value; the pod could not tell the values apart.');
    }
  });
  return items.join(delimiter);
}

/**
 * Multi values arrive as one string (CLI `--set`, a JobRun's map): a
 * comma-separated list with spaces around items ignored, or, for items that
 * hold commas, a JSON array of strings.
 */
function parseMultiInput(schema: JobOptionSchema, supplied: string): string[] {
  if (supplied.trimStart().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(supplied);
    } catch {
      parsed = undefined;
    }
    if (!Array.isArray(parsed) || parsed.some((item) => typeof item !== 'string')) {
      throw valueError(schema, supplied, 'starts with "[" but is not a JSON array of strings', 'Write ["a","b"] or a comma-separated list a,b.');
    }
    if (parsed.includes('')) {
      throw valueError(schema, supplied, 'holds an empty item', 'Remove the empty string from the list.');
    }
    return parsed;
  }
  const items = supplied.split(',').map((item) => item.trim());
  if (items.includes('')) {
    throw valueError(schema, supplied, 'holds an empty item', 'Remove the extra comma.');
  }
  return items;
}

function renderDate(schema: JobOptionSchema, supplied: string | undefined): string {
  if (supplied === undefined || supplied === '') {
    return noValue(schema, supplied);
  }
  const parsed = parseRfc3339(supplied);
  if ('problem' in parsed) {
    throw valueError(schema, supplied, parsed.problem, 'Write a timestamp such as 2026-03-08T01:30:00+09:00 or 2026-03-08T01:30:00Z.');
  }
  const format = compileDateFormat(schema.date?.format ?? DEFAULT_DATE_FORMAT);
  if (format instanceof DateFormatProblem) {
    // Normalized schemas hold only valid formats.
    throw new Error(`unreachable: invalid date format in a normalized option: ${format.problem}`);
  }
  return formatTimestamp(parsed.time, format);
}

const INTEGER = /^[+-]?[0-9]+$/;

function renderInt(schema: JobOptionSchema, supplied: string | undefined): string {
  const settings = schema.int ?? {};
  if (supplied === undefined || supplied === '') {
    return settings.default !== undefined ? String(settings.default) : noValue(schema, supplied);
  }
  if (!INTEGER.test(supplied)) {
    throw valueError(schema, supplied, 'is not a whole number', 'Write digits only, with an optional sign, e.g. 42 or -3.');
  }
  const value = Number(supplied);
  if (!Number.isSafeInteger(value)) {
    throw valueError(schema, supplied, 'is outside ±9007199254740991', 'Write a smaller number.');
  }
  const problem = boundsProblem(value, settings.min, settings.max);
  if (problem) {
    throw valueError(schema, supplied, problem, boundsFix(settings.min, settings.max));
  }
  // Canonical digits: "+007" reaches the pod as "7".
  return String(value);
}

function boundsFix(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) {
    return `Write a number from ${min} to ${max}.`;
  }
  return min !== undefined ? `Write a number of at least ${min}.` : `Write a number of at most ${max}.`;
}
