/**
 * The run search behind nextRuns, runsBetween and findRuns: a port of robfig/cron v3 `Next`
 * with remarks on the runs a clock change moved, added or repeated, and a bound on every
 * search. Internal (not exported from the package); the constructs and the CLI use
 * clockChangeWarning and clockChangeSurprises from here.
 */
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

/** Where and how far to search: after `from`, up to `count` runs and/or before `to`. */
export interface SearchOptions {
  readonly from: Date;
  readonly count?: number;
  readonly to?: Date;
  readonly timeZone?: string;
}

/** A run, and when a clock change made it, how and why. */
export interface SearchedRun {
  readonly at: Date;
  readonly remark?: string;
  /** `repeated` is the second run at a wall time that happens twice (what the plain reading also gives). */
  readonly change?: 'moved' | 'added' | 'repeated';
}

/** The runs and, when the search stopped early, why. */
export function searchRuns(resolvedExpression: string, options: SearchOptions): { runs: SearchedRun[]; note?: string } {
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
  const runs: SearchedRun[] = [];
  let t = from;
  while (runs.length < count) {
    const next = nextAfter(schedule, clock, t);
    if (typeof next !== 'number') {
      return { runs, note: stopNote(next, clock, zone, t) };
    }
    if (next >= to) {
      break;
    }
    runs.push({ at: new Date(next), ...remarkOn(schedule, clock, next) });
    t = next;
  }
  return { runs };
}

/**
 * The runs in `[from, to)` that a clock change moves to another time or adds (not the
 * documented skip or repeat of a whole-hour change), with their remarks. Only the days around
 * the zone's changes are searched, so a year costs a few short searches. Used for the
 * ScheduledBatch synth warning and by the CLI.
 */
export function clockChangeSurprises(resolvedExpression: string, options: { from: Date; to: Date; timeZone?: string }): SearchedRun[] {
  const zone = canonicalTimeZoneName(options.timeZone ?? 'UTC');
  const from = options.from.getTime();
  const to = options.to.getTime();
  const clock = new ZoneClock(zone);
  const found: SearchedRun[] = [];
  let searchedTo = -Infinity;
  for (const change of clock.transitionsBetween(from, to)) {
    // Kubernetes searches from the previous run; starting two days before the change covers
    // every case (the deviations come from the search crossing the change itself).
    const start = Math.max(change.at - 2 * MS_PER_DAY, searchedTo, from - 1);
    const end = Math.min(change.at + MS_PER_DAY, to);
    for (const run of searchRuns(resolvedExpression, { from: new Date(start), to: new Date(end), timeZone: zone }).runs) {
      if (run.change === 'moved' || run.change === 'added') {
        found.push({ at: run.at, remark: run.remark });
      }
    }
    searchedTo = end;
  }
  return found;
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
        w = clock.wall(t);
      }
      t += stepsTo(m.hour, w.hour, 24, clock, t, HOUR) * HOUR;
      w = clock.wall(t);
      if (w.hour === 0) {
        continue wrap;
      }
    }
    while (!m.minute.has(w.minute)) {
      if (!added) {
        added = true;
        t = floorTo(t, MINUTE);
        w = clock.wall(t);
      }
      t += stepsTo(m.minute, w.minute, 60, clock, t, MINUTE) * MINUTE;
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
        w = clock.wall(t);
      }
      t += stepsTo(NO_VALUES, w.second, 60, clock, t, SECOND) * SECOND;
      w = clock.wall(t);
      if (w.second === 0) {
        continue wrap;
      }
    }
    return t;
  }
}

/**
 * How many `unit` steps robfig's hour or minute loop takes from `t` (wall value `current` of a
 * field with `size` values) before it stops: at the first value the field matches, or at 0,
 * where it wraps. Robfig steps one unit at a time and reads the wall clock after each; when
 * the offset stays the same over the whole way, each step moves the wall value by exactly one,
 * so the steps are counted without walking them. Otherwise 1: one step, as robfig takes it.
 */
const NO_VALUES: ReadonlySet<number> = new Set();

function stepsTo(values: ReadonlySet<number>, current: number, size: number, clock: ZoneClock, t: number, unit: number): number {
  let steps = 1;
  for (let v = (current + 1) % size; v !== 0 && !values.has(v); v = (v + 1) % size) {
    steps++;
  }
  return steps === 1 || clock.steadyBetween(t, t + steps * unit) ? steps : 1;
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
function remarkOn(m: Matcher, clock: ZoneClock, t: number): Pick<SearchedRun, 'remark' | 'change'> | undefined {
  // Fast path: no offset change within the last day (zones never change twice within a day).
  if (clock.offsetAt(t - MS_PER_DAY) === clock.offsetAt(t)) {
    return undefined;
  }
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
    return repeated
      ? { change: 'repeated', remark: `second run at ${clockText(t + change.after)}: the clocks go back from ${from} to ${to}, so this time happens twice` }
      : undefined;
  }
  if (!dayOk) {
    return {
      change: 'added',
      remark: `extra run on ${WEEKDAY_NAMES[w.weekday]}: the clock change at midnight (${from} → ${to}) carries the search `
        + `for ${WEEKDAY_NAMES[(w.weekday + 6) % 7]}'s run into ${WEEKDAY_NAMES[w.weekday]}, and Kubernetes does not check the day again`,
    };
  }
  // The wall time the run would have had before the change.
  const written = t + change.before;
  const writtenHour = Math.floor(((written % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY / HOUR);
  const writtenMinute = Math.floor(((written % HOUR) + HOUR) % HOUR / MINUTE);
  if (m.hour.has(writtenHour) && m.minute.has(writtenMinute)) {
    return {
      change: 'moved',
      remark: `runs at ${clockText(t + change.after)} because ${clockText(written)} does not exist on this day: the clocks go from ${from} to ${to}`,
    };
  }
  return {
    change: 'added',
    remark: `extra run at ${clockText(t + change.after)}, a time the schedule does not name: after the clocks go from ${from} to ${to}, `
      + 'Kubernetes does not check the hour again',
  };
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

/**
 * The synth warning for a schedule that a clock change in its zone will move or add a run to
 * within a year of `now`, or undefined. Names the first case and how many there are.
 */
export function clockChangeWarning(resolvedExpression: string, timeZone: string, now: Date): string | undefined {
  const to = new Date(now.getTime() + 366 * MS_PER_DAY);
  const surprises = clockChangeSurprises(resolvedExpression, { from: now, to, timeZone });
  if (surprises.length === 0) {
    return undefined;
  }
  const clock = new ZoneClock(canonicalTimeZoneName(timeZone));
  const [first] = surprises;
  const more = surprises.length > 1 ? ` (and ${surprises.length - 1} more within a year)` : '';
  return `schedule "${resolvedExpression}" in ${timeZone} meets a clock change that Kubernetes handles its own way, `
    + `on ${dayText(clock, first.at.getTime())}: ${first.remark}${more}. That is what the cluster will do `
    + '(docs/schedules.md, "Clock changes"); schedule away from the zone\'s change times, or in UTC, to avoid it.';
}
