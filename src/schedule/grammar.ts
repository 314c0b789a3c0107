import { BatchValidationError } from '../errors';
import { CronField } from './cron-field';
import { FIELD_SPECS, FieldSpec, fieldLabel, fieldSize } from './fields';
import { MONTH_NAMES, WEEKDAY_NAMES } from '../time';

/**
 * The cron grammar of DESIGN §4: Kubernetes' (robfig/cron `ParseStandard`)
 * five fields, plus weekday 7, hashed `H` forms and hashed macros, minus
 * everything Kubernetes would reject or silently misread.
 */

/** How a bare macro such as `@daily` is read. */
export enum MacroStyle {
  /** Kubernetes' meaning: `@daily` is `0 0 * * *`. */
  PLAIN = 'plain',
  /** Jenkins' meaning: `@daily` is `H H * * *`. */
  HASHED = 'hashed',
}

/** `*` or `?`, with an optional step (`*` alone has step 1). */
export interface AnyToken {
  readonly kind: 'any';
  readonly text: string;
  readonly step: number;
}

/** `N`, `N-M`, `N-M/S` or `N/S` (which means `N-max/S`); `end` may be 7 in day-of-week. */
export interface ValuesToken {
  readonly kind: 'values';
  readonly text: string;
  readonly start: number;
  readonly end: number;
  readonly step: number;
}

/** `H`, `H(a-b)`, `H/n` or `H(a-b)/n`. */
export interface HashToken {
  readonly kind: 'hash';
  readonly text: string;
  readonly range?: { readonly lo: number; readonly hi: number };
  readonly step?: number;
}

export type CronToken = AnyToken | ValuesToken | HashToken;

export interface ParsedField {
  readonly spec: FieldSpec;
  /** The field as written (after macro expansion). */
  readonly text: string;
  readonly tokens: readonly CronToken[];
}

export interface ParsedCron {
  /** The expression as the user wrote it. */
  readonly source: string;
  /** The five fields joined by single spaces, macros expanded, `H` still in place. */
  readonly expanded: string;
  /** minute, hour, day-of-month, month, day-of-week. */
  readonly fields: readonly ParsedField[];
  readonly hasHash: boolean;
}

export interface ParseOptions {
  /** Whether `H` tokens are accepted (they are not in an already resolved expression). */
  readonly allowHash: boolean;
  readonly macroStyle: MacroStyle;
}

const SCHEDULE = 'schedule';
const FIVE_FIELDS = 'minute hour day-of-month month day-of-week';

const PLAIN_MACROS: ReadonlyMap<string, string> = new Map([
  ['@yearly', '0 0 1 1 *'],
  ['@annually', '0 0 1 1 *'],
  ['@monthly', '0 0 1 * *'],
  ['@weekly', '0 0 * * 0'],
  ['@daily', '0 0 * * *'],
  ['@midnight', '0 0 * * *'],
  ['@hourly', '0 * * * *'],
]);

// Jenkins' aliases (CrontabParser.g4): the same macros with every fixed value hashed.
const HASHED_MACROS: ReadonlyMap<string, string> = new Map([
  ['@yearly', 'H H H H *'],
  ['@annually', 'H H H H *'],
  ['@monthly', 'H H H * *'],
  ['@weekly', 'H H * * H'],
  ['@daily', 'H H * * *'],
  ['@midnight', 'H H(0-2) * * *'],
  ['@hourly', 'H * * * *'],
]);

/**
 * Parses and validates an expression or macro; throws BatchValidationError naming the field, the
 * token and the fix. A fleet repeats a few expressions (`H H * * *` in every workload, the same
 * resolved schedules in the CLI's run searches), so valid ones are parsed once per process: the
 * result is immutable and shared. Rejections are not kept (each throws anew).
 */
export function parseCron(expression: string, options: ParseOptions): ParsedCron {
  const key = `${options.allowHash ? 'H' : '-'}${options.macroStyle}\u0000${expression}`;
  let parsed = parsedCache.get(key);
  if (parsed === undefined) {
    parsed = parseUncached(expression, options);
    if (parsedCache.size >= PARSED_CACHE_LIMIT) {
      parsedCache.clear(); // a bound for long-lived processes fed many distinct expressions
    }
    parsedCache.set(key, parsed);
  }
  return parsed;
}

const PARSED_CACHE_LIMIT = 10_000;
const parsedCache = new Map<string, ParsedCron>();

