/**
 * The load-spread view as text (a terminal chart of one day, minute by minute) and as data
 * (for -o json/yaml). The SVG chart is in ./spread-svg.
 */
import { CliIo, paint } from './io';
import { busiestMinutes, collidingWorkloads, DaySpread, MinuteSlot, minuteLabel, offsetChange, spreadRows, SpreadSummary, summarize } from './spread';
import { TERMINAL_WIDTH, wrapList, wrapWords } from './text-wrap';
import { formatCalendarDate, formatClockTime, formatRfc3339In, weekdayOf } from './time-text';

/** How many of the busiest minutes are named. */
export const BUSIEST_LIMIT = 5;
const CELLS = 60;
const LABEL_WIDTH = 5;
const TOTAL_WIDTH = 5;
// Counts up to 9 fit one character; more would break the grid, and the busiest list has the number.
const MAX_DIGIT = 9;

/** A CronJob the view does not count, and why. */
export interface LeftOut {
  readonly id: string;
  readonly reason: string;
}

/** Everything the view shows. */
export interface SpreadReport {
  readonly spread: DaySpread;
  readonly summary: SpreadSummary;
  readonly busiest: MinuteSlot[];
  /** Workloads in collisions whose minute is fixed (no H), which hashing could move. */
  readonly fixedTimeColliders: string[];
  readonly leftOut: LeftOut[];
  /** CronJobs without spec.timeZone, counted in `zone` (kube-controller-manager's, assumed). */
  readonly assumedZone?: { readonly zone: string; readonly ids: string[] };
}

/** Builds the report; `isFixedTime(id)` says whether a workload's minute is not hashed. */
export function spreadReport(spread: DaySpread, leftOut: LeftOut[], isFixedTime: (id: string) => boolean,
  assumedZone?: SpreadReport['assumedZone']): SpreadReport {
  return {
    spread,
    summary: summarize(spread),
    busiest: busiestMinutes(spread, BUSIEST_LIMIT),
    fixedTimeColliders: collidingWorkloads(spread).filter(isFixedTime),
    leftOut,
    ...(assumedZone && assumedZone.ids.length > 0 ? { assumedZone } : {}),
  };
}

/** `Sun 2026-03-08 in America/New_York` */
export function dayTitle(spread: DaySpread): string {
  return `${weekdayOf(spread.date)} ${formatCalendarDate(spread.date)} in ${spread.zone}`;
}

/** One sentence on a day of 23 or 25 hours, or undefined on an ordinary day. */
export function dayLengthNote(spread: DaySpread): string | undefined {
  const change = offsetChange(spread);
  if (!change) return undefined;
  const hours = spread.minutes.length / 60;
  return `A ${Number.isInteger(hours) ? hours : hours.toFixed(1)}-hour day: the clocks move from ${change.from} to ${change.to}.`;
}

/** The one-line answer to "did hashing spread our jobs?". */
export function verdict(report: SpreadReport): string {
  const { runs, usedMinutes, sharedMinutes, peak, peakMinute } = report.summary;
  const minutes = report.spread.minutes.length;
  if (runs === 0) {
    return 'Verdict: no runs start on this day.';
  }
  if (peak === 1) {
    return `Verdict: well spread, peak 1 run/minute; ${plural(runs, 'run')} in ${usedMinutes} of ${minutes} minutes, none shared.`;
  }
  return `Verdict: collisions, peak ${peak} runs/minute at ${minuteLabel(report.spread, peakMinute!)}; `
    + `${plural(runs, 'run')} in ${usedMinutes} of ${minutes} minutes, ${sharedMinutes} shared.`;
}

/** How the text view is drawn. */
export interface SpreadTextOptions {
  /** Every CronJob by name, however many share a minute (by default a crowded minute is summarised by namespace). */
  readonly verbose?: boolean;
}

/** The whole view as terminal text, coloured only when `io.color`. */
export function renderSpreadText(report: SpreadReport, io: Pick<CliIo, 'color'>, options: SpreadTextOptions = {}): string {
  const scale = cellScale(report.spread);
  return [
    ...headerLines(report, io),
    '',
    ...chartLines(report, io, scale),
    '',
    legendLine(io, scale),
    '',
    ...busiestLines(report, io, options.verbose ?? false),
    ...clockChangeLines(report, io),
    ...wrapWords(verdict(report)).map(line => paint(io, report.summary.peak > 1 ? 'yellow' : 'green', line)),
  ].join('\n') + '\n';
}

