/**
 * RFC 3339 parsing and moment.js-style formatting for Date options.
 *
 * Furiko formats Date options with moment.js tokens (through goment), so the
 * same token language lets a Furiko JobConfig's formats carry over unchanged.
 * We implement a documented subset and, unlike moment.js, reject letters that
 * are not tokens, because `yyyy-MM-dd` (Java style) silently prints garbage
 * in moment.js.
 *
 * Times stay in the offset they were written in: `2026-03-08T01:30:00+09:00`
 * formats as `2026-03-08T01:30:00+09:00`, not as UTC.
 */

/** A timestamp as written: wall-clock fields in its own offset. */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  /** Minutes east of UTC. */
  readonly offsetMinutes: number;
}

/** The format used when an option sets none: RFC 3339 in the input's offset. */
export const DEFAULT_DATE_FORMAT = 'YYYY-MM-DDTHH:mm:ssZ';

/** Full date, full time and a numeric or `Z` offset; Go's `time.RFC3339` accepts the same (T or t). */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Why a string is not a usable RFC 3339 timestamp, or the parsed time. */
export type ParsedTime = { readonly time: WallTime } | { readonly problem: string };

export function parseRfc3339(text: string): ParsedTime {
  const match = RFC3339.exec(text);
  if (!match) {
    return { problem: 'is not an RFC 3339 timestamp with date, time and offset' };
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const millisecond = match[7] ? Number(match[7].slice(1, 4).padEnd(3, '0')) : 0;
  const offsetMinutes = parseOffset(match[8]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
    return { problem: 'is not a real calendar date' };
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return { problem: 'is not a real time of day' };
  }
  if (offsetMinutes === undefined) {
    return { problem: 'has an offset outside -23:59..+23:59' };
  }
  return { time: { year, month, day, hour, minute, second, millisecond, offsetMinutes } };
}

function parseOffset(text: string): number | undefined {
  if (text === 'Z' || text === 'z') {
    return 0;
  }
  const hours = Number(text.slice(1, 3));
  const minutes = Number(text.slice(4, 6));
  if (hours > 23 || minutes > 59) {
    return undefined;
  }
  return (text[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  const lengths = [31, isLeapYear(year) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  return lengths[month - 1];
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date. Computed by hand
 * because `Date.UTC` maps years 0-99 to 1900-1999.
 */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = (month + 9) % 12;
  const dayOfMarchYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfMarchYear;
  return era * 146097 + dayOfEra - 719468;
}

const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function pad(value: number, width: number): string {
  const digits = String(Math.abs(value)).padStart(width, '0');
  return value < 0 ? `-${digits}` : digits;
}

function weekday(t: WallTime): number {
  // 1970-01-01 was a Thursday (4).
  return (((daysSinceEpoch(t.year, t.month, t.day) + 4) % 7) + 7) % 7;
}

function dayOfYear(t: WallTime): number {
  return daysSinceEpoch(t.year, t.month, t.day) - daysSinceEpoch(t.year, 1, 1) + 1;
}

function unixMilliseconds(t: WallTime): number {
  const days = daysSinceEpoch(t.year, t.month, t.day);
  const seconds = days * 86400 + t.hour * 3600 + t.minute * 60 + t.second - t.offsetMinutes * 60;
  return seconds * 1000 + t.millisecond;
}

function ordinal(n: number): string {
  const lastTwo = n % 100;
  if (lastTwo >= 11 && lastTwo <= 13) {
    return `${n}th`;
  }
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

function offset(t: WallTime, separator: string): string {
  const sign = t.offsetMinutes < 0 ? '-' : '+';
  const total = Math.abs(t.offsetMinutes);
  return `${sign}${pad(Math.floor(total / 60), 2)}${separator}${pad(total % 60, 2)}`;
}

function hour12(t: WallTime): number {
  return t.hour % 12 === 0 ? 12 : t.hour % 12;
}

/** The supported moment.js tokens; longer tokens first, so that matching is greedy like moment.js. */
const TOKENS: ReadonlyArray<readonly [string, (t: WallTime) => string]> = [
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
type FormatPart = string | ((t: WallTime) => string);

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

export function formatWallTime(time: WallTime, parts: FormatPart[]): string {
  return parts.map((part) => (typeof part === 'string' ? part : part(time))).join('');
}
