/**
 * Proleptic Gregorian calendar arithmetic on plain numbers: the one place the
 * library turns dates into day counts and back. Written by hand because
 * `Date.UTC` maps years 0-99 to 1900-1999 and because counting days on
 * numbers allocates nothing.
 */

export const MS_PER_SECOND = 1000;
export const MS_PER_MINUTE = 60 * MS_PER_SECOND;
export const MS_PER_HOUR = 60 * MS_PER_MINUTE;
export const MS_PER_DAY = 24 * MS_PER_HOUR;

/** A day in the calendar, without a zone. */
export interface CivilDate {
  readonly year: number;
  /** 1-12 */
  readonly month: number;
  /** 1-31 */
  readonly day: number;
}

/** A date and a time of day, without a zone: what a clock and a calendar show. */
export interface DateTimeFields extends CivilDate {
  /** 0-23 */
  readonly hour: number;
  /** 0-59 */
  readonly minute: number;
  /** 0-59 */
  readonly second: number;
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in `month` (1-12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : MONTH_DAYS[month - 1];
}

/** Whether year, month and day name a day that exists (month 1-12, day within the month). */
export function isRealDate(year: number, month: number, day: number): boolean {
  return Number.isInteger(year) && Number.isInteger(month) && Number.isInteger(day)
    && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/**
 * Days since 1970-01-01 of a date (Howard Hinnant's `days_from_civil`). The
 * month may lie outside 1-12 and the day outside the month: both roll over,
 * as Go's `time.Date` does.
 */
export function daysFromCivil(year: number, month: number, day: number): number {
  const monthIndex = month - 1;
  const y0 = year + Math.floor(monthIndex / 12);
  const m = monthIndex - Math.floor(monthIndex / 12) * 12 + 1;
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const marchDay = Math.floor((153 * ((m + 9) % 12) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + marchDay;
  return era * 146097 + dayOfEra - 719468;
}

/** The date `days` after 1970-01-01 (Hinnant's `civil_from_days`). */
export function civilFromDays(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365);
  const marchDay = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * marchDay + 2) / 153);
  const day = marchDay - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** 0 (Sunday) - 6 of the day `days` after 1970-01-01, a Thursday. */
export function weekdayFromDays(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

/** 0 (Sunday) - 6 of a date. */
export function weekdayOf(year: number, month: number, day: number): number {
  return weekdayFromDays(daysFromCivil(year, month, day));
}

/** 1-366: the day's number within its year. */
export function dayOfYear(year: number, month: number, day: number): number {
  return daysFromCivil(year, month, day) - daysFromCivil(year, 1, 1) + 1;
}

/**
 * Milliseconds since the epoch of the given fields read as UTC; every field
 * may overflow and rolls over (month 13, day 32, hour 24), as in Go's
 * `time.Date`.
 */
export function msFromFields(year: number, month: number, day: number, hour: number, minute: number, second: number, millisecond = 0): number {
  return daysFromCivil(year, month, day) * MS_PER_DAY + hour * MS_PER_HOUR + minute * MS_PER_MINUTE + second * MS_PER_SECOND + millisecond;
}

/** `floor(value / unit) * unit`, also for negative values (Go's `Truncate` for whole seconds and minutes). */
export function floorTo(value: number, unit: number): number {
  return Math.floor(value / unit) * unit;
}
