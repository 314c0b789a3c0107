/**
 * Wall-clock arithmetic in an IANA zone with Go's `time` semantics, on top of
 * Intl (Node's full ICU), so the next-run calculation can follow robfig/cron
 * step by step without a date library.
 */

export interface WallTime {
  readonly year: number;
  /** 1-12 */
  readonly month: number;
  /** 1-31 */
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0 (Sunday) - 6 */
  readonly weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

export class ZoneClock {
  private readonly format?: Intl.DateTimeFormat;

  constructor(zone: string) {
    this.format = zone === 'UTC' ? undefined : formatterFor(zone);
  }

  /** Wall time minus UTC at `instant` (ms since the epoch), in ms. */
  public offsetAt(instant: number): number {
    if (!this.format) {
      return 0;
    }
    const parts: Record<string, number> = {};
    for (const part of this.format.formatToParts(new Date(instant))) {
      if (part.type !== 'literal') {
        parts[part.type] = Number(part.value);
      }
    }
    const wall = utcFromFields(parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second);
    return wall - floorTo(instant, 1000);
  }

  /** The wall-clock fields of `instant` in this zone (Go's `t.Date()`, `t.Clock()`, `t.Weekday()`). */
  public wall(instant: number): WallTime {
    const d = new Date(instant + this.offsetAt(instant));
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      weekday: d.getUTCDay(),
    };
  }

  /**
   * Go's `time.Date(year, month, day, hour, minute, second, 0, loc)`: fields
   * may overflow (month 13, day 32); a wall time in a DST gap or overlap gets
   * the offset Go picks (the offset in force at "wall time read as UTC",
   * corrected once if the result falls outside that offset's period).
   */
  public date(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
    const wall = utcFromFields(year, month, day, hour, minute, second);
    const firstGuess = this.offsetAt(wall);
    const offset = this.offsetAt(wall - firstGuess);
    return wall - offset;
  }

  /** Go's `t.AddDate(years, months, days)`: same wall clock, calendar fields added, then normalized by `date`. */
  public addDate(instant: number, years: number, months: number, days: number): number {
    const w = this.wall(instant);
    return this.date(w.year + years, w.month + months, w.day + days, w.hour, w.minute, w.second);
  }
}

/** `floor(value / unit) * unit`, also for negative values (Go's `Truncate` for whole seconds and minutes). */
export function floorTo(value: number, unit: number): number {
  return Math.floor(value / unit) * unit;
}

function formatterFor(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  return format;
}

/** Milliseconds of the given fields read as UTC, normalizing overflow (and safe for years below 100, unlike `Date.UTC`). */
function utcFromFields(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, 0);
  return d.getTime();
}
