import { BatchValidationError } from '../errors';
import { hasStarBit, MacroStyle, parseCron, ParsedCron } from './grammar';
import { fieldValues } from './resolve';
import { canonicalTimeZoneName } from './time-zone-name';
import { floorTo, WallTime, ZoneClock } from '../time';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
// robfig gives up (returns the zero time) after five years without a match.
const YEARS_TO_SEARCH = 5;
/** The most run times `nextRuns` returns in one call. */
export const MAX_NEXT_RUNS = 10_000;

/** Options for `nextRuns`. */
export interface NextRunsOptions {
  /** How many run times to return. */
  readonly count: number;
  /** Runs strictly after this instant are returned. */
  readonly from: Date;
  /**
   * The zone the schedule runs in, as `spec.timeZone` (an IANA name, or a
   * whole-hour offset such as `UTC+9`, see `TimeZone.of`).
   *
   * @default 'UTC' (what kube-controller-manager uses when spec.timeZone is unset, on the usual UTC hosts)
   */
  readonly timeZone?: string;
}

/**
 * The next `count` run times of a resolved (`H`-free) expression, with the
 * Kubernetes CronJob controller's semantics (robfig/cron v3 `Next`): when
 * day-of-month and day-of-week are both restricted either one matching is
 * enough (a field written `*` or `?`, without a step or with step 1, counts as
 * unrestricted); a wall
 * time inside a DST gap is skipped; one inside a DST overlap runs twice.
 *
 * Fewer than `count` times come back only if the schedule stops matching for
 * five years (robfig's limit), e.g. 29 February near a century.
 */
export function nextRuns(resolvedExpression: string, options: NextRunsOptions): Date[] {
  const parsed = parseCron(resolvedExpression, { allowHash: false, macroStyle: MacroStyle.PLAIN });
  validateCount(options.count);
  if (Number.isNaN(options.from.getTime())) {
    throw new BatchValidationError('from', String(options.from), 'is not a valid date', 'Pass a valid Date.');
  }
  const schedule = toMatcher(parsed);
  const clock = new ZoneClock(canonicalTimeZoneName(options.timeZone ?? 'UTC'));
  const runs: Date[] = [];
  let t = options.from.getTime();
  while (runs.length < options.count) {
    const next = nextAfter(schedule, clock, t);
    if (next === undefined) {
      break;
    }
    runs.push(new Date(next));
    t = next;
  }
  return runs;
}

/** Options for `runsBetween`. */
export interface RunsBetweenOptions {
  /** The first instant of the range (included). */
  readonly from: Date;
  /** The end of the range (excluded). */
  readonly to: Date;
  /**
   * The zone the schedule runs in, as for `nextRuns`.
   *
   * @default 'UTC'
   */
  readonly timeZone?: string;
}

/**
 * Every run time of a resolved (`H`-free) expression in `[from, to)`, with the
 * same semantics as `nextRuns` (DST gaps skipped, overlaps run twice).
 */
export function runsBetween(resolvedExpression: string, options: RunsBetweenOptions): Date[] {
  const parsed = parseCron(resolvedExpression, { allowHash: false, macroStyle: MacroStyle.PLAIN });
  const from = options.from.getTime();
  const to = options.to.getTime();
  if (Number.isNaN(from) || Number.isNaN(to) || to < from) {
    throw new BatchValidationError('to', String(options.to), `must be a valid date not before from (${String(options.from)})`,
      'Pass a range whose end is after its start.');
  }
  const schedule = toMatcher(parsed);
  const clock = new ZoneClock(canonicalTimeZoneName(options.timeZone ?? 'UTC'));
  const runs: Date[] = [];
  // nextAfter is strictly after its argument: start a millisecond early to include `from`.
  for (let t = nextAfter(schedule, clock, from - 1); t !== undefined && t < to; t = nextAfter(schedule, clock, t)) {
    runs.push(new Date(t));
  }
  return runs;
}

