/**
 * Moment.js-style formatting for Date options (parsed with src/time's RFC 3339 grammar).
 *
 * Furiko formats Date options with moment.js tokens (through goment), so the
 * same token language lets a Furiko JobConfig's formats carry over unchanged.
 * We implement a documented subset and, unlike moment.js, reject letters that
 * are not tokens, because `yyyy-MM-dd` (Java style) silently prints garbage
 * in moment.js.
 *
 * Times stay in the offset they were written in: `2026-03-08T01:30:00+09:00`
 * formats as `2026-03-08T01:30:00+09:00`, not as UTC. Parsing is src/time's one
 * RFC 3339 grammar; calendar arithmetic and names come from src/time too.
 */
import { dayOfYear as dayOfYearOf, instantOf, MONTH_NAMES, OffsetDateTime, WEEKDAY_NAMES, weekdayOf } from '../time';

/** The format used when an option sets none: RFC 3339 in the input's offset. */
export const DEFAULT_DATE_FORMAT = 'YYYY-MM-DDTHH:mm:ssZ';

function pad(value: number, width: number): string {
  const digits = String(Math.abs(value)).padStart(width, '0');
  return value < 0 ? `-${digits}` : digits;
}

function weekday(t: OffsetDateTime): number {
  return weekdayOf(t.year, t.month, t.day);
}

function dayOfYear(t: OffsetDateTime): number {
  return dayOfYearOf(t.year, t.month, t.day);
}

function unixMilliseconds(t: OffsetDateTime): number {
  return instantOf(t);
}

function ordinal(n: number): string {
  const lastTwo = n % 100;
  if (lastTwo >= 11 && lastTwo <= 13) {
    return `${n}th`;
  }
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

function offset(t: OffsetDateTime, separator: string): string {
  const sign = t.offsetMinutes < 0 ? '-' : '+';
  const total = Math.abs(t.offsetMinutes);
  return `${sign}${pad(Math.floor(total / 60), 2)}${separator}${pad(total % 60, 2)}`;
}

function hour12(t: OffsetDateTime): number {
  return t.hour % 12 === 0 ? 12 : t.hour % 12;
}

/** The supported moment.js tokens; longer tokens first, so that matching is greedy like moment.js. */
const TOKENS: ReadonlyArray<readonly [string, (t: OffsetDateTime) => string]> = [
  ['YYYY', (t) => pad(t.year, 4)],
  ['MMMM', (t) => MONTH_NAMES[t.month - 1]],
  ['DDDD', (t) => pad(dayOfYear(t), 3)],
  ['dddd', (t) => WEEKDAY_NAMES[weekday(t)]],
  ['MMM', (t) => MONTH_NAMES[t.month - 1].slice(0, 3)],
  ['DDD', (t) => String(dayOfYear(t))],
  ['ddd', (t) => WEEKDAY_NAMES[weekday(t)].slice(0, 3)],
  ['SSS', (t) => pad(t.millisecond, 3)],
  ['YY', (t) => pad(t.year % 100, 2)],
  ['MM', (t) => pad(t.month, 2)],
  ['Do', (t) => ordinal(t.day)],
  ['DD', (t) => pad(t.day, 2)],
  ['dd', (t) => WEEKDAY_NAMES[weekday(t)].slice(0, 2)],
  ['HH', (t) => pad(t.hour, 2)],
  ['hh', (t) => pad(hour12(t), 2)],
  ['mm', (t) => pad(t.minute, 2)],
  ['ss', (t) => pad(t.second, 2)],
  ['SS', (t) => pad(Math.floor(t.millisecond / 10), 2)],
  ['ZZ', (t) => offset(t, '')],
  ['Q', (t) => String(Math.ceil(t.month / 3))],
  ['M', (t) => String(t.month)],
  ['D', (t) => String(t.day)],
  ['d', (t) => String(weekday(t))],
  ['E', (t) => String(weekday(t) === 0 ? 7 : weekday(t))],
  ['H', (t) => String(t.hour)],
  ['h', (t) => String(hour12(t))],
  ['m', (t) => String(t.minute)],
  ['s', (t) => String(t.second)],
  ['S', (t) => String(Math.floor(t.millisecond / 100))],
  ['A', (t) => (t.hour < 12 ? 'AM' : 'PM')],
  ['a', (t) => (t.hour < 12 ? 'am' : 'pm')],
  ['Z', (t) => offset(t, ':')],
  ['X', (t) => String(Math.floor(unixMilliseconds(t) / 1000))],
  ['x', (t) => String(unixMilliseconds(t))],
];

/** Letters that may appear literally outside brackets: `T` as in `YYYY-MM-DDTHH:mm`, which moment.js also passes through. */
const LITERAL_LETTERS = new Set(['T']);

/** One piece of a compiled format: literal text, or a token's renderer. */
type FormatPart = string | ((t: OffsetDateTime) => string);

/** A format that failed to compile, with the offending piece. */
export class DateFormatProblem {
  constructor(public readonly problem: string) {}
}

/**
 * Splits a moment.js format into literal text and token renderers.
 * Returns a problem for unknown letters or an unclosed `[`.
 */
export function compileDateFormat(format: string): FormatPart[] | DateFormatProblem {
  const parts: FormatPart[] = [];
  let i = 0;
  while (i < format.length) {
    const char = format[i];
    if (char === '[') {
      const close = format.indexOf(']', i + 1);
      if (close < 0) {
        return new DateFormatProblem(`opens a literal "[" at position ${i} without closing it`);
      }
      parts.push(format.slice(i + 1, close));
      i = close + 1;
      continue;
    }
    const token = TOKENS.find(([name]) => format.startsWith(name, i));
    if (token) {
      parts.push(token[1]);
      i += token[0].length;
      continue;
    }
    if (/[A-Za-z]/.test(char) && !LITERAL_LETTERS.has(char)) {
      const run = /^([A-Za-z])\1*/.exec(format.slice(i))![0];
      return new DateFormatProblem(`holds "${run}", which is not a supported token`);
    }
    parts.push(char);
    i += 1;
  }
  return parts;
}

export function formatTimestamp(time: OffsetDateTime, parts: FormatPart[]): string {
  return parts.map((part) => (typeof part === 'string' ? part : part(time))).join('');
}
