import { BatchValidationError } from '../errors';
import { hasStarBit, MacroStyle, parseCron, ParsedCron } from './grammar';
import { fieldValues } from './resolve';
import { canonicalTimeZoneName } from './time-zone-name';
import { civilFromDays, daysFromCivil, floorTo, MS_PER_DAY, MS_PER_HOUR, MS_PER_MINUTE, MS_PER_SECOND, WallTime, WEEKDAY_NAMES, ZoneClock } from '../time';

const SECOND = MS_PER_SECOND;
const MINUTE = MS_PER_MINUTE;
const HOUR = MS_PER_HOUR;
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
 * The next `count` run times of a resolved (`H`-free) expression, exactly as
 * the Kubernetes CronJob controller computes them (robfig/cron v3 `Next`, one
 * run after the other). When day-of-month and day-of-week are both restricted
 * either one matching is enough (a field written `*`, `?` or `*` + `/1`
 * counts as unrestricted).
 *
 * Clock changes follow robfig's search, which moves month, day, hour, minute
 * in turn and checks a field again only when the one below it wraps (the
 * hour when the minute passes :00, the day when the hour passes 00):
 * - a whole-hour change away from midnight skips a run whose wall time does
 *   not exist (New York `30 2 * * *` has no run on 2026-03-08) and runs twice
 *   at a wall time that happens twice (`30 1 * * *` on 2026-11-01);
 * - a change that is not a whole hour moves or adds runs: Pacific/Chatham
 *   `50 2 * * *` runs at 03:50 on 2025-09-28 (02:50 does not exist),
 *   Australia/Lord_Howe `45 1 * * *` runs at 01:45 and again at 02:45 on
 *   2025-10-05;
 * - a change at midnight adds a run on the next day: America/Santiago
 *   `0 1 * * 6` also runs on Sunday 2025-09-07 at 01:00, Africa/Cairo
 *   `0 1 * * 4` on Friday 2024-04-26 at 01:00.
 * `findRuns` gives the same runs with a remark on each such one.
 *
 * Fewer than `count` times come back when the schedule does not match for
 * five years (robfig's limit, e.g. 29 February near a century), or when the
 * search reaches a calendar day the zone skipped (Pacific/Apia, 2011-12-30),
 * where robfig would search forever; `findRuns` says which.
 */
export function nextRuns(resolvedExpression: string, options: NextRunsOptions): Date[] {
  validateCount(options.count);
  return findRuns(resolvedExpression, { from: options.from, count: options.count, timeZone: options.timeZone }).runs.map(r => r.at);
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
 * same semantics as `nextRuns`, clock changes included: a whole-hour change
 * skips a wall time that does not exist and runs twice at one that happens
 * twice; other changes, and changes at midnight, can move a run or add one
 * (see `nextRuns` for the rule and examples). Stops early, like `nextRuns`,
 * at a calendar day the zone skipped.
 */
export function runsBetween(resolvedExpression: string, options: RunsBetweenOptions): Date[] {
  const from = options.from.getTime();
  const to = options.to.getTime();
  if (Number.isNaN(from) || Number.isNaN(to) || to < from) {
    throw new BatchValidationError('to', String(options.to), `must be a valid date not before from (${String(options.from)})`,
      'Pass a range whose end is after its start.');
  }
  // nextAfter is strictly after its argument: start a millisecond early to include `from`.
  return findRuns(resolvedExpression, { from: new Date(from - 1), to: options.to, timeZone: options.timeZone }).runs.map(r => r.at);
}

/** Options for `findRuns`: give `count`, `to`, or both (the search stops at whichever comes first). */
export interface FindRunsOptions {
  /** Runs strictly after this instant are returned. */
  readonly from: Date;
  /**
   * The most run times to return.
   *
   * @default - no limit (then `to` is required)
   */
  readonly count?: number;
  /**
   * Runs before this instant (excluded) are returned.
   *
   * @default - no end (then `count` is required)
   */
  readonly to?: Date;
  /**
   * The zone the schedule runs in, as for `nextRuns`.
   *
   * @default 'UTC'
   */
  readonly timeZone?: string;
}

/** One run time, with why it differs from a plain reading of the expression, if it does. */
export interface FoundRun {
  /** The instant the run starts. */
  readonly at: Date;
  /**
   * Set when a clock change made Kubernetes run at this time: a run moved off
   * a wall time that does not exist ("runs at 03:50 because 02:50 does not
   * exist on this day"), an extra run ("extra run on Sunday: the clock change
   * at midnight ..."), or the second run at a wall time that happens twice.
   *
   * @default - an ordinary run
   */
  readonly remark?: string;
}

/** What `findRuns` found. */
export interface FoundRuns {
  /** The runs, in order. */
  readonly runs: FoundRun[];
  /**
   * Why the search ended before `count` runs or `to`: five years without a
   * match, or a calendar day the zone skipped.
   *
   * @default - the search ended at `count` or `to`
   */
  readonly note?: string;
}

/**
 * The runs of `nextRuns`/`runsBetween` with a remark on each run a clock
 * change moved or added, and a note when the search stopped early. Every
 * search is bounded: five years without a match ends it (robfig's limit), and
 * so does a calendar day the zone skipped (robfig would loop there forever).
 */
export function findRuns(resolvedExpression: string, options: FindRunsOptions): FoundRuns {
  const parsed = parseCron(resolvedExpression, { allowHash: false, macroStyle: MacroStyle.PLAIN });
  const from = options.from.getTime();
  if (Number.isNaN(from)) {
    throw new BatchValidationError('from', String(options.from), 'is not a valid date', 'Pass a valid Date.');
  }
  const to = options.to === undefined ? Infinity : options.to.getTime();
  if (Number.isNaN(to)) {
    throw new BatchValidationError('to', String(options.to), 'is not a valid date', 'Pass a valid Date.');
  }
  const count = options.count ?? Infinity;
  if (options.count === undefined && options.to === undefined) {
    throw new BatchValidationError('count', 'undefined', 'must be given when to is not, or the search has no end', 'Pass count, to, or both.');
  }
  const zone = canonicalTimeZoneName(options.timeZone ?? 'UTC');
  const schedule = toMatcher(parsed);
  const clock = new ZoneClock(zone);
  const runs: FoundRun[] = [];
  let t = from;
  while (runs.length < count) {
    const next = nextAfter(schedule, clock, t);
    if (typeof next !== 'number') {
      return { runs, note: stopNote(next, clock, zone, t) };
    }
    if (next >= to) {
      break;
    }
    const remark = remarkOn(schedule, clock, next);
    runs.push(remark === undefined ? { at: new Date(next) } : { at: new Date(next), remark });
    t = next;
  }
  return { runs };
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
function nextAfter(m: Matcher, clock: ZoneClock, from: number): number | Stop {
  // Start at the next whole second.
  let t = floorTo(from, SECOND) + SECOND;
  let added = false;
  const yearLimit = clock.wall(t).year + YEARS_TO_SEARCH;

  wrap: for (;;) {
    let w = clock.wall(t);
    if (w.year > yearLimit) {
      return { kind: 'five-years' };
    }
    while (!m.month.has(w.month)) {
      if (!added) {
        added = true;
        t = clock.date(w.year, w.month, 1, 0, 0, 0);
      }
      const before = t;
      t = clock.addDate(t, 0, 1, 0);
      if (t <= before) {
        return { kind: 'skipped-day', at: before };
      }
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
      const before = t;
      t = clock.addDate(t, 0, 0, 1);
      w = clock.wall(t);
      // Midnight may not exist (DST at 00:00): robfig nudges back to the day's start.
      if (w.hour !== 0) {
        t += (w.hour > 12 ? 24 - w.hour : -w.hour) * HOUR;
        w = clock.wall(t);
      }
      // A skipped calendar day (Pacific/Apia, 2011-12-30) maps "the next day" back onto this
      // one: robfig loops here forever; stop instead (whenever this fires, robfig would hang).
      if (t <= before) {
        return { kind: 'skipped-day', at: before };
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

/** Why `nextAfter` found no run: five years without a match, or a day the zone skipped. */
type Stop = { readonly kind: 'five-years' } | { readonly kind: 'skipped-day'; readonly at: number };

function stopNote(stop: Stop, clock: ZoneClock, zone: string, after: number): string {
  if (stop.kind === 'five-years') {
    return `no run within five years after ${dayText(clock, after)} in ${zone} `
      + '(robfig/cron\'s limit, which the Kubernetes CronJob controller shares)';
  }
  const w = clock.wall(stop.at);
  const skipped = civilFromDays(daysFromCivil(w.year, w.month, w.day) + 1);
  return `search stopped at ${dayText(clock, stop.at)}: the next day, ${pad(skipped.year, 4)}-${pad(skipped.month)}-${pad(skipped.day)}, `
    + `does not exist in ${zone} (the clocks skipped it), and robfig/cron, which the Kubernetes CronJob controller uses, `
    + 'would search forever there; no later run is known';
}

/**
 * Why a clock change made `t` a run time, when it is not one a plain reading of
 * the expression gives; undefined for an ordinary run. robfig only strays from
 * the fields right after an offset change, so the change within the last day
 * explains it.
 */
function remarkOn(m: Matcher, clock: ZoneClock, t: number): string | undefined {
  const w = clock.wall(t);
  const changes = clock.transitionsBetween(t - MS_PER_DAY, t + 1);
  const change = changes[changes.length - 1];
  if (!change) {
    return undefined;
  }
  const from = clockText(change.at + change.before);
  const to = clockText(change.at + change.after);
  const dayOk = m.month.has(w.month) && dayMatches(m, w);
  const timeOk = m.hour.has(w.hour) && m.minute.has(w.minute);
  if (dayOk && timeOk) {
    const repeated = change.after < change.before && t < change.at + (change.before - change.after);
    return repeated ? `second run at ${clockText(t + change.after)}: the clocks go back from ${from} to ${to}, so this time happens twice` : undefined;
  }
  if (!dayOk) {
    return `extra run on ${WEEKDAY_NAMES[w.weekday]}: the clock change at midnight (${from} → ${to}) carries the search `
      + `for ${WEEKDAY_NAMES[(w.weekday + 6) % 7]}'s run into ${WEEKDAY_NAMES[w.weekday]}, and Kubernetes does not check the day again`;
  }
  // The wall time the run would have had before the change.
  const written = t + change.before;
  const writtenHour = Math.floor(((written % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY / HOUR);
  const writtenMinute = Math.floor(((written % HOUR) + HOUR) % HOUR / MINUTE);
  if (m.hour.has(writtenHour) && m.minute.has(writtenMinute)) {
    return `runs at ${clockText(t + change.after)} because ${clockText(written)} does not exist on this day (the clocks go from ${from} to ${to})`;
  }
  return `extra run at ${clockText(t + change.after)}, a time the schedule does not name: after the clocks go from ${from} to ${to}, `
    + 'Kubernetes does not check the hour again';
}

/** `02:50` for a wall-clock instant (ms with the offset added). */
function clockText(local: number): string {
  const ms = ((local % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
  return `${pad(Math.floor(ms / HOUR))}:${pad(Math.floor((ms % HOUR) / MINUTE))}`;
}

/** `2011-12-29`: the day `instant` falls on in the clock's zone. */
function dayText(clock: ZoneClock, instant: number): string {
  const w = clock.wall(instant);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}
