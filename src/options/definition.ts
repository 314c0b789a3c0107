import { BatchValidationError } from '../errors';
import { compileDateFormat, DateFormatProblem } from './date-format';
import { optionField, quotedList, settingField, shown } from './messages';
import { compilePattern } from './pattern';
import {
  BoolOptionSchema, DateOptionSchema, IntOptionSchema, JobOptionSchema, MultiOptionSchema, SelectOptionSchema,
  StringOptionSchema,
} from './schema';
import { BoolFormat, OptionType } from './types';

/**
 * Validation and normalization of option definitions.
 *
 * The factories (`JobOption.string()` ...) build a schema from their props and
 * `JobOption.fromSchema()` takes one from a custom resource; both end here, so
 * a definition is checked the same way wherever it comes from. Input may be
 * arbitrary JSON (a hand-edited JobTemplate), hence the type checks.
 */

/** Option names, as in Furiko. */
export const OPTION_NAME_PATTERN = /^[a-zA-Z_0-9.-]+$/;

/** The schema block that holds each type's settings. */
export const BLOCK_OF_TYPE: Readonly<Record<OptionType, 'string' | 'bool' | 'select' | 'multi' | 'date' | 'int'>> = {
  [OptionType.STRING]: 'string',
  [OptionType.BOOL]: 'bool',
  [OptionType.SELECT]: 'select',
  [OptionType.MULTI]: 'multi',
  [OptionType.DATE]: 'date',
  [OptionType.INT]: 'int',
};

const TOP_LEVEL_KEYS = ['type', 'name', 'label', 'required', ...Object.values(BLOCK_OF_TYPE)];

type Json = Record<string, unknown>;

/** JSON `null` counts as absent, like an omitted field, because YAML writers emit it for empty keys. */
function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function expectObject(value: unknown, field: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BatchValidationError(field, shown(value), 'must be an object', 'Write the option definition as a JSON object.');
  }
  return value as Json;
}

function rejectUnknownKeys(object: Json, known: readonly string[], field: string): void {
  const unknown = Object.keys(object).filter((key) => isPresent(object[key]) && !known.includes(key));
  if (unknown.length > 0) {
    throw new BatchValidationError(field, unknown[0], 'holds an unknown setting',
      `Remove it; the known settings are ${quotedList(known)}.`);
  }
}

function optionalString(value: unknown, field: string): string | undefined {
  if (!isPresent(value)) {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new BatchValidationError(field, shown(value), 'must be a string', 'Write the value in quotes.');
  }
  return value;
}

function optionalBoolean(value: unknown, field: string): boolean | undefined {
  if (!isPresent(value)) {
    return undefined;
  }
  if (typeof value !== 'boolean') {
    throw new BatchValidationError(field, shown(value), 'must be true or false', 'Write true or false without quotes.');
  }
  return value;
}

function optionalInteger(value: unknown, field: string): number | undefined {
  if (!isPresent(value)) {
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new BatchValidationError(field, shown(value), 'must be a whole number within ±9007199254740991',
      'Write a whole number such as 0, 42 or -3.');
  }
  return value;
}

function optionalStringList(value: unknown, field: string): string[] | undefined {
  if (!isPresent(value)) {
    return undefined;
  }
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    throw new BatchValidationError(field, shown(value), 'must be a list of strings', 'Write a list of quoted strings.');
  }
  return [...value];
}

/** Select and Multi value lists: at least one, each non-empty, no duplicates. */
function valueList(value: unknown, field: string): string[] {
  const values = optionalStringList(value, field);
  if (values === undefined || values.length === 0) {
    throw new BatchValidationError(field, shown(values ?? []), 'must list at least one value', 'List the values a run may choose from.');
  }
  checkNoEmptyOrDuplicate(values, field, 'a value');
  return values;
}

function checkNoEmptyOrDuplicate(values: readonly string[], field: string, what: string): void {
  if (values.includes('')) {
    throw new BatchValidationError(field, shown(values), 'holds an empty string', `Remove the empty string; ${what} must not be empty.`);
  }
  const duplicate = values.find((v, i) => values.indexOf(v) !== i);
  if (duplicate !== undefined) {
    throw new BatchValidationError(field, duplicate, 'holds the same value twice', 'List each value once.');
  }
}

function checkName(value: unknown): string {
  if (typeof value !== 'string' || !OPTION_NAME_PATTERN.test(value)) {
    throw new BatchValidationError('option name', shown(value), 'must match ^[a-zA-Z_0-9.-]+$',
      'Use letters, digits, "_", "." and "-" only, e.g. "report-date".');
  }
  return value;
}

