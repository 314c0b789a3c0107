/**
 * `cdk8s-batch schedule [PATHS...]`: every CronJob in synthesized manifests with where its
 * schedule came from (expression as written, seed), what Kubernetes runs, what that means and
 * when it runs next; with --spread, how the runs of one day spread over its minutes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { findRuns, FoundRuns, MAX_NEXT_RUNS } from '../../../../src/schedule';
import { ANNOTATION_SCHEDULE } from '../../../../src/contract/keys';
import { cronJobSchedules, CronJobSchedule, ScheduleEntry, scheduleEntries } from '../cronjobs';
import { ZoneClock } from '../../../../src/time';
import { RuntimeError, UsageError } from '../errors';
import { formatData, OUTPUT_FORMATS, OutputFormat, parseTimeZone, parseWholeNumber, requireMode } from '../flag-values';
import { CliIo, paint } from '../io';
import { readManifests } from '../manifest-files';
import { spreadOfDay, startOfDay } from '../spread';
import { LeftOut, renderSpreadText, spreadData, spreadReport } from '../spread-report';
import { renderSpreadSvg } from '../spread-svg';
import { TERMINAL_WIDTH, wrapWords } from '../text-wrap';
import { CalendarDate, calendarDateIn, formatCalendarDate, formatRfc3339In, formatUtc, formatWallTime, parseCalendarDate, parseRfc3339 } from '../time-text';

const DEFAULT_PATH = 'dist';
const DEFAULT_COUNT = 3;
const LABEL_WIDTH = 12;
const INDENT = '  ';

interface ScheduleOptions {
  readonly count?: string;
  readonly from?: string;
  readonly output: OutputFormat;
  readonly controllerTimeZone: string;
  readonly spread?: boolean;
  readonly timeZone?: string;
  readonly date?: string;
  readonly svg?: string;
  readonly verbose?: boolean;
  /** `-f`: paths as `run -f` takes them, for one habit across commands. */
  readonly file?: string[];
}

export function registerSchedule(program: Command, io: CliIo): Command {
  return program.command('schedule')
    .description('List the CronJobs in synthesized manifests: schedule as written, hash seed, resolved schedule, '
      + 'meaning, time zone and next runs. With --spread, chart how one day\'s runs spread over its minutes.')
    .argument('[paths...]', `YAML files or directories, searched recursively for *.yaml and *.yml (default: ${DEFAULT_PATH})`)
    .option('-f, --file <path...>', 'the same as PATHS (as run -f takes them)')
    .option('--count <n>', `how many next runs to show per CronJob (default: ${DEFAULT_COUNT})`)
    .option('--from <time>', 'show runs after this RFC 3339 time instead of now')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('text'))
    .option('--controller-time-zone <zone>', 'the zone kube-controller-manager runs in, for CronJobs without spec.timeZone', 'UTC')
    .option('--spread', 'show the load-spread view: runs per minute of one day across all CronJobs')
    .option('--time-zone <zone>', 'with --spread: the zone whose day is charted (default: UTC)')
    .option('--date <YYYY-MM-DD>', 'with --spread: the day to chart (default: today in --time-zone)')
    .option('--svg <file>', 'with --spread: also write the chart as an SVG file')
    .option('--verbose', 'with --spread: name every CronJob in crowded minutes (by default summarised by namespace)')
    .addHelpText('after', `
Examples:
  $ cdk8s-batch schedule                        # every CronJob under dist/, next 3 runs
  $ cdk8s-batch schedule dist/reports.k8s.yaml --count 5 --from 2026-03-07T12:00:00Z
  $ cdk8s-batch schedule -f dist/ -o json
  $ cdk8s-batch schedule --spread               # today's runs per minute, in UTC
  $ cdk8s-batch schedule --spread --time-zone America/New_York --date 2026-03-08 --svg spread.svg

CronJobs synthesized by cdk8s-batch carry the schedule as written and the hash seed in the
annotations cdk8s-batch.dev/schedule and cdk8s-batch.dev/hash-seed; plain CronJobs are listed
with their spec.schedule alone. Without spec.timeZone, Kubernetes reads a schedule in
kube-controller-manager's local zone, which the manifests do not tell: pass it with
--controller-time-zone (default UTC).

Exit codes: 0 ok (also when no CronJob is found), 1 a path is missing, a file is not YAML or a
CronJob's schedule cannot be read, 2 bad flags.`)
    .action((positional: string[], options: ScheduleOptions) => {
      const paths = [...positional, ...options.file ?? []];
      const usingDefault = paths.length === 0;
      runSchedule(usingDefault ? [DEFAULT_PATH] : paths, options, io, usingDefault);
    });
}