interface Matcher {
  readonly minute: ReadonlySet<number>;
  readonly hour: ReadonlySet<number>;
  readonly dayOfMonth: ReadonlySet<number>;
  readonly month: ReadonlySet<number>;
  readonly dayOfWeek: ReadonlySet<number>;
  /** robfig ANDs the day fields when either carries the star bit, and ORs them otherwise. */
  readonly eitherDayMatches: boolean;
}

function toMatcher(parsed: ParsedCron): Matcher {
  const [minute, hour, dayOfMonth, month, dayOfWeek] = parsed.fields.map(f => fieldValues(f));
  const eitherDayMatches = !hasStarBit(parsed.fields[2]) && !hasStarBit(parsed.fields[4]);
  return { minute, hour, dayOfMonth, month, dayOfWeek, eitherDayMatches };
}

function dayMatches(m: Matcher, w: WallTime): boolean {
  const domMatch = m.dayOfMonth.has(w.day);
  const dowMatch = m.dayOfWeek.has(w.weekday);
  return m.eitherDayMatches ? domMatch || dowMatch : domMatch && dowMatch;
}

/**
 * A step-by-step port of robfig/cron v3 `SpecSchedule.Next`: walk month, day,
 * hour, minute and second forward with Go's calendar arithmetic (days via
 * AddDate, hours and minutes as absolute durations, which is what skips gaps
 * and repeats overlaps), restarting at the month whenever a field wraps.
 */
function nextAfter(m: Matcher, clock: ZoneClock, from: number): number | undefined {
  // Start at the next whole second.
  let t = floorTo(from, SECOND) + SECOND;
  let added = false;
  const yearLimit = clock.wall(t).year + YEARS_TO_SEARCH;

  wrap: for (;;) {
    let w = clock.wall(t);
    if (w.year > yearLimit) {
      return undefined;
    }
    while (!m.month.has(w.month)) {
      if (!added) {
        added = true;
        t = clock.date(w.year, w.month, 1, 0, 0, 0);
      }
      t = clock.addDate(t, 0, 1, 0);
      w = clock.wall(t);
      if (w.month === 1) {
        continue wrap;
      }
    }
    while (!dayMatches(m, w)) {
      if (!added) {
        added = true;
        t = clock.date(w.year, w.month, w.day, 0, 0, 0);
      }
      t = clock.addDate(t, 0, 0, 1);
      w = clock.wall(t);
      // Midnight may not exist (DST at 00:00): robfig nudges back to the day's start.
      if (w.hour !== 0) {
        t += (w.hour > 12 ? 24 - w.hour : -w.hour) * HOUR;
        w = clock.wall(t);
      }
      if (w.day === 1) {
        continue wrap;
      }
    }
    while (!m.hour.has(w.hour)) {
      if (!added) {
        added = true;
        t = clock.date(w.year, w.month, w.day, w.hour, 0, 0);
      }
      t += HOUR;
      w = clock.wall(t);
      if (w.hour === 0) {
        continue wrap;
      }
    }
    while (!m.minute.has(w.minute)) {
      if (!added) {
        added = true;
        t = floorTo(t, MINUTE);
      }
      t += MINUTE;
      w = clock.wall(t);
      if (w.minute === 0) {
        continue wrap;
      }
    }
    // ParseStandard fixes the seconds field at 0.
    while (w.second !== 0) {
      if (!added) {
        added = true;
        t = floorTo(t, SECOND);
      }
      t += SECOND;
      w = clock.wall(t);
      if (w.second === 0) {
        continue wrap;
      }
    }
    return t;
  }
}

function validateCount(count: number): void {
  if (!Number.isInteger(count) || count < 0 || count > MAX_NEXT_RUNS) {
    throw new BatchValidationError('count', String(count), `must be a whole number from 0 to ${MAX_NEXT_RUNS}`, 'Ask for fewer run times.');
  }
}
