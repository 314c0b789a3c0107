import { CronField } from './cron-field';
import { FieldSpec } from './fields';
import { MONTH_NAMES, WEEKDAY_NAMES } from '../time';
import { CronToken, hasStarBit, MacroStyle, parseCron, ParsedField, plainTokenValues } from './grammar';
import { HashExplanation } from './hash-explanation';
import { assertCanFire, explainParsedHash, joinWords } from './resolve';

/**
 * A plain-English reading of a resolved (`H`-free) expression that follows
 * Kubernetes' rules, e.g. "At 07:36", "At every 15th minute", or "At 00:00 on
 * every 2nd day-of-month or on Monday": robfig ORs the day fields when both
 * are restricted, which generic cron explainers get wrong.
 */
export function explainSchedule(resolvedExpression: string): string {
  const parsed = parseCron(resolvedExpression, { allowHash: false, macroStyle: MacroStyle.PLAIN });
  const [minute, hour, dayOfMonth, month, dayOfWeek] = parsed.fields;
  return `At ${timePhrase(minute, hour)}${dayPhrase(dayOfMonth, dayOfWeek)}${monthPhrase(month)}`;
}

/**
 * Explains, per field, how `expression` (read like `Schedule.cron`, so a macro
 * is plain) resolves with `seed`: the hashed string, its signed value and the
 * emitted field.
 */
export function explainHash(expression: string, seed: string): HashExplanation {
  const parsed = parseCron(expression, { allowHash: true, macroStyle: MacroStyle.PLAIN });
  assertCanFire(parsed);
  return explainParsedHash(parsed, seed);
}

// Up to this many run times a day are spelled out as clock times ("At 09:00 and 17:30").
const MAX_CLOCK_TIMES = 6;

function timePhrase(minute: ParsedField, hour: ParsedField): string {
  if (isEvery(minute) && isEvery(hour)) {
    return 'every minute';
  }
  const minutes = singleValues(minute);
  const hours = singleValues(hour);
  if (minutes && hours && minutes.length * hours.length <= MAX_CLOCK_TIMES) {
    const times = hours.sort((a, b) => a - b).flatMap(h => [...minutes].sort((a, b) => a - b).map(m => `${pad(h)}:${pad(m)}`));
    return joinWords(times, 'and');
  }
  const minutePart = isEvery(minute) ? 'every minute' : fieldPhrase(minute);
  return isEvery(hour) ? minutePart : `${minutePart} past ${fieldPhrase(hour)}`;
}

function dayPhrase(dayOfMonth: ParsedField, dayOfWeek: ParsedField): string {
  const domRestricted = !hasStarBit(dayOfMonth);
  const dowRestricted = !hasStarBit(dayOfWeek);
  if (domRestricted && dowRestricted) {
    return ` on ${fieldPhrase(dayOfMonth)} or on ${fieldPhrase(dayOfWeek)}`;
  }
  if (domRestricted) {
    return ` on ${fieldPhrase(dayOfMonth)}`;
  }
  return dowRestricted ? ` on ${fieldPhrase(dayOfWeek)}` : '';
}

function monthPhrase(month: ParsedField): string {
  return isEvery(month) ? '' : ` in ${fieldPhrase(month)}`;
}

/** `*` or `?` anywhere in the list (without a step above 1) makes the whole field unrestricted. */
function isEvery(field: ParsedField): boolean {
  return hasStarBit(field);
}

/** The values if every item is a single value, in the order written. */
function singleValues(field: ParsedField): number[] | undefined {
  const values: number[] = [];
  for (const token of field.tokens) {
    const single = singleValue(token, field.spec);
    if (single === undefined) {
      return undefined;
    }
    values.push(single);
  }
  return [...new Set(values)];
}

function singleValue(token: CronToken, spec: FieldSpec): number | undefined {
  if (token.kind === 'hash') {
    throw new Error('internal: explainSchedule received an H token');
  }
  const values = plainTokenValues(token, spec);
  return values.length === 1 ? values[0] : undefined;
}

/** A noun phrase for a restricted field: "minute 0 and 30", "every 2nd day-of-month", "Monday through Friday"... */
function fieldPhrase(field: ParsedField): string {
  const singles = singleValues(field);
  if (singles) {
    return singlesPhrase(field.spec, singles);
  }
  return joinWords(field.tokens.map(token => tokenPhrase(field.spec, token)), 'and');
}

function tokenPhrase(spec: FieldSpec, token: CronToken): string {
  if (token.kind === 'hash') {
    throw new Error('internal: explainSchedule received an H token');
  }
  const single = singleValue(token, spec);
  if (single !== undefined) {
    return singlesPhrase(spec, [single]);
  }
  const noun = nounOf(spec);
  if (token.kind === 'any') {
    return token.step === 1 ? `every ${noun}` : `every ${ordinal(token.step)} ${noun}`;
  }
  const bounds = `from ${valueName(spec, token.start)} through ${valueName(spec, token.end)}`;
  return token.step === 1 ? `every ${noun} ${bounds}` : `every ${ordinal(token.step)} ${noun} ${bounds}`;
}

function singlesPhrase(spec: FieldSpec, values: number[]): string {
  const names = joinWords(values.map(v => valueName(spec, v)), 'and');
  return spec.names.size > 0 ? names : `${nounOf(spec)} ${names}`;
}

function nounOf(spec: FieldSpec): string {
  return spec.field;
}

function valueName(spec: FieldSpec, value: number): string {
  switch (spec.field) {
    case CronField.MONTH:
      return MONTH_NAMES[value - 1];
    case CronField.DAY_OF_WEEK:
      return WEEKDAY_NAMES[value % 7];
    default:
      return String(value);
  }
}

function ordinal(n: number): string {
  const lastTwo = n % 100;
  if (lastTwo >= 11 && lastTwo <= 13) {
    return `${n}th`;
  }
  switch (n % 10) {
    case 1: return `${n}st`;
    case 2: return `${n}nd`;
    case 3: return `${n}rd`;
    default: return `${n}th`;
  }
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