function runSchedule(paths: string[], options: ScheduleOptions, io: CliIo, usingDefault: boolean): void {
  const controllerZone = parseTimeZone('--controller-time-zone', options.controllerTimeZone);
  if (options.spread) {
    requireMode('--count', options.count, 'the list of CronJobs', 'Leave --count out with --spread (the spread view shows a whole day).');
    requireMode('--from', options.from, 'the list of CronJobs', 'Use --date to choose the day of the spread view.');
    showSpread(paths, options, io, controllerZone, usingDefault);
  } else {
    requireMode('--time-zone', options.timeZone, '--spread', 'Add --spread, or leave --time-zone out (the list shows each CronJob in its own zone).');
    requireMode('--date', options.date, '--spread', 'Add --spread, or use --from to choose where the list of next runs starts.');
    requireMode('--svg', options.svg, '--spread', 'Add --spread to write the chart.');
    requireMode('--verbose', options.verbose ? 'true' : undefined, '--spread', 'Add --spread, or leave --verbose out (the list names every CronJob).');
    listSchedules(paths, options, io, controllerZone, usingDefault);
  }
}

// ---------------------------------------------------------------------------------------------
// The list

function listSchedules(paths: string[], options: ScheduleOptions, io: CliIo, controllerZone: string, usingDefault: boolean): void {
  const count = options.count === undefined ? DEFAULT_COUNT : parseWholeNumber('--count', options.count, 1, MAX_NEXT_RUNS);
  const from = options.from === undefined ? io.now() : parseRfc3339('--from', options.from);
  const manifests = readManifests(paths, io.cwd, usingDefault);
  const cronJobs = cronJobSchedules(manifests.objects, controllerZone);
  const runs = new Map(cronJobs.map(c => [c, c.problem ? NO_RUNS : findRuns(c.resolved, { count, from, timeZone: c.zone })]));

  const entries = scheduleEntries(cronJobs);
  if (options.output === 'text') {
    io.stdout.write(cronJobs.length === 0
      ? noCronJobs(paths, manifests.files.length, manifests.objects.length)
      : listText(cronJobs.length, entries, runs, count, from, io));
  } else {
    const data = entries.map(e => e.cronJobs.length === 1 ? cronJobData(e.cronJobs[0], runs.get(e.cronJobs[0])!) : workloadData(e, runs, count));
    io.stdout.write(formatData(options.output, data));
  }
  failOnUnreadable(cronJobs, options.output === 'text' ? 'above' : 'in the output');
}

const NO_RUNS: FoundRuns = { runs: [] };

function noCronJobs(paths: string[], files: number, objects: number): string {
  return `No CronJobs found in ${paths.join(', ')} (${files} YAML ${files === 1 ? 'file' : 'files'}, ${objects} ${objects === 1 ? 'object' : 'objects'}).\n`;
}

function listText(total: number, entries: ScheduleEntry[], runs: Map<CronJobSchedule, FoundRuns>, count: number, from: Date, io: CliIo): string {
  const header = `${total} ${total === 1 ? 'CronJob' : 'CronJobs'}, next ${count} ${count === 1 ? 'run' : 'runs'} after ${formatUtc(from)}`;
  const blocks = entries.map(e => e.cronJobs.length === 1 ? cronJobText(e.cronJobs[0], runs.get(e.cronJobs[0])!, io) : workloadText(e, runs, count, io));
  return [paint(io, 'bold', header), ...blocks].join('\n\n') + '\n';
}

/** A run of a workload with several CronJobs, and which of them start it. */
interface MergedRun { readonly at: Date; readonly cronJobs: string[]; readonly remark?: string }

/**
 * The workload's next runs: every CronJob's, in time order, a time due on two CronJobs once
 * (each would start a Job then; the list says which).
 */