function parseUncached(expression: string, options: ParseOptions): ParsedCron {
  const trimmed = expression.trim();
  if (trimmed === '') {
    throw new BatchValidationError(SCHEDULE, expression, 'is empty',
      `Write 5 fields (${FIVE_FIELDS}), e.g. "0 3 * * *", or a macro such as @daily.`);
  }
  const words = trimmed.split(/\s+/);
  rejectTimeZonePrefix(words[0]);
  const fieldTexts = words[0].startsWith('@') ? expandMacro(words, options.macroStyle) : words;
  if (fieldTexts.length !== 5) {
    throw fieldCountError(expression, fieldTexts.length);
  }
  const fields = FIELD_SPECS.map((spec, i) => parseField(spec, fieldTexts[i], options.allowHash));
  return {
    source: expression,
    expanded: fieldTexts.join(' '),
    fields,
    hasHash: fields.some(f => f.tokens.some(t => t.kind === 'hash')),
  };
}

/** Whether the field carries robfig's "star bit": a `*` or `?` item with no step or step 1. */
export function hasStarBit(field: ParsedField): boolean {
  return field.tokens.some(t => t.kind === 'any' && t.step === 1);
}

/** The values a non-hashed token stands for, ascending, with weekday 7 folded into 0. */
export function plainTokenValues(token: AnyToken | ValuesToken, spec: FieldSpec): number[] {
  const start = token.kind === 'any' ? spec.min : token.start;
  const end = token.kind === 'any' ? spec.max : token.end;
  const values = new Set<number>();
  for (let v = start; v <= end; v += token.step) {
    values.add(spec.sevenIsSunday && v === 7 ? 0 : v);
  }
  return [...values].sort((a, b) => a - b);
}

function rejectTimeZonePrefix(firstWord: string): void {
  const prefix = /^(CRON_TZ|TZ)=/i.exec(firstWord);
  if (prefix) {
    throw new BatchValidationError(SCHEDULE, firstWord, 'sets the time zone inside the schedule',
      `Remove the ${prefix[0]} prefix and set the timeZone prop instead (e.g. TimeZone.of('Europe/Berlin')); Kubernetes rejects TZ in spec.schedule.`);
  }
}

function expandMacro(words: string[], style: MacroStyle): string[] {
  const macro = words[0].toLowerCase();
  if (macro === '@reboot') {
    throw new BatchValidationError(SCHEDULE, words[0], '@reboot is not supported: a CronJob has no boot to run at',
      'Use a time-based schedule such as @daily, or create a one-off Job.');
  }
  if (macro === '@every') {
    throw new BatchValidationError(SCHEDULE, words.join(' '), '@every intervals are not supported',
      'Write the interval as a cron step, e.g. "*/15 * * * *" for every 15 minutes.');
  }
  const expansion = (style === MacroStyle.HASHED ? HASHED_MACROS : PLAIN_MACROS).get(macro);
  if (expansion === undefined) {
    throw new BatchValidationError(SCHEDULE, words[0], `${words[0]} is not a known macro`,
      'Use one of @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly.');
  }
  if (words.length > 1) {
    throw new BatchValidationError(SCHEDULE, words.join(' '), 'a macro stands alone',
      `Remove the text after ${words[0]}.`);
  }
  return expansion.split(' ');
}

function fieldCountError(expression: string, count: number): BatchValidationError {
  if (count === 6 || count === 7) {
    return new BatchValidationError(SCHEDULE, expression, `has ${count} fields; seconds and year fields are not supported`,
      `Write exactly 5 fields: ${FIVE_FIELDS} (Kubernetes schedules to the minute).`);
  }
  return new BatchValidationError(SCHEDULE, expression, `has ${count} field${count === 1 ? '' : 's'}, expected 5`,
    `Write exactly 5 fields: ${FIVE_FIELDS}, e.g. "0 3 * * *".`);
}

function parseField(spec: FieldSpec, text: string, allowHash: boolean): ParsedField {
  const tokens = text.split(',').map(item => {
    if (item === '') {
      throw new BatchValidationError(fieldLabel(spec), text, 'has an empty list item', 'Remove the extra comma.');
    }
    return parseItem(spec, item, allowHash);
  });
  return { spec, text, tokens };
}