function headerLines(report: SpreadReport, io: Pick<CliIo, 'color'>): string[] {
  const { spread } = report;
  const lines = [paint(io, 'bold', `Runs per minute on ${dayTitle(spread)}, ${plural(spread.workloadCount, 'CronJob')}`)];
  const dayNote = dayLengthNote(spread);
  if (dayNote) lines.push(dayNote);
  for (const { id, reason } of report.leftOut) {
    lines.push(...wrapWords(`Not counted: ${id} (${reason}).`));
  }
  if (report.assumedZone) {
    lines.push(...wrapList(`Read in ${report.assumedZone.zone} (no spec.timeZone; see --controller-time-zone): `,
      report.assumedZone.ids, '.'));
  }
  return lines;
}

function chartLines(report: SpreadReport, io: Pick<CliIo, 'color'>, scale: CellScale | undefined): string[] {
  const ticks = Array<string>(CELLS).fill(' ');
  for (let m = 0; m < CELLS; m += 5) {
    [...String(m)].forEach((c, i) => { ticks[m + i] = c; });
  }
  const header = `${'hour'.padEnd(LABEL_WIDTH)}  ${ticks.join('')}  ${'runs'.padStart(TOTAL_WIDTH)}`;
  const rows = spreadRows(report.spread).map(row => {
    const cells = row.minutes.map(slot => cell(slot.workloads.length, io, scale)).join('') + ' '.repeat(CELLS - row.minutes.length);
    const total = row.minutes.reduce((sum, slot) => sum + slot.workloads.length, 0);
    const note = row.newOffset ? `  (clocks now at ${row.newOffset})` : '';
    return `${row.label.padEnd(LABEL_WIDTH)}  ${cells}  ${String(total).padStart(TOTAL_WIDTH)}${note}`;
  });
  return [paint(io, 'dim', header), ...rows];
}

/**
 * When some minute has more than 9 runs, digits cannot show the counts: the minutes with runs are
 * split into up to five buckets at quantiles of their counts, each drawn with a symbol whose
 * range the legend gives, so a fleet's chart still shows where the load is.
 */
interface CellScale {
  /** Per bucket, the highest count it holds, ascending. */
  readonly upper: number[];
  readonly lower: number[];
}

const SCALE_SYMBOLS = ['-', ':', '+', '*', '#'];

function cellScale(spread: DaySpread): CellScale | undefined {
  const counts = spread.minutes.map(slot => slot.workloads.length).filter(c => c > 0).sort((a, b) => a - b);
  if (counts.length === 0 || counts[counts.length - 1] <= MAX_DIGIT) {
    return undefined;
  }
  const upper: number[] = [];
  for (let q = 1; q <= SCALE_SYMBOLS.length; q++) {
    const at = counts[Math.min(counts.length - 1, Math.ceil((q * counts.length) / SCALE_SYMBOLS.length) - 1)];
    if (upper.length === 0 || at > upper[upper.length - 1]) {
      upper.push(at);
    }
  }
  const lower = upper.map((_, i) => (i === 0 ? counts[0] : upper[i - 1] + 1));
  return { upper, lower };
}

function cell(count: number, io: Pick<CliIo, 'color'>, scale: CellScale | undefined): string {
  if (count === 0) return paint(io, 'dim', '.');
  if (scale) {
    const bucket = scale.upper.findIndex(u => count <= u);
    const style = bucket <= 0 ? 'green' : bucket < scale.upper.length - 1 ? 'yellow' : 'red';
    return paint(io, style, SCALE_SYMBOLS[bucket]);
  }
  const text = count > MAX_DIGIT ? '+' : String(count);
  return paint(io, count === 1 ? 'green' : count === 2 ? 'yellow' : 'red', text);
}

function legendLine(io: Pick<CliIo, 'color'>, scale: CellScale | undefined): string {
  if (!scale) {
    return paint(io, 'dim', `. no run   1-${MAX_DIGIT} runs start in that minute   + more than ${MAX_DIGIT}`);
  }
  const buckets = scale.upper.map((u, i) => `${SCALE_SYMBOLS[i]} ${scale.lower[i] === u ? u : `${scale.lower[i]}-${u}`}`);
  return paint(io, 'dim', `. no run  ${buckets.join('  ')}  runs in a minute (quantile buckets)`);
}

/** More CronJobs than this in one minute are summarised by namespace unless --verbose. */
const NAMES_PER_MINUTE = 8;

