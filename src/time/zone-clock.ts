/**
 * Wall-clock arithmetic in an IANA zone with Go's `time` semantics, so the
 * next-run calculation can follow robfig/cron step by step without a date
 * library. Offsets come from Intl (Node's full ICU), read once per zone and
 * year: the year is sampled every 12 hours and each change of offset is
 * narrowed to its second, after which any instant's offset is a binary search
 * (two changes that cancel out within 12 hours would go unseen; tzdata has
 * none since 1970).
 */
import { civilFromDays, DateTimeFields, floorTo, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND, msFromFields, weekdayFromDays } from './civil';

/** The wall-clock fields of an instant in a zone. */
export interface WallTime extends DateTimeFields {
  /** 0 (Sunday) - 6 */
  readonly weekday: number;
}

/** A change of a zone's offset from UTC. */
export interface Transition {
  /** The first instant (ms) with the new offset. */
  readonly at: number;
  /** Offset (ms) before `at`. */
  readonly before: number;
  /** Offset (ms) from `at`. */
  readonly after: number;
}

/** Offsets over one UTC year: `offsets[0]` from `start`, `offsets[i + 1]` from `at[i]`. */
interface YearTable {
  readonly start: number;
  readonly end: number;
  readonly at: readonly number[];
  readonly offsets: readonly number[];
}

const SAMPLE_STEP = 12 * MS_PER_HOUR;
const tables = new Map<string, Map<number, YearTable>>();
const formatters = new Map<string, Intl.DateTimeFormat>();

export class ZoneClock {
  private readonly zone: string;
  private readonly years?: Map<number, YearTable>;
  private last?: YearTable;

  /** `zone` must be a name Intl knows (see canonicalTimeZoneName). */
  constructor(zone: string) {
    this.zone = zone;
    if (zone !== 'UTC') {
      let years = tables.get(zone);
      if (!years) {
        years = new Map();
        tables.set(zone, years);
      }
      this.years = years;
    }
  }

  /** Wall time minus UTC at `instant` (ms since the epoch), in ms. */
  public offsetAt(instant: number): number {
    if (!this.years) {
      return 0;
    }
    const table = this.tableFor(instant);
    return table.offsets[changesUpTo(table.at, instant)];
  }

  /**
   * Whether the offset stays the same over `[a, b]` (`a <= b`): no change falls in `(a, b]`,
   * so the wall clock moves exactly as UTC does. False also when the span crosses the end
   * of `a`'s UTC year (the caller then steps as if it changed).
   */
  public steadyBetween(a: number, b: number): boolean {
    if (!this.years) {
      return true;
    }
    const table = this.tableFor(a);
    return b < table.end && changesUpTo(table.at, a) === changesUpTo(table.at, b);
  }

  /** The offset changes in `[from, to)`, oldest first. */
  public transitionsBetween(from: number, to: number): Transition[] {
    const found: Transition[] = [];
    if (!this.years) {
      return found;
    }
    for (let year = yearOf(from); year <= yearOf(to); year++) {
      const table = this.table(year);
      table.at.forEach((at, i) => {
        if (at >= from && at < to) {
          found.push({ at, before: table.offsets[i], after: table.offsets[i + 1] });
        }
      });
    }
    return found;
  }

  /** The wall-clock fields of `instant` in this zone (Go's `t.Date()`, `t.Clock()`, `t.Weekday()`). */
  public wall(instant: number): WallTime {
    const local = instant + this.offsetAt(instant);
    const days = Math.floor(local / MS_PER_DAY);
    const date = civilFromDays(days);
    const ms = local - days * MS_PER_DAY;
    return {
      year: date.year,
      month: date.month,
      day: date.day,
      hour: Math.floor(ms / MS_PER_HOUR),
      minute: Math.floor((ms % MS_PER_HOUR) / MS_PER_MINUTE),
      second: Math.floor((ms % MS_PER_MINUTE) / MS_PER_SECOND),
      weekday: weekdayFromDays(days),
    };
  }

  /**
   * Go's `time.Date(year, month, day, hour, minute, second, 0, loc)`: fields
   * may overflow (month 13, day 32); a wall time in a DST gap or overlap gets
   * the offset Go picks (the offset in force at "wall time read as UTC",
   * corrected once if the result falls outside that offset's period).
   */
  public date(year: number, month: number, day: number, hour: number, minute: number, second: number): number {
    const wall = msFromFields(year, month, day, hour, minute, second);
    const firstGuess = this.offsetAt(wall);
    const offset = this.offsetAt(wall - firstGuess);
    return wall - offset;
  }

  /** Go's `t.AddDate(years, months, days)`: same wall clock, calendar fields added, then normalized by `date`. */
  public addDate(instant: number, years: number, months: number, days: number): number {
    const w = this.wall(instant);
    return this.date(w.year + years, w.month + months, w.day + days, w.hour, w.minute, w.second);
  }

  private tableFor(instant: number): YearTable {
    const last = this.last;
    if (last && instant >= last.start && instant < last.end) {
      return last;
    }
    this.last = this.table(yearOf(instant));
    return this.last;
  }

  private table(year: number): YearTable {
    let table = this.years!.get(year);
    if (!table) {
      table = buildYear(this.zone, year);
      this.years!.set(year, table);
    }
    return table;
  }
}

/** The offset Intl gives for `instant` in `zone`, in ms (what the tables are built from). */
export function intlOffsetAt(zone: string, instant: number): number {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') {
      parts[part.type] = Number(part.value);
    }
  }
  const wall = msFromFields(parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second);
  return wall - floorTo(instant, MS_PER_SECOND);
}

/** The number of changes (ascending instants `at`) at or before `instant`. */
function changesUpTo(at: readonly number[], instant: number): number {
  let lo = 0;
  let hi = at.length;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (at[mid] <= instant) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

function yearOf(instant: number): number {
  return civilFromDays(Math.floor(instant / MS_PER_DAY)).year;
}

function buildYear(zone: string, year: number): YearTable {
  const start = msFromFields(year, 1, 1, 0, 0, 0);
  const end = msFromFields(year + 1, 1, 1, 0, 0, 0);
  const at: number[] = [];
  const offsets: number[] = [intlOffsetAt(zone, start)];
  let t = start;
  while (t < end) {
    const next = Math.min(t + SAMPLE_STEP, end - MS_PER_SECOND);
    const nextOffset = intlOffsetAt(zone, next);
    // Narrow every change inside (t, next] to its second; repeat if the offset changed more than once.
    while (offsets[offsets.length - 1] !== nextOffset) {
      const before = offsets[offsets.length - 1];
      let lo = t; // offset `before` here
      let hi = next; // a different offset here
      while (hi - lo > MS_PER_SECOND) {
        const mid = floorTo(lo + (hi - lo) / 2, MS_PER_SECOND);
        if (intlOffsetAt(zone, mid) === before) {
          lo = mid;
        } else {
          hi = mid;
        }
      }
      at.push(hi);
      offsets.push(intlOffsetAt(zone, hi));
      t = hi;
    }
    if (next >= end - MS_PER_SECOND) {
      break;
    }
    t = next;
  }
  return { start, end, at, offsets };
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