function checkType(value: unknown, name: string): OptionType {
  const types = Object.values(OptionType) as string[];
  if (typeof value !== 'string' || !types.includes(value)) {
    throw new BatchValidationError(settingField(name, 'type'), shown(value), 'is not an option type',
      `Use one of ${quotedList(types)}.`);
  }
  return value as OptionType;
}

/** Drops undefined members, so that the schema survives a JSON round trip unchanged. */
function compact<T extends object>(object: T): T {
  return Object.fromEntries(Object.entries(object).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Checks an option definition and returns it with every default filled in and
 * nothing else, which is the form `toSchema()` returns.
 */
export function normalizeOptionSchema(input: unknown): JobOptionSchema {
  const raw = expectObject(input, 'option');
  const name = checkName(raw.name);
  const type = checkType(raw.type, name);
  rejectUnknownKeys(raw, TOP_LEVEL_KEYS, optionField(name));
  const label = optionalString(raw.label, settingField(name, 'label'));
  const required = optionalBoolean(raw.required, settingField(name, 'required')) ?? false;

  const blockKey = BLOCK_OF_TYPE[type];
  for (const otherKey of Object.values(BLOCK_OF_TYPE)) {
    if (otherKey !== blockKey && isPresent(raw[otherKey])) {
      throw new BatchValidationError(settingField(name, otherKey), shown(raw[otherKey]), `is set, but the option's type is ${type}`,
        `Move the settings into "${blockKey}", or change the type.`);
    }
  }
  const block = isPresent(raw[blockKey]) ? expectObject(raw[blockKey], settingField(name, blockKey)) : {};
  rejectUnknownKeys(block, BLOCK_KEYS[type], settingField(name, blockKey));

  const settings = NORMALIZERS[type](name, block, required);
  return compact({ type, name, label, required, [blockKey]: compact(settings) });
}

const BLOCK_KEYS: Readonly<Record<OptionType, readonly string[]>> = {
  [OptionType.STRING]: ['default', 'trimSpaces', 'pattern'],
  [OptionType.BOOL]: ['default', 'format', 'trueValue', 'falseValue'],
  [OptionType.SELECT]: ['values', 'default', 'allowCustom'],
  [OptionType.MULTI]: ['values', 'defaults', 'delimiter', 'allowCustom'],
  [OptionType.DATE]: ['format'],
  [OptionType.INT]: ['default', 'min', 'max'],
};

type Normalizer = (name: string, block: Json, required: boolean) => object;

const NORMALIZERS: Readonly<Record<OptionType, Normalizer>> = {
  [OptionType.STRING]: normalizeString,
  [OptionType.BOOL]: normalizeBool,
  [OptionType.SELECT]: normalizeSelect,
  [OptionType.MULTI]: normalizeMulti,
  [OptionType.DATE]: normalizeDate,
  [OptionType.INT]: normalizeInt,
};

function normalizeString(name: string, block: Json): StringOptionSchema {
  const defaultValue = optionalString(block.default, settingField(name, 'default'));
  const trimSpaces = optionalBoolean(block.trimSpaces, settingField(name, 'trimSpaces')) ?? false;
  const pattern = optionalString(block.pattern, settingField(name, 'pattern'));
  if (pattern !== undefined) {
    const regex = compilePattern(pattern, settingField(name, 'pattern'));
    const effective = trimSpaces ? defaultValue?.trim() : defaultValue;
    // An empty default means "no value" and is left to `required`, as empty run values are.
    if (effective && !regex.test(effective)) {
      throw new BatchValidationError(settingField(name, 'default'), defaultValue!, `does not match the pattern ${pattern}`,
        'Change the default or the pattern so that they agree.');
    }
  }
  return { default: defaultValue, trimSpaces, pattern };
}

function normalizeBool(name: string, block: Json, required: boolean): BoolOptionSchema {
  if (required) {
    throw new BatchValidationError(settingField(name, 'required'), 'true', 'cannot be set on a Bool option, which always has a value',
      'Remove required; the default (false unless set) applies when a run gives no value.');
  }
  const defaultValue = optionalBoolean(block.default, settingField(name, 'default')) ?? false;
  const format = optionalString(block.format, settingField(name, 'format')) ?? BoolFormat.TRUE_FALSE;
  const formats = Object.values(BoolFormat) as string[];
  if (!formats.includes(format)) {
    throw new BatchValidationError(settingField(name, 'format'), format, 'is not a Bool format', `Use one of ${quotedList(formats)}.`);
  }
  const trueValue = optionalString(block.trueValue, settingField(name, 'trueValue'));
  const falseValue = optionalString(block.falseValue, settingField(name, 'falseValue'));
  if (format === BoolFormat.CUSTOM) {
    if (trueValue === undefined || falseValue === undefined) {
      throw new BatchValidationError(settingField(name, 'format'), format, 'needs both trueValue and falseValue',
        'Set trueValue and falseValue (either may be an empty string), or pick another format.');
    }
    if (trueValue === falseValue) {
      throw new BatchValidationError(settingField(name, 'falseValue'), falseValue, 'equals trueValue, so true and false would look the same',
        'Give true and false different texts.');
    }
  } else if (trueValue !== undefined || falseValue !== undefined) {
    throw new BatchValidationError(settingField(name, trueValue !== undefined ? 'trueValue' : 'falseValue'), (trueValue ?? falseValue)!,
      `is only used with the Custom format, but the format is ${format}`,
      'Set format to BoolFormat.CUSTOM, or remove trueValue and falseValue.');
  }
  return { default: defaultValue, format: format as BoolFormat, trueValue, falseValue };
}

function normalizeSelect(name: string, block: Json): SelectOptionSchema {
  const values = valueList(block.values, settingField(name, 'values'));
  // An empty default is how Furiko writes "no default"; keep one spelling of it.
  const defaultValue = optionalString(block.default, settingField(name, 'default')) || undefined;
  if (defaultValue !== undefined && !values.includes(defaultValue)) {
    throw new BatchValidationError(settingField(name, 'default'), defaultValue, `is not one of the values ${quotedList(values)}`,
      'Pick the default from values, or add it to values.');
  }
  const allowCustom = optionalBoolean(block.allowCustom, settingField(name, 'allowCustom')) ?? false;
  return { values, default: defaultValue, allowCustom };
}

function normalizeMulti(name: string, block: Json): MultiOptionSchema {
  const values = valueList(block.values, settingField(name, 'values'));
  const delimiter = optionalString(block.delimiter, settingField(name, 'delimiter')) ?? ',';
  const clash = delimiter === '' ? undefined : values.find((v) => v.includes(delimiter));
  if (clash !== undefined) {
    throw new BatchValidationError(settingField(name, 'values'), clash, `contains the delimiter ${JSON.stringify(delimiter)}, so the joined output would be ambiguous`,
      'Choose a delimiter that no value contains.');
  }
  const defaults = optionalStringList(block.defaults, settingField(name, 'defaults')) ?? [];
  checkNoEmptyOrDuplicate(defaults, settingField(name, 'defaults'), 'a default');
  const stray = defaults.find((d) => !values.includes(d));
  if (stray !== undefined) {
    throw new BatchValidationError(settingField(name, 'defaults'), stray, `is not one of the values ${quotedList(values)}`,
      'Pick the defaults from values, or add them to values.');
  }
  const allowCustom = optionalBoolean(block.allowCustom, settingField(name, 'allowCustom')) ?? false;
  return { values, defaults, delimiter, allowCustom };
}

function normalizeDate(name: string, block: Json): DateOptionSchema {
  // An empty format means the default format (as in Furiko); keep one spelling of it.
  const format = optionalString(block.format, settingField(name, 'format')) || undefined;
  if (format !== undefined) {
    const compiled = compileDateFormat(format);
    if (compiled instanceof DateFormatProblem) {
      throw new BatchValidationError(settingField(name, 'format'), format, compiled.problem,
        'Use moment.js tokens (YYYY MM DD HH mm ss Z ...) and wrap literal text in [brackets].');
    }
  }
  return { format };
}

function normalizeInt(name: string, block: Json): IntOptionSchema {
  const defaultValue = optionalInteger(block.default, settingField(name, 'default'));
  const min = optionalInteger(block.min, settingField(name, 'min'));
  const max = optionalInteger(block.max, settingField(name, 'max'));
  if (min !== undefined && max !== undefined && min > max) {
    throw new BatchValidationError(settingField(name, 'min'), String(min), `is greater than max ${max}`, 'Swap min and max, or correct one of them.');
  }
  if (defaultValue !== undefined) {
    const problem = boundsProblem(defaultValue, min, max);
    if (problem) {
      throw new BatchValidationError(settingField(name, 'default'), String(defaultValue), problem, 'Move the default inside the bounds, or widen them.');
    }
  }
  return { default: defaultValue, min, max };
}

/** Why an integer falls outside optional bounds, or undefined. */
export function boundsProblem(value: number, min: number | undefined, max: number | undefined): string | undefined {
  if (min !== undefined && value < min) {
    return `is less than the minimum ${min}`;
  }
  if (max !== undefined && value > max) {
    return `is greater than the maximum ${max}`;
  }
  return undefined;
}