function parseItem(spec: FieldSpec, item: string, allowHash: boolean): CronToken {
  if (item.includes('#')) {
    throw fieldError(spec, item, '# (nth weekday of the month) is not supported by Kubernetes',
      'Run on that weekday and let the job skip the other weeks; "1-7" in day-of-month would not help, because Kubernetes ORs day-of-month and day-of-week.');
  }
  if (/^H($|[(/])/i.test(item)) {
    return parseHashItem(spec, item, allowHash);
  }
  const any = /^[*?](?:\/(.*))?$/.exec(item);
  if (any) {
    return { kind: 'any', text: item, step: any[1] === undefined ? 1 : parseStep(spec, item, any[1]) };
  }
  const values = /^([A-Za-z0-9]+)(?:-([A-Za-z0-9]+))?(?:\/(.*))?$/.exec(item);
  if (!values) {
    throw quartzFeatureError(spec, item) ?? malformedItemError(spec, item, allowHash);
  }
  return parseValuesItem(spec, item, values[1], values[2], values[3]);
}

function parseValuesItem(spec: FieldSpec, item: string, lowText: string, highText: string | undefined, stepText: string | undefined): ValuesToken {
  const start = parseValue(spec, item, lowText);
  // `N/S` means `N-max/S` (robfig), so it never wraps.
  let end = highText !== undefined ? parseValue(spec, item, highText) : stepText !== undefined ? spec.max : start;
  const step = stepText === undefined ? 1 : parseStep(spec, item, stepText);
  if (spec.sevenIsSunday && start === 7) {
    if (end !== 7) {
      throw fieldError(spec, item, '7 (Sunday) can only end a range',
        `Use 0 for Sunday at the start of a range, e.g. "${item.replace(/^7/, '0')}".`);
    }
    end = 7;
  }
  if (start > end) {
    throw fieldError(spec, item, `range ${lowText}-${highText ?? spec.max} wraps around (${start} comes after ${end})`,
      `Kubernetes does not wrap ranges; write two ranges instead, e.g. "${splitWrappedRange(spec, lowText, highText ?? String(spec.max), start, end)}".`);
  }
  return { kind: 'values', text: item, start, end, step };
}

function parseHashItem(spec: FieldSpec, item: string, allowHash: boolean): HashToken {
  if (!allowHash) {
    throw fieldError(spec, item, 'H is not allowed in a resolved expression',
      'Resolve the schedule with a seed first, e.g. Schedule.hashed("H H * * *").resolve("default/my-job").');
  }
  const match = /^H(?:\(([A-Za-z0-9]+)-([A-Za-z0-9]+)\))?(?:\/(.*))?$/i.exec(item);
  if (!match) {
    throw fieldError(spec, item, `${item} is not a valid H form`, 'Write H, H(a-b), H/n or H(a-b)/n, e.g. "H(0-29)/10".');
  }
  const [, loText, hiText, stepText] = match;
  const range = loText === undefined ? undefined : parseHashRange(spec, item, loText, hiText);
  const step = stepText === undefined ? undefined : parseStep(spec, item, stepText);
  if (range && step !== undefined && step > range.hi - range.lo + 1) {
    const size = range.hi - range.lo + 1;
    throw fieldError(spec, item, `step ${step} is larger than the H range ${loText}-${hiText} (${size} value${size === 1 ? '' : 's'})`,
      `Use a step from 1 to ${size}, or widen the range.`);
  }
  return { kind: 'hash', text: item, range, step };
}

function parseHashRange(spec: FieldSpec, item: string, loText: string, hiText: string): { lo: number; hi: number } {
  const lo = parseNumberOrName(spec, item, loText);
  const hi = parseNumberOrName(spec, item, hiText);
  if (lo < spec.min || hi > spec.max || hi < spec.min || lo > spec.max) {
    throw fieldError(spec, item, `H range ${loText}-${hiText} reaches outside ${spec.min}-${spec.max}`,
      `Keep both bounds within ${spec.min}-${spec.max}${spec.sevenIsSunday ? ' (use 0 for Sunday)' : ''}.`);
  }
  if (lo > hi) {
    // Swapping the bounds would pick from the complement of the intended range, so say so.
    throw fieldError(spec, item, `H range ${loText}-${hiText} is reversed`,
      `H ranges cannot wrap around; write the lower bound first ("H(${hiText}-${loText})" picks from ${hiText} to ${loText}), or narrow the range so it does not wrap.`);
  }
  return { lo, hi };
}

function parseStep(spec: FieldSpec, item: string, stepText: string): number {
  const size = fieldSize(spec);
  if (!/^\d+$/.test(stepText)) {
    throw fieldError(spec, item, `step "${stepText}" is not a whole number`, `Use a step from 1 to ${size}.`);
  }
  const step = Number(stepText);
  if (step === 0) {
    throw fieldError(spec, item, 'step 0 never advances', `Use a step from 1 to ${size}.`);
  }
  if (step > size) {
    throw fieldError(spec, item, `step ${step} is larger than the field's ${size} values`, `Use a step from 1 to ${size}.`);
  }
  return step;
}

/** A plain value: a number or a three-letter name, range-checked (day-of-week also takes 7). */
function parseValue(spec: FieldSpec, item: string, text: string): number {
  const value = parseNumberOrName(spec, item, text);
  const max = spec.sevenIsSunday ? 7 : spec.max;
  if (value < spec.min) {
    throw fieldError(spec, item, `${text} is below the minimum ${spec.min}`, rangeFix(spec));
  }
  if (value > max) {
    throw fieldError(spec, item, `${text} is above the maximum ${max}`, rangeFix(spec));
  }
  return value;
}

function parseNumberOrName(spec: FieldSpec, item: string, text: string): number {
  if (/^\d+$/.test(text)) {
    return Number(text);
  }
  const named = spec.names.get(text.toLowerCase());
  if (named !== undefined) {
    return named;
  }
  throw quartzFeatureError(spec, item) ?? unknownNameError(spec, item, text);
}

function unknownNameError(spec: FieldSpec, item: string, text: string): BatchValidationError {
  if (spec.names.size === 0) {
    return fieldError(spec, item, `${text} is not a number`, rangeFix(spec));
  }
  const abbreviation = text.slice(0, 3).toLowerCase();
  const isFullName = [...MONTH_NAMES, ...WEEKDAY_NAMES].some(n => n.toLowerCase() === text.toLowerCase());
  if (isFullName && spec.names.has(abbreviation)) {
    return fieldError(spec, item, `${text} is not a ${spec.field} name`, `Use the three-letter name ${abbreviation.toUpperCase()}.`);
  }
  return fieldError(spec, item, `${text} is not a ${spec.field} name`, rangeFix(spec));
}

/** Quartz/Vixie extensions that Kubernetes' parser does not have: L, W (and # above). */
function quartzFeatureError(spec: FieldSpec, item: string): BatchValidationError | undefined {
  if (/^L(W|-\d+)?$/i.test(item) || /^(\d+|[A-Za-z]{3})L$/i.test(item)) {
    return fieldError(spec, item, 'L (last day) is not supported by Kubernetes',
      'Kubernetes cron has no "last day" syntax; use a fixed day (e.g. 28) or run daily and let the job check the date.');
  }
  if (/^\d+W$/i.test(item)) {
    return fieldError(spec, item, 'W (nearest weekday) is not supported by Kubernetes',
      'Use a fixed day-of-month, or restrict day-of-week (e.g. MON-FRI) and let the job check the date.');
  }
  return undefined;
}

function malformedItemError(spec: FieldSpec, item: string, allowHash: boolean): BatchValidationError {
  const forms = allowHash ? '*, N, N-M, */S, N-M/S, N/S or an H form (H, H(a-b), H/n, H(a-b)/n)' : '*, N, N-M, */S, N-M/S or N/S';
  return fieldError(spec, item, `${item} is not a valid ${spec.field} entry`, `Write ${forms}, or a comma-separated list of them.`);
}

function rangeFix(spec: FieldSpec): string {
  switch (spec.field) {
    case CronField.MONTH:
      return 'Use a month from 1 to 12 or JAN-DEC.';
    case CronField.DAY_OF_WEEK:
      return 'Use a day-of-week from 0 to 6 or SUN-SAT (7 is also Sunday).';
    default:
      return `Use ${spec.field === CronField.HOUR ? 'an' : 'a'} ${spec.field} from ${spec.min} to ${spec.max}.`;
  }
}

/** `FRI-MON` becomes `FRI-SAT,SUN-MON`; `22-2` becomes `22-23,0-2`, in the user's own notation. */
function splitWrappedRange(spec: FieldSpec, lowText: string, highText: string, start: number, end: number): string {
  const useNames = /^[A-Za-z]/.test(lowText) && /^[A-Za-z]/.test(highText);
  const show = (value: number) => useNames ? nameOf(spec, value) : String(value);
  const first = start === spec.max ? lowText : `${lowText}-${show(spec.max)}`;
  const second = end === spec.min ? highText : `${show(spec.min)}-${highText}`;
  return `${first},${second}`;
}

function nameOf(spec: FieldSpec, value: number): string {
  for (const [name, v] of spec.names) {
    if (v === value) {
      return name.toUpperCase();
    }
  }
  return String(value);
}

function fieldError(spec: FieldSpec, item: string, problem: string, fix: string): BatchValidationError {
  return new BatchValidationError(fieldLabel(spec), item, problem, fix);
}
