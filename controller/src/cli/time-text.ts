/**
 * Reading times from flags and writing them for people, in a workload's own zone. Wall-clock
 * fields come from the core's ZoneClock, the same arithmetic the next-run calculation uses,
 * so what is printed is what was computed.
 */
import { UsageError } from './errors';
import {
  CivilDate, formatRfc3339Seconds, isRealDate, MS_PER_MINUTE, parseRfc3339Instant, WEEKDAY_ABBREVIATIONS, weekdayOf as weekdayNumberOf, ZoneClock,
} from '../../../src/time';

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A day in the calendar, without a zone. */
export type CalendarDate = CivilDate;

/**
 * The instant an RFC 3339 flag value names (the core's one grammar, src/time/rfc3339.ts: seconds
 * and an offset required, T or a space); `flag` is named in the error.
 */
export function parseRfc3339(flag: string, value: string): Date {
  const instant = parseRfc3339Instant(value);
  if (instant === undefined) {
    throw new UsageError(`${flag}: is not an RFC 3339 time with a zone offset (got "${value}"). `
      + 'Write e.g. 2026-03-07T12:00:00Z or 2026-03-07T13:00:00+01:00.');
  }
  return new Date(instant);
}

/** A `YYYY-MM-DD` flag value that names a real day. */
export function parseCalendarDate(flag: string, value: string): CalendarDate {
  const match = CALENDAR_DATE.exec(value);
  const date = match ? { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) } : undefined;
  if (!date || !isRealDate(date.year, date.month, date.day)) {
    throw new UsageError(`${flag}: is not a calendar day written YYYY-MM-DD (got "${value}"). Write e.g. 2026-03-08.`);
  }
  return date;
}

/** The calendar day `instant` falls on in `zone`. */
export function calendarDateIn(instant: Date, zone: string): CalendarDate {
  const w = new ZoneClock(zone).wall(instant.getTime());
  return { year: w.year, month: w.month, day: w.day };
}

/** `2026-03-08` */
export function formatCalendarDate({ year, month, day }: CalendarDate): string {
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** `Sun` for a calendar day (the zone does not matter for a date). */
export function weekdayOf({ year, month, day }: CalendarDate): string {
  return WEEKDAY_ABBREVIATIONS[weekdayNumberOf(year, month, day)];
}

/**
 * `Mon 2026-03-09 02:30 -04:00`: the wall clock in `zone` and its offset from UTC, which says
 * unambiguously which of two 01:30s on a fall-back day is meant.
 */
export function formatWallTime(instant: Date, zone: string): string {
  const clock = new ZoneClock(zone);
  const t = instant.getTime();
  const w = clock.wall(t);
  return `${WEEKDAY_ABBREVIATIONS[w.weekday]} ${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)} ${formatOffset(clock.offsetAt(t))}`;
}

/** RFC 3339 in the zone's local time: `2026-03-09T02:30:00-04:00`. */
export function formatRfc3339In(instant: Date, zone: string): string {
  const clock = new ZoneClock(zone);
  const t = instant.getTime();
  const w = clock.wall(t);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${formatOffset(clock.offsetAt(t))}`;
}

/** `2026-03-07T12:00:00Z`: an instant in UTC without milliseconds, for headers. */
export function formatUtc(instant: Date): string {
  return formatRfc3339Seconds(instant.getTime());
}

/** `02:30`: the wall clock in `zone`. */
export function formatClockTime(instant: Date, zone: string): string {
  const w = new ZoneClock(zone).wall(instant.getTime());
  return `${pad(w.hour)}:${pad(w.minute)}`;
}

/** `-04:00`: how far `zone`'s clocks are from UTC at `instant`. */
export function formatOffsetAt(instant: Date, zone: string): string {
  return formatOffset(new ZoneClock(zone).offsetAt(instant.getTime()));
}

function formatOffset(offsetMs: number): string {
  const minutes = Math.round(offsetMs / MS_PER_MINUTE);
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}