function mergedRuns(entry: ScheduleEntry, runs: Map<CronJobSchedule, FoundRuns>, count: number): MergedRun[] {
  const all = entry.cronJobs.flatMap(c => runs.get(c)!.runs.map(run => ({ at: run.at, name: c.name, remark: run.remark })))
    .sort((a, b) => a.at.getTime() - b.at.getTime() || byName(a.name, b.name));
  const merged: MergedRun[] = [];
  for (const run of all) {
    const last = merged[merged.length - 1];
    if (last && last.at.getTime() === run.at.getTime()) {
      last.cronJobs.push(run.name);
    } else {
      merged.push({ at: run.at, cronJobs: [run.name], remark: run.remark });
    }
  }
  return merged.slice(0, count);
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function workloadText(entry: ScheduleEntry, runs: Map<CronJobSchedule, FoundRuns>, count: number, io: CliIo): string {
  const first = entry.cronJobs[0];
  const lines = [`${paint(io, 'bold', entry.id)}  ${paint(io, 'dim', `(${first.kind} in ${first.file}, ${entry.cronJobs.length} CronJobs)`)}`];
  for (const c of entry.cronJobs) {
    // Each CronJob's own block, without its next runs (the workload's are merged below).
    const own = cronJobText(c, { runs: [] }, io, true).split('\n').slice(1);
    lines.push(`${INDENT}${'cronjob'.padEnd(LABEL_WIDTH)}${c.name}`, ...own);
  }
  const merged = mergedRuns(entry, runs, count);
  merged.forEach((run, i) => {
    const text = `${formatWallTime(run.at, first.zone)}  ${run.cronJobs.join(', ')}${run.remark ? `  ${run.remark}` : ''}`;
    lines.push(`${INDENT}${(i === 0 ? 'next runs' : '').padEnd(LABEL_WIDTH)}${text}`);
  });
  if (merged.length === 0) {
    lines.push(`${INDENT}${'next runs'.padEnd(LABEL_WIDTH)}none found`);
  }
  return lines.join('\n');
}

function workloadData(entry: ScheduleEntry, runs: Map<CronJobSchedule, FoundRuns>, count: number): Record<string, unknown> {
  const first = entry.cronJobs[0];
  return {
    namespace: first.namespace,
    workload: first.workload,
    kind: first.kind,
    cronJobs: entry.cronJobs.map(c => cronJobData(c, runs.get(c)!)),
    nextRuns: mergedRuns(entry, runs, count).map(run => ({ at: formatRfc3339In(run.at, first.zone), cronJobs: run.cronJobs })),
  };
}

function cronJobText(c: CronJobSchedule, found: FoundRuns, io: CliIo, withoutRuns = false): string {
  const origin = c.kind ? `${c.kind} in ${c.file}` : `plain CronJob in ${c.file}`;
  const lines = [`${paint(io, 'bold', c.id)}  ${paint(io, 'dim', `(${origin})`)}`];
  const row = (label: string, value: string, style?: Parameters<typeof paint>[1], remark?: string) => {
    wrapWords(remark === undefined ? value : `${value}  ${remark}`, TERMINAL_WIDTH - INDENT.length - LABEL_WIDTH).forEach((part, i) => {
      const text = style ? paint(io, style, part) : remark === undefined ? part : paint(io, 'yellow', part);
      lines.push(`${INDENT}${(i === 0 ? label : '').padEnd(LABEL_WIDTH)}${text}`);
    });
  };
  if (c.expression === undefined) {
    row('written', `-  (no ${ANNOTATION_SCHEDULE} annotation)`);
    row('seed', '-');
  } else {
    row('written', c.expression);
    row('seed', c.hashed ? c.seed ?? '-' : `${c.seed ?? '-'}  (not used: no H)`);
  }
  row('resolved', c.resolved);
  if (c.problem) {
    row('problem', c.problem, 'red');
    return lines.join('\n');
  }
  row('meaning', c.explanation!);
  row('time zone', c.timeZone ?? `unset: kube-controller-manager's local zone (assumed ${c.zone}, see --controller-time-zone)`);
  if (c.suspended) {
    row('suspended', 'yes: none of these runs start while spec.suspend is true', 'yellow');
  }
  if (c.drift) {
    row('warning', c.drift, 'yellow');
  }
  if (withoutRuns) {
    return lines.join('\n');
  }
  // A run that a clock change moved or added says so on its line (docs/schedules.md, "Clock changes").
  found.runs.forEach((run, i) => row(i === 0 ? 'next runs' : '', formatWallTime(run.at, c.zone), undefined,
    run.remark));
  if (found.runs.length === 0) {
    row('next runs', 'none found');
  }
  if (found.note) {
    row('note', found.note, 'yellow');
  }
  return lines.join('\n');
}

function cronJobData(c: CronJobSchedule, found: FoundRuns): Record<string, unknown> {
  const remarks = found.runs.filter(run => run.remark !== undefined)
    .map(run => ({ at: formatRfc3339In(run.at, c.zone), remark: run.remark }));
  return {
    namespace: c.namespace,
    name: c.name,
    file: c.file,
    kind: c.kind ?? null,
    expression: c.expression ?? null,
    seed: c.seed ?? null,
    hashed: c.hashed,
    resolved: c.resolved,
    explanation: c.explanation ?? null,
    timeZone: c.timeZone ?? null,
    effectiveTimeZone: c.zone,
    suspended: c.suspended,
    nextRuns: found.runs.map(run => formatRfc3339In(run.at, c.zone)),
    ...(remarks.length > 0 ? { clockChanges: remarks } : {}),
    ...(found.note ? { note: found.note } : {}),
    ...(c.drift ? { warning: c.drift } : {}),
    ...(c.problem ? { problem: c.problem } : {}),
  };
}

/** Where the output put each CronJob's problem, so the final error can point there. */
type ProblemShown = 'above' | 'in the output' | 'not at all';

/**
 * Called after the output, so that the readable CronJobs are still shown; then exit 1 for the
 * others, with each problem in the message unless the output already shows it.
 */
function failOnUnreadable(cronJobs: CronJobSchedule[], shown: ProblemShown): void {
  const unreadable = cronJobs.filter(c => c.problem);
  if (unreadable.length === 0) {
    return;
  }
  if (shown !== 'not at all') {
    throw new RuntimeError(`cannot read the schedule of ${unreadable.map(c => c.id).join(', ')} (see "problem" ${shown}). `
      + 'Fix spec.schedule or spec.timeZone in the manifest.');
  }
  throw new RuntimeError(unreadable.map(c => `cannot read the schedule of ${c.id}, so it is not counted: ${c.problem}`).join('\n'));
}

// ---------------------------------------------------------------------------------------------
// The load-spread view

function showSpread(paths: string[], options: ScheduleOptions, io: CliIo, controllerZone: string, usingDefault: boolean): void {
  const zone = options.timeZone === undefined ? 'UTC' : parseTimeZone('--time-zone', options.timeZone);
  const date = options.date === undefined ? calendarDateIn(io.now(), zone) : parseCalendarDate('--date', options.date);
  if (dayIsSkipped(date, zone)) {
    throw new UsageError(`--date: ${formatCalendarDate(date)} does not exist in ${zone} (the clocks skipped that day). Chart the day before or after.`);
  }
  const manifests = readManifests(paths, io.cwd, usingDefault);
  const cronJobs = cronJobSchedules(manifests.objects, controllerZone);
  const counted = cronJobs.filter(c => !c.problem && !c.suspended);
  const leftOut: LeftOut[] = cronJobs.filter(c => c.problem || c.suspended)
    .map(c => ({ id: c.id, reason: c.problem ? 'schedule cannot be read' : 'suspended' }));
  const fixedTime = new Set(counted.filter(c => !c.hashed).map(c => c.id));
  const report = spreadReport(
    spreadOfDay(counted.map(c => ({ id: c.id, resolved: c.resolved, zone: c.zone })), date, zone),
    leftOut,
    id => fixedTime.has(id),
    { zone: controllerZone, ids: counted.filter(c => c.timeZone === undefined).map(c => c.id) },
  );

  if (options.output === 'text') {
    io.stdout.write(cronJobs.length === 0
      ? noCronJobs(paths, manifests.files.length, manifests.objects.length)
      : renderSpreadText(report, io, { verbose: options.verbose }));
  } else {
    const data = spreadData(report);
    io.stdout.write(formatData(options.output, data));
  }
  if (options.svg !== undefined) {
    writeSvg(options.svg, renderSpreadSvg(report), io);
  }
  failOnUnreadable(cronJobs, 'not at all');
}

function dayIsSkipped(date: CalendarDate, zone: string): boolean {
  const clock = new ZoneClock(zone);
  return startOfDay(clock, date.year, date.month, date.day) >= startOfDay(clock, date.year, date.month, date.day + 1);
}

function writeSvg(file: string, svg: string, io: CliIo): void {
  try {
    fs.writeFileSync(path.resolve(io.cwd, file), svg);
  } catch (e) {
    throw new RuntimeError(`--svg: cannot write ${file} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). `
      + 'Check that the directory exists and is writable.');
  }
  // On stderr, so that stdout stays pure JSON or YAML with -o json/yaml.
  io.stderr.write(`Wrote the chart to ${file}\n`);
}
