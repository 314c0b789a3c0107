/**
 * The load-spread view's numbers: how many runs start in each minute of one day, across
 * workloads that may each run in their own zone. Run times come from the core's runsBetween, so
 * DST gaps and overlaps and the day-of-month/day-of-week rule are Kubernetes' own.
 *
 * Minutes are counted as they pass, from the day's first instant to its last: a day on which
 * clocks change has 1380 or 1500 minutes, not 1440, and the repeated 01:30 of a fall-back day
 * is a separate minute from the first one (they are an hour apart, so they never collide).
 */
import { byCodePoint } from './manifest-files';
import { CalendarDate, formatClockTime, formatOffsetAt } from './time-text';
import { findRuns, FoundRuns } from '../../../src/schedule';
import { daysFromCivil, MS_PER_DAY, ZoneClock } from '../../../src/time';

const MINUTE = 60_000;

/** A workload whose runs are counted. */
export interface SpreadWorkload {
  /** `namespace/name` */
  readonly id: string;
  /** The resolved (`H`-free) schedule. */
  readonly resolved: string;
  /** The zone the schedule runs in. */
  readonly zone: string;
}

/** One minute of the day. */
export interface MinuteSlot {
  /** The minute's first instant. */
  readonly start: Date;
  /** Minutes since the day's first instant. */
  readonly index: number;
  /** Workloads with a run starting in this minute, by id (code-point order). */
  readonly workloads: string[];
}

/** Every minute of one day in one zone, with the runs that start in it. */
export interface DaySpread {
  readonly date: CalendarDate;
  readonly zone: string;
  /** The day's first instant (local midnight, or the first instant after it if midnight is skipped). */
  readonly start: Date;
  /** The next day's first instant. */
  readonly end: Date;
  readonly minutes: MinuteSlot[];
  readonly workloadCount: number;
  /** Runs on this day that a clock change moved or added (docs/schedules.md, "Clock changes"), in time order. */
  readonly clockChanges: ClockChangeRun[];
  /** Workloads whose run search stopped early (a calendar day the zone skipped), with why. */
  readonly stopped: Array<{ readonly id: string; readonly note: string }>;
}

/** A run that a clock change moved or added. */
export interface ClockChangeRun {
  readonly id: string;
  readonly at: Date;
  readonly remark: string;
}

/** Counts the runs of `workloads` that start on `date` in `zone`. */
export function spreadOfDay(workloads: readonly SpreadWorkload[], date: CalendarDate, zone: string): DaySpread {
  const clock = new ZoneClock(zone);
  const start = startOfDay(clock, date.year, date.month, date.day);
  const end = startOfDay(clock, date.year, date.month, date.day + 1);
  const minutes: MinuteSlot[] = [];
  for (let t = start, index = 0; t < end; t += MINUTE, index++) {
    minutes.push({ start: new Date(t), index, workloads: [] });
  }
  // Many workloads share a schedule (`0 * * * *`); their runs are computed once per zone.
  const runsBySchedule = new Map<string, FoundRuns>();
  const clockChanges: ClockChangeRun[] = [];
  const stopped: DaySpread['stopped'] = [];
  for (const workload of workloads) {
    const key = `${workload.zone} ${workload.resolved}`;
    const found = runsBySchedule.get(key) ?? runsOfDay(workload, start, end);
    runsBySchedule.set(key, found);
    for (const run of found.runs) {
      minutes[Math.floor((run.at.getTime() - start) / MINUTE)].workloads.push(workload.id);
      if (run.remark !== undefined) {
        clockChanges.push({ id: workload.id, at: run.at, remark: run.remark });
      }
    }
    if (found.note !== undefined) {
      stopped.push({ id: workload.id, note: found.note });
    }
  }
  for (const slot of minutes) {
    slot.workloads.sort(byCodePoint);
  }
  clockChanges.sort((a, b) => a.at.getTime() - b.at.getTime() || byCodePoint(a.id, b.id));
  return { date, zone, start: new Date(start), end: new Date(end), minutes, workloadCount: workloads.length, clockChanges, stopped };
}

/**
 * The runs in `[start, end)`. Kubernetes searches for the next run from the previous one, and
 * near a clock change where the search starts matters (America/Santiago's `0 1 * * 6` runs on
 * Sunday only when the search starts on Saturday), so then the search starts a day early.
 */
function runsOfDay(workload: SpreadWorkload, start: number, end: number): FoundRuns {
  const clock = new ZoneClock(workload.zone);
  const early = clock.transitionsBetween(start - MS_PER_DAY, end).length > 0;
  // findRuns is strictly after `from`: start a millisecond early to include the day's first instant.
  const found = findRuns(workload.resolved, { from: new Date(early ? start - MS_PER_DAY : start - 1), to: new Date(end), timeZone: workload.zone });
  return early ? { ...found, runs: found.runs.filter(run => run.at.getTime() >= start) } : found;
}

