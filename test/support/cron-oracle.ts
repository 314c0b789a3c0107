/**
 * An independent next-run oracle for the tests: written from the cron rules (crontab(5) and
 * robfig/cron's ParseStandard, which Kubernetes uses), sharing no code with src/. It reads the
 * expression itself and then looks at every minute, one after the other, asking "does this wall
 * time match?". That is the plain reading of a schedule; Kubernetes departs from it only on
 * days the clocks change (see docs/schedules.md), and the tests name each such departure.
 *
 * Rules:
 * - fields: minute 0-59, hour 0-23, day-of-month 1-31, month 1-12 (JAN-DEC), day-of-week 0-6
 *   (SUN-SAT, 7 is Sunday too); items `*`, `?`, `n`, `a-b`, each optionally `/step`, and `a/step`
 *   meaning `a-max/step`; lists with commas; macros @yearly @annually @monthly @weekly @daily
 *   @midnight @hourly.
 * - day-of-month and day-of-week: when either field holds an unrestricted item (`*` or `?`
 *   without a step or with step 1), a day must match both (the unrestricted one always does);
 *   otherwise a day matching either one is enough.
 */

interface OracleField {
  readonly allowed: boolean[];
  /** Holds `*` or `?` without a step or with step 1. */
  readonly unrestricted: boolean;
}

interface OracleSchedule {
  readonly minute: OracleField;
  readonly hour: OracleField;
  readonly dayOfMonth: OracleField;
  readonly month: OracleField;
  readonly dayOfWeek: OracleField;
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const BOUNDS: Array<[number, number]> = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function numberIn(text: string, index: number): number {
  const lower = text.toLowerCase();
  if (index === 3 && MONTHS.includes(lower)) {
    return MONTHS.indexOf(lower) + 1;
  }
  if (index === 4 && DAYS.includes(lower)) {
    return DAYS.indexOf(lower);
  }
  if (!/^\d+$/.test(text)) {
    throw new Error(`oracle: cannot read "${text}"`);
  }
  return Number(text);
}

function readField(text: string, index: number): OracleField {
  const [min, max] = BOUNDS[index];
  const allowed: boolean[] = new Array(max + 1).fill(false);
  let unrestricted = false;
  for (const item of text.split(',')) {
    const [range, stepText] = item.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    let lo: number;
    let hi: number;
    if (range === '*' || range === '?') {
      lo = min;
      hi = index === 4 ? 6 : max;
      unrestricted ||= step === 1;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-');
      lo = numberIn(a, index);
      hi = numberIn(b, index);
    } else {
      lo = numberIn(range, index);
      hi = stepText === undefined ? lo : (index === 4 ? 6 : max);
    }
    for (let v = lo; v <= hi; v += step) {
      allowed[index === 4 && v === 7 ? 0 : v] = true;
    }
  }
  return { allowed, unrestricted };
}

export function readCron(expression: string): OracleSchedule {
  const text = MACROS[expression.trim().toLowerCase()] ?? expression;
  const fields = text.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new Error(`oracle: "${expression}" does not have five fields`);
  }
  const [minute, hour, dayOfMonth, month, dayOfWeek] = fields.map((f, i) => readField(f, i));
  return { minute, hour, dayOfMonth, month, dayOfWeek };
}

/** A wall clock reading. */
export interface OracleWall {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly weekday: number;
}

export function matches(s: OracleSchedule, w: OracleWall): boolean {
  if (!s.minute.allowed[w.minute] || !s.hour.allowed[w.hour] || !s.month.allowed[w.month]) {
    return false;
  }
  const dom = s.dayOfMonth.allowed[w.day];
  const dow = s.dayOfWeek.allowed[w.weekday];
  return s.dayOfMonth.unrestricted || s.dayOfWeek.unrestricted ? dom && dow : dom || dow;
}

/** Where the wall clock comes from: a zone read through Intl at every minute, or a fixed offset. */
export type OracleClock = { readonly zone: string } | { readonly offsetMinutes: number };

const formats = new Map<string, Intl.DateTimeFormat>();

function wallAt(clock: OracleClock, instant: number): OracleWall {
  if ('offsetMinutes' in clock) {
    const d = new Date(instant + clock.offsetMinutes * 60_000);
    return {
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      weekday: d.getUTCDay(),
    };
  }
  let format = formats.get(clock.zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: clock.zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
    });
    formats.set(clock.zone, format);
  }
  const p: Record<string, number> = {};
  for (const part of format.formatToParts(new Date(instant))) {
    p[part.type] = Number(part.value);
  }
  const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay();
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, weekday };
}

/**
 * Up to `count` minutes strictly after `from` whose wall time matches `expression`, looking at
 * every minute for at most `horizonMinutes` minutes.
 */
export function oracleRuns(expression: string, options: { from: Date; count: number; clock: OracleClock; horizonMinutes: number }): Date[] {
  const schedule = readCron(expression);
  const runs: Date[] = [];
  const first = (Math.floor(options.from.getTime() / 60_000) + 1) * 60_000;
  for (let i = 0, t = first; i < options.horizonMinutes && runs.length < options.count; i++, t += 60_000) {
    if (matches(schedule, wallAt(options.clock, t))) {
      runs.push(new Date(t));
    }
  }
  return runs;
}

/** The values one field of `expression` allows (index 0 minute ... 4 day-of-week), ascending. */
export function oracleFieldValues(expression: string, index: number): number[] {
  const field = readCron(expression);
  const allowed = [field.minute, field.hour, field.dayOfMonth, field.month, field.dayOfWeek][index].allowed;
  return allowed.flatMap((ok, v) => (ok ? [v] : []));
}