/** `team-0 (3), team-1 (4)`: CronJobs counted per namespace, for a crowded minute or list. */
export function byNamespace(ids: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const id of ids) {
    const namespace = id.slice(0, id.indexOf('/'));
    counts.set(namespace, (counts.get(namespace) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([ns, n]) => `${ns} (${n})`);
}

function busiestLines(report: SpreadReport, io: Pick<CliIo, 'color'>, verbose: boolean): string[] {
  if (report.busiest.length === 0) {
    return [];
  }
  const lines = [paint(io, 'bold', `Busiest minutes (top ${BUSIEST_LIMIT} with two or more runs):`)];
  const labels = report.busiest.map(slot => minuteLabel(report.spread, slot));
  const labelWidth = Math.max(...labels.map(l => l.length));
  const countWidth = Math.max(...report.busiest.map(slot => plural(slot.workloads.length, 'run').length));
  let summarised = false;
  report.busiest.forEach((slot, i) => {
    const crowded = !verbose && slot.workloads.length > NAMES_PER_MINUTE;
    summarised ||= crowded;
    const prefix = `  ${labels[i].padEnd(labelWidth)}  ${plural(slot.workloads.length, 'run').padEnd(countWidth)}  `;
    lines.push(...wrapList(crowded ? `${prefix}by namespace: ` : prefix, crowded ? byNamespace(slot.workloads) : slot.workloads, ''));
  });
  if (report.fixedTimeColliders.length > 0) {
    const crowded = !verbose && report.fixedTimeColliders.length > NAMES_PER_MINUTE;
    summarised ||= crowded;
    lines.push(...wrapList(crowded ? 'Fixed times in collisions (write H to spread them), by namespace: ' : 'Fixed times in collisions (write H to spread them): ',
      crowded ? byNamespace(report.fixedTimeColliders) : report.fixedTimeColliders, ''));
  }
  if (summarised) {
    lines.push(paint(io, 'dim', 'Crowded minutes are summarised by namespace; --verbose lists every CronJob (so does -o json).'));
  }
  return lines;
}

/** Runs a clock change moved or added, and searches that stopped at a skipped day (docs/schedules.md). */
function clockChangeLines(report: SpreadReport, io: Pick<CliIo, 'color'>): string[] {
  const { spread } = report;
  const lines: string[] = [];
  if (spread.clockChanges.length > 0) {
    lines.push(paint(io, 'bold', 'Runs a clock change moved, added or repeated (as Kubernetes runs them):'));
    for (const run of spread.clockChanges) {
      lines.push(...indented(`${formatClockTime(run.at, spread.zone)}  ${run.id}: ${run.remark}`).map(l => paint(io, 'yellow', l)));
    }
  }
  for (const { id, note } of spread.stopped) {
    lines.push(...wrapWords(`${id}: ${note}.`).map(l => paint(io, 'yellow', l)));
  }
  return lines;
}

/** Wrapped, the first line indented by two and the rest by four. */
function indented(text: string): string[] {
  return wrapWords(text, TERMINAL_WIDTH - 4).map((line, i) => `${i === 0 ? '  ' : '    '}${line}`);
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** The view as data for -o json / -o yaml: minutes without runs are left out. */
export function spreadData(report: SpreadReport): Record<string, unknown> {
  const { spread, summary } = report;
  const at = (slot: MinuteSlot) => formatRfc3339In(slot.start, spread.zone);
  return {
    date: formatCalendarDate(spread.date),
    timeZone: spread.zone,
    minutesInDay: spread.minutes.length,
    cronJobs: spread.workloadCount,
    notCounted: report.leftOut,
    ...(report.assumedZone ? { assumedTimeZone: report.assumedZone } : {}),
    runs: summary.runs,
    usedMinutes: summary.usedMinutes,
    sharedMinutes: summary.sharedMinutes,
    peak: summary.peak,
    verdict: verdict(report).replace(/^Verdict: /, ''),
    busiest: report.busiest.map(slot => ({ at: at(slot), runs: slot.workloads.length, cronJobs: slot.workloads })),
    fixedTimeColliders: report.fixedTimeColliders,
    ...(spread.clockChanges.length > 0
      ? { clockChanges: spread.clockChanges.map(run => ({ at: formatRfc3339In(run.at, spread.zone), cronJob: run.id, remark: run.remark })) }
      : {}),
    ...(spread.stopped.length > 0 ? { stopped: spread.stopped.map(({ id, note }) => ({ cronJob: id, note })) } : {}),
    minutes: spread.minutes.filter(slot => slot.workloads.length > 0)
      .map(slot => ({ at: at(slot), runs: slot.workloads.length, cronJobs: slot.workloads })),
  };
}