/**
 * The first instant of a day in the zone: local midnight, or the clock change that skips it
 * (America/Santiago's days of spring-forward start at 01:00). A day the zone skipped entirely
 * (Pacific/Apia, 2011-12-30) starts where the next one does, so it has no minutes.
 */
export function startOfDay(clock: ZoneClock, year: number, month: number, day: number): number {
  // Go's time.Date reads a missing midnight with the earlier offset: an instant on the day before.
  const t = clock.date(year, month, day, 0, 0, 0);
  const w = clock.wall(t);
  if (daysFromCivil(w.year, w.month, w.day) >= daysFromCivil(year, month, day)) {
    return t;
  }
  const [change] = clock.transitionsBetween(t, t + 2 * MS_PER_DAY);
  return change ? change.at : t;
}

/** Totals that say whether the runs are spread. */
export interface SpreadSummary {
  readonly runs: number;
  /** Minutes in which at least one run starts. */
  readonly usedMinutes: number;
  /** Minutes in which two or more runs start. */
  readonly sharedMinutes: number;
  /** The most runs that start in one minute. */
  readonly peak: number;
  /** The first minute with `peak` runs, if any run starts. */
  readonly peakMinute?: MinuteSlot;
}

export function summarize(spread: DaySpread): SpreadSummary {
  let runs = 0;
  let usedMinutes = 0;
  let sharedMinutes = 0;
  let peakMinute: MinuteSlot | undefined;
  for (const slot of spread.minutes) {
    const count = slot.workloads.length;
    runs += count;
    usedMinutes += count > 0 ? 1 : 0;
    sharedMinutes += count > 1 ? 1 : 0;
    if (count > 0 && count > (peakMinute?.workloads.length ?? 0)) {
      peakMinute = slot;
    }
  }
  return { runs, usedMinutes, sharedMinutes, peak: peakMinute?.workloads.length ?? 0, peakMinute };
}

/** Minutes in which two or more runs start, most runs first, then earliest first; at most `limit`. */
export function busiestMinutes(spread: DaySpread, limit: number): MinuteSlot[] {
  return spread.minutes
    .filter(slot => slot.workloads.length > 1)
    .sort((a, b) => b.workloads.length - a.workloads.length || a.index - b.index)
    .slice(0, limit);
}

/** Workloads that share a minute with another, in code-point order. */
export function collidingWorkloads(spread: DaySpread): string[] {
  const ids = new Set(spread.minutes.filter(slot => slot.workloads.length > 1).flatMap(slot => slot.workloads));
  return [...ids].sort(byCodePoint);
}

/** One row of the chart: up to 60 minutes that pass one after the other. */
export interface SpreadRow {
  /** The wall clock at the row's first minute: `07`, or `02:30` if a zone's clocks moved by half an hour. */
  readonly label: string;
  readonly minutes: MinuteSlot[];
  /** Set on the row whose clocks run at a new UTC offset, e.g. `-04:00`. */
  readonly newOffset?: string;
}

/** The day as rows of 60 minutes: 24 rows, or 23 or 25 on a day the clocks change by an hour. */
export function spreadRows(spread: DaySpread): SpreadRow[] {
  const rows: SpreadRow[] = [];
  for (let i = 0; i < spread.minutes.length; i += 60) {
    const minutes = spread.minutes.slice(i, i + 60);
    const first = minutes[0].start;
    const clock = formatClockTime(first, spread.zone);
    const offset = formatOffsetAt(first, spread.zone);
    const previousOffset = i === 0 ? offset : formatOffsetAt(spread.minutes[i - 60].start, spread.zone);
    rows.push({
      label: clock.endsWith(':00') ? clock.slice(0, 2) : clock,
      minutes,
      ...(offset !== previousOffset ? { newOffset: offset } : {}),
    });
  }
  return rows;
}

/** `the clocks move from -05:00 to -04:00` when the zone's UTC offset changes during the day. */
export function offsetChange(spread: DaySpread): { from: string; to: string } | undefined {
  // Just before the day's first instant, so that a day whose midnight was skipped shows the change.
  const from = formatOffsetAt(new Date(spread.start.getTime() - 1), spread.zone);
  const to = formatOffsetAt(new Date(spread.end.getTime() - MINUTE), spread.zone);
  return from === to ? undefined : { from, to };
}

/** A minute as people read it: `00:15`, with the UTC offset on a day the clocks change (`01:30 -05:00`). */
export function minuteLabel(spread: DaySpread, slot: MinuteSlot): string {
  const clock = formatClockTime(slot.start, spread.zone);
  return offsetChange(spread) ? `${clock} ${formatOffsetAt(slot.start, spread.zone)}` : clock;
}
