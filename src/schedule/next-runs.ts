import { BatchValidationError } from '../errors';
import { searchRuns } from './run-search';
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
  const found = searchRuns(resolvedExpression, options);
  return {
    runs: found.runs.map(({ at, remark }) => (remark === undefined ? { at } : { at, remark })),
    ...(found.note ? { note: found.note } : {}),
  };
}

function validateCount(count: number): void {
  if (!Number.isInteger(count) || count < 0 || count > MAX_NEXT_RUNS) {
    throw new BatchValidationError('count', String(count), `must be a whole number from 0 to ${MAX_NEXT_RUNS}`, 'Ask for fewer run times.');
  }
}
