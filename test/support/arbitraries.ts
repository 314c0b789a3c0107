/**
 * fast-check arbitraries for the corpus tests (test/corpus.test.ts and
 * test/e2e/corpus.e2e.test.ts).
 *
 * Every arbitrary produces PLAIN DATA (a `WorkloadSpec`), never constructs, so that a
 * failing case prints as JSON and shrinks; `buildWorkload()` turns a spec into constructs.
 *
 * - `validSpec()`: the valid domain. Everything it produces must synthesize, pass
 *   `validateManifest` and be accepted by a real kube-apiserver.
 * - `invalidCase()`: a valid base with exactly ONE defect, paired with the exact message the
 *   construct (or the factory it calls) throws. The messages below are hard-coded, copied
 *   once from a run of the code; they are not computed by the code under test.
 */
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import {
  BatchJob, BoolFormat, Completion, Concurrency, ConcurrencyGroup, ExitCodeOperator, JobOption, Matrix, MatrixDelivery, MatrixDeliveryMode,
  ParallelMatrixJob, ParameterizedJob, PodFailureAction, PodFailureRule, RunKind, Schedule, ScheduledBatch, TimeZone,
} from '../../src';
import { maxCronJobNameLength, maxJobNameLength } from '../../src/matrix';

// ---------------------------------------------------------------------------------------
// Spec types (plain data)
// ---------------------------------------------------------------------------------------

export interface ScheduleSpec {
  /** `cron` → Schedule.cron(expression); `hashed` → Schedule.hashed(expression). */
  readonly factory: 'cron' | 'hashed';
  readonly expression: string;
}

export interface ConcurrencySpec {
  readonly policy: 'allow' | 'forbid' | 'replace' | 'enqueue';
  readonly maxConcurrency?: number;
  readonly maxQueued?: number;
}

export type RuleSpec =
  | {
    readonly on: 'exitCodes';
    readonly action: 'FailJob' | 'Ignore' | 'Count';
    readonly operator: 'In' | 'NotIn';
    readonly exitCodes: number[];
    readonly containerName?: string;
  }
  | { readonly on: 'conditions'; readonly action: 'FailJob' | 'Ignore' | 'Count'; readonly status?: 'True' | 'False' | 'Unknown' };

export type OptionSpec =
  | {
    readonly type: 'string';
    readonly name: string;
    readonly default?: string;
    readonly required?: boolean;
    readonly trimSpaces?: boolean;
    readonly pattern?: string;
  }
  | { readonly type: 'bool'; readonly name: string; readonly default?: boolean; readonly format?: 'TrueFalse' | 'OneZero' | 'YesNo' | 'Custom' }
  | { readonly type: 'select'; readonly name: string; readonly values: string[]; readonly default?: string; readonly required?: boolean }
  | {
    readonly type: 'multi';
    readonly name: string;
    readonly values: string[];
    readonly defaults?: string[];
    readonly delimiter?: string;
    readonly required?: boolean;
  }
  | { readonly type: 'date'; readonly name: string; readonly required?: boolean }
  | {
    readonly type: 'int';
    readonly name: string;
    readonly default?: number;
    readonly min?: number;
    readonly max?: number;
    readonly required?: boolean;
  };

export interface RunSpec {
  readonly id: string;
  readonly kind: 'Job' | 'JobRun';
  readonly name?: string;
  readonly values: Record<string, string>;
}

/** A matrix: key → values, with GitHub-style include/exclude. */
export interface MatrixSpec {
  readonly values: Record<string, string[]>;
  readonly include?: Array<Record<string, string>>;
  readonly exclude?: Array<Record<string, string>>;
  readonly maxParallel?: number;
  readonly anySuccessful?: boolean;
  readonly failFast?: boolean;
}

export interface WorkloadSpec {
  readonly kind: 'ScheduledBatch' | 'ParameterizedJob' | 'ParallelMatrixJob' | 'BatchJob';
  /** Construct id. */
  readonly id: string;
  /** metadata.name (CronJob or JobTemplate). */
  readonly name: string;
  readonly labels?: Record<string, string>;
  /** ScheduledBatch only. */
  readonly schedule?: ScheduleSpec;
  /** ScheduledBatch only: more schedules, making `schedules: [schedule, ...extraSchedules]`. */
  readonly extraSchedules?: ScheduleSpec[];
  /** BatchJob only. */
  readonly completions?: number;
  /** BatchJob only. */
  readonly parallelism?: number;
  /** BatchJob only. */
  readonly workQueue?: boolean;
  /** ScheduledBatch only: a name for TimeZone.of(). */
  readonly timeZone?: string;
  readonly hashSeed?: string;
  readonly concurrency?: ConcurrencySpec;
  readonly startingDeadlineSeconds?: number;
  readonly suspend?: boolean;
  readonly successfulJobsRetained?: number;
  readonly failedJobsRetained?: number;
  readonly activeDeadlineSeconds?: number;
  readonly ttlAfterFinishedSeconds?: number;
  readonly maxAttempts?: number;
  readonly podFailureRules?: RuleSpec[];
  readonly config?: Record<string, string>;
  readonly options?: OptionSpec[];
  /** A ConcurrencyGroup to join. */
  readonly concurrencyGroup?: { readonly name: string; readonly maxConcurrency?: number };
  /** `retryDelay` in seconds (a scheduling gate and an annotation in the pod template). */
  readonly retryDelaySeconds?: number;
  /** ParameterizedJob only. */
  readonly runs?: RunSpec[];
  /** ParallelMatrixJob, or a ScheduledBatch without options. */
  readonly matrix?: MatrixSpec;
}

// ---------------------------------------------------------------------------------------
// Building constructs from a spec
// ---------------------------------------------------------------------------------------

const BOOL_FORMATS: Record<string, BoolFormat> = {
  TrueFalse: BoolFormat.TRUE_FALSE, OneZero: BoolFormat.ONE_ZERO, YesNo: BoolFormat.YES_NO, Custom: BoolFormat.CUSTOM,
};
const ACTIONS: Record<string, PodFailureAction> = {
  FailJob: PodFailureAction.FAIL_JOB, Ignore: PodFailureAction.IGNORE, Count: PodFailureAction.COUNT,
};

export function buildSchedule(spec: ScheduleSpec): Schedule {
  return spec.factory === 'hashed' ? Schedule.hashed(spec.expression) : Schedule.cron(spec.expression);
}

export function buildConcurrency(spec: ConcurrencySpec): Concurrency {
  switch (spec.policy) {
    case 'allow': return Concurrency.allow();
    case 'forbid': return Concurrency.forbid();
    case 'replace': return Concurrency.replace();
    case 'enqueue': return Concurrency.enqueue({ maxConcurrency: spec.maxConcurrency, maxQueued: spec.maxQueued });
  }
}

export function buildRule(spec: RuleSpec): PodFailureRule {
  if (spec.on === 'exitCodes') {
    return PodFailureRule.onExitCodes({
      action: ACTIONS[spec.action],
      exitCodes: spec.exitCodes,
      operator: spec.operator === 'In' ? ExitCodeOperator.IN : ExitCodeOperator.NOT_IN,
      containerName: spec.containerName,
    });
  }
  return PodFailureRule.onPodConditions({ action: ACTIONS[spec.action], conditions: [{ type: 'DisruptionTarget', status: spec.status }] });
}

export function buildOption(spec: OptionSpec): JobOption {
  switch (spec.type) {
    case 'string':
      return JobOption.string({
        name: spec.name, default: spec.default, required: spec.required, trimSpaces: spec.trimSpaces, pattern: spec.pattern,
      });
    case 'bool': {
      const custom = spec.format === 'Custom';
      return JobOption.bool({
        name: spec.name,
        default: spec.default,
        format: spec.format ? BOOL_FORMATS[spec.format] : undefined,
        trueValue: custom ? 'on' : undefined,
        falseValue: custom ? 'off' : undefined,
      });
    }
    case 'select':
      return JobOption.select({ name: spec.name, values: spec.values, default: spec.default, required: spec.required });
    case 'multi':
      return JobOption.multi({ name: spec.name, values: spec.values, defaults: spec.defaults, delimiter: spec.delimiter, required: spec.required });
    case 'date':
      return JobOption.date({ name: spec.name, required: spec.required });
    case 'int':
      return JobOption.int({ name: spec.name, default: spec.default, min: spec.min, max: spec.max, required: spec.required });
  }
}

/** Turns a spec into constructs under `scope`. Factories (Schedule, TimeZone, ...) throw here too. */
export function buildMatrix(spec: MatrixSpec): Matrix {
  return Matrix.of(spec.values, { include: spec.include, exclude: spec.exclude });
}

/**
 * @param matrixDelivery a matrix workload's delivery; with `MatrixDelivery.files()` the
 * container names its cell's files in args instead of `${matrix.KEY}`, which files only cannot
 * carry. Default: the prop unset (the target's choice) and `${matrix.KEY}` in args.
 */
export function buildWorkload(
  scope: Construct, spec: WorkloadSpec, matrixDelivery?: MatrixDelivery,
): ScheduledBatch | ParameterizedJob | ParallelMatrixJob | BatchJob {
  const jobOptions = (spec.options ?? []).map(buildOption);
  const matrix = spec.matrix ? buildMatrix(spec.matrix) : undefined;
  const filesOnly = matrixDelivery?.mode === MatrixDeliveryMode.FILES;
  const args = [
    'run',
    ...(spec.options ?? []).map((o) => `--${o.name}=\${option.${o.name}}`),
    ...(matrix ? matrix.keyNames.map((k) => (filesOnly ? `--${k}-file=/etc/cdk8s-batch/matrix/${k}` : `--${k}=\${matrix.${k}}`)) : []),
  ];
  const matrixProps = spec.matrix && matrix ? {
    matrixDelivery,
    matrix,
    maxParallel: spec.matrix.maxParallel,
    completion: spec.matrix.anySuccessful ? Completion.anySuccessful() : Completion.allSuccessful({ failFast: spec.matrix.failFast }),
  } : {};
  const common = {
    containers: [{ name: 'main', image: 'registry.example/batch:1.0', args }],
    metadata: { name: spec.name, labels: spec.labels },
    concurrency: spec.concurrency ? buildConcurrency(spec.concurrency) : undefined,
    activeDeadline: spec.activeDeadlineSeconds !== undefined ? Duration.seconds(spec.activeDeadlineSeconds) : undefined,
    ttlAfterFinished: spec.ttlAfterFinishedSeconds !== undefined ? Duration.seconds(spec.ttlAfterFinishedSeconds) : undefined,
    maxAttempts: spec.maxAttempts,
    podFailureRules: spec.podFailureRules?.map(buildRule),
    config: spec.config,
    options: jobOptions.length > 0 ? jobOptions : undefined,
    concurrencyGroup: spec.concurrencyGroup ? new ConcurrencyGroup(spec.concurrencyGroup) : undefined,
    retryDelay: spec.retryDelaySeconds !== undefined ? Duration.seconds(spec.retryDelaySeconds) : undefined,
  };
  if (spec.kind === 'ParallelMatrixJob') {
    const { concurrency: _unused, ...jobProps } = common;
    return new ParallelMatrixJob(scope, spec.id, { ...jobProps, ...matrixProps, matrix: matrix! });
  }
  if (spec.kind === 'BatchJob') {
    const { concurrency: _unused, ...jobProps } = common;
    return new BatchJob(scope, spec.id, {
      ...jobProps, completions: spec.completions, parallelism: spec.parallelism, workQueue: spec.workQueue,
    });
  }
  if (spec.kind === 'ScheduledBatch') {
    const first = buildSchedule(spec.schedule ?? { factory: 'cron', expression: '0 0 * * *' });
    return new ScheduledBatch(scope, spec.id, {
      ...common,
      ...matrixProps,
      ...(spec.extraSchedules ? { schedules: [first, ...spec.extraSchedules.map(buildSchedule)] } : { schedule: first }),
      timeZone: spec.timeZone !== undefined ? TimeZone.of(spec.timeZone) : undefined,
      hashSeed: spec.hashSeed,
      startingDeadline: spec.startingDeadlineSeconds !== undefined ? Duration.seconds(spec.startingDeadlineSeconds) : undefined,
      suspend: spec.suspend,
      successfulJobsRetained: spec.successfulJobsRetained,
      failedJobsRetained: spec.failedJobsRetained,
    });
  }
  const job = new ParameterizedJob(scope, spec.id, common);
  for (const run of spec.runs ?? []) {
    job.addRun(run.id, { kind: run.kind === 'Job' ? RunKind.JOB : RunKind.JOB_RUN, name: run.name, values: run.values });
  }
  return job;
}

// ---------------------------------------------------------------------------------------
// Schedules
// ---------------------------------------------------------------------------------------

interface FieldDef {
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
  /** Plain numbers are drawn up to this (day-of-month: 28, so that every month has the day). */
  readonly safeMax?: number;
}
const MINUTE: FieldDef = { min: 0, max: 59 };
const HOUR: FieldDef = { min: 0, max: 23 };
// Days 29-31 do not exist in every month; a schedule such as `0 0 30 2 *` never fires and is
// rejected (see the invalid table). The valid domain keeps plain days to 1-28.
const DOM: FieldDef = { min: 1, max: 31, safeMax: 28 };
const MONTH: FieldDef = { min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] };
const DOW: FieldDef = { min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] };

/** Two ordered values lo <= hi within [min, max]. */
function orderedPair(min: number, max: number): fc.Arbitrary<[number, number]> {
  return fc.tuple(fc.integer({ min, max }), fc.integer({ min, max })).map(([a, b]) => (a <= b ? [a, b] : [b, a]) as [number, number]);
}

/** One list item of a field: number, range, step, name or name range. */
function plainItem(f: FieldDef): fc.Arbitrary<string> {
  const max = f.safeMax ?? f.max;
  const items: Array<fc.Arbitrary<string>> = [
    fc.integer({ min: f.min, max }).map(String),
    orderedPair(f.min, max).map(([a, b]) => `${a}-${b}`),
    fc.integer({ min: 1, max: max - f.min + 1 }).map((s) => `*/${s}`),
    orderedPair(f.min, max).chain(([a, b]) => fc.integer({ min: 1, max: b - a + 1 }).map((s) => `${a}-${b}/${s}`)),
    fc.integer({ min: f.min, max }).chain((a) => fc.integer({ min: 1, max: max - a + 1 }).map((s) => `${a}/${s}`)),
  ];
  if (f.names) {
    const names = f.names;
    const cased = (n: string, lower: boolean) => (lower ? n.toLowerCase() : n);
    items.push(fc.tuple(fc.integer({ min: 0, max: names.length - 1 }), fc.boolean()).map(([i, lower]) => cased(names[i], lower)));
    items.push(fc.tuple(orderedPair(0, names.length - 1), fc.boolean())
      .map(([[a, b], lower]) => `${cased(names[a], lower)}-${cased(names[b], lower)}`));
  }
  if (f === DOW) {
    items.push(fc.constant('7')); // Sunday
    items.push(fc.integer({ min: 0, max: 6 }).map((a) => `${a}-7`)); // 7 may end a range
  }
  return fc.oneof(...items);
}

/** `H`, `H(a-b)`, `H/n` or `H(a-b)/n`. */
function hashItem(f: FieldDef): fc.Arbitrary<string> {
  const max = f.safeMax ?? f.max;
  return fc.oneof(
    fc.constant('H'),
    orderedPair(f.min, max).map(([a, b]) => `H(${a}-${b})`),
    fc.integer({ min: 1, max: max - f.min + 1 }).map((n) => `H/${n}`),
    orderedPair(f.min, max).chain(([a, b]) => fc.integer({ min: 1, max: b - a + 1 }).map((n) => `H(${a}-${b})/${n}`)),
  );
}

function fieldExpr(f: FieldDef, withHash: boolean): fc.Arbitrary<string> {
  const item = withHash ? fc.oneof({ weight: 2, arbitrary: hashItem(f) }, { weight: 3, arbitrary: plainItem(f) }) : plainItem(f);
  const wild: Array<fc.Arbitrary<string>> = [fc.constant('*')];
  if (f === DOM || f === DOW) wild.push(fc.constant('?'));
  return fc.oneof(
    { weight: 2, arbitrary: fc.oneof(...wild) },
    { weight: 3, arbitrary: item },
    { weight: 1, arbitrary: fc.array(item, { minLength: 2, maxLength: 3 }).map((xs) => xs.join(',')) },
  );
}

const MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

export function scheduleSpec(): fc.Arbitrary<ScheduleSpec> {
  const fields = (withHash: boolean) => fc.tuple(
    fieldExpr(MINUTE, withHash), fieldExpr(HOUR, withHash), fieldExpr(DOM, withHash), fieldExpr(MONTH, withHash), fieldExpr(DOW, withHash),
  ).map((xs) => xs.join(' '));
  return fc.oneof(
    { weight: 4, arbitrary: fields(true).map((expression) => ({ factory: 'cron' as const, expression })) },
    // Schedule.hashed() needs at least one H.
    { weight: 2, arbitrary: fields(true).filter((e) => /(^|[\s,])H/.test(e)).map((expression) => ({ factory: 'hashed' as const, expression })) },
    { weight: 1, arbitrary: fc.constantFrom(...MACROS).map((expression) => ({ factory: 'cron' as const, expression })) },
    { weight: 1, arbitrary: fc.constantFrom(...MACROS).map((expression) => ({ factory: 'hashed' as const, expression })) },
  );
}

// ---------------------------------------------------------------------------------------
// Other fields
// ---------------------------------------------------------------------------------------

export const TIME_ZONES = [
  'UTC', 'Asia/Tokyo', 'Europe/Berlin', 'America/New_York', 'America/Argentina/Buenos_Aires', 'Australia/Lord_Howe',
  'Asia/Kolkata', 'Pacific/Chatham', 'US/Eastern', 'Etc/GMT+5', 'Europe/London', 'Africa/Casablanca',
];

export function timeZoneName(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(...TIME_ZONES),
    fc.integer({ min: 1, max: 14 }).map((n) => `UTC+${n}`),
    fc.integer({ min: 1, max: 12 }).map((n) => `UTC-${n}`),
  );
}

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const LOWER_DIGIT = `${LOWER}0123456789`;

/** A lowercase RFC 1123 label of exactly `length` characters. */
export function dnsLabelOfLength(length: number): fc.Arbitrary<string> {
  if (length === 1) return fc.constantFrom(...LOWER_DIGIT.split(''));
  return fc.tuple(
    fc.constantFrom(...LOWER.split('')),
    fc.array(fc.constantFrom(...`${LOWER_DIGIT}-`.split('')), { minLength: length - 2, maxLength: length - 2 }),
    fc.constantFrom(...LOWER_DIGIT.split('')),
  ).map(([a, mid, z]) => `${a}${mid.join('')}${z}`);
}

/** Names of 1-52 characters, with 50, 51 and 52 (the limit) drawn often. */
export function workloadName(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.integer({ min: 1, max: 52 }),
    fc.constantFrom(50, 51, 52),
  ).chain(dnsLabelOfLength);
}

const LABEL_CHARS = 'abcXYZ019-_.';
export function labelValue(): fc.Arbitrary<string> {
  const alnum = fc.constantFrom(...'abcXYZ019'.split(''));
  return fc.oneof(
    fc.constant(''),
    alnum,
    fc.tuple(alnum, fc.array(fc.constantFrom(...LABEL_CHARS.split('')), { maxLength: 61 }), alnum)
      .map(([a, mid, z]) => `${a}${mid.join('')}${z}`),
  );
}

export function labels(): fc.Arbitrary<Record<string, string>> {
  return fc.dictionary(fc.constantFrom('team', 'tier', 'app.kubernetes.io/part-of', 'example.com/owner', 'cost_center'), labelValue(),
    { maxKeys: 3 });
}

// Kubernetes rejects the ConfigMap keys ".", ".." and keys starting with ".."; so does our check
// (see the defects below). A single leading dot (".env") is valid for both.
export function configKey(): fc.Arbitrary<string> {
  return fc.tuple(
    fc.constantFrom('', '.'),
    fc.constantFrom(...'aZ_9-'.split('')),
    fc.array(fc.constantFrom(...'aZ9-_.'.split('')), { maxLength: 30 }),
  ).map(([dot, a, rest]) => `${dot}${a}${rest.join('')}`);
}

export function config(): fc.Arbitrary<Record<string, string>> {
  return fc.dictionary(configKey(), fc.string({ maxLength: 40 }), { minKeys: 1, maxKeys: 4 });
}

export function concurrency(): fc.Arbitrary<ConcurrencySpec> {
  return fc.oneof(
    fc.constantFrom<ConcurrencySpec>({ policy: 'allow' }, { policy: 'forbid' }, { policy: 'replace' }, { policy: 'enqueue' }),
    fc.record({
      policy: fc.constant('enqueue' as const),
      maxConcurrency: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
      maxQueued: fc.option(fc.integer({ min: 0, max: 10_000 }), { nil: undefined }),
    }, { requiredKeys: ['policy'] }),
  );
}

export function rule(): fc.Arbitrary<RuleSpec> {
  const action = fc.constantFrom('FailJob' as const, 'Ignore' as const, 'Count' as const);
  return fc.oneof(
    fc.record({
      on: fc.constant('exitCodes' as const),
      action,
      operator: fc.constant('In' as const),
      exitCodes: fc.array(fc.integer({ min: 1, max: 255 }), { minLength: 1, maxLength: 6 }),
      containerName: fc.option(fc.constant('main'), { nil: undefined }),
    }, { requiredKeys: ['on', 'action', 'operator', 'exitCodes'] }),
    fc.record({
      on: fc.constant('exitCodes' as const),
      action,
      operator: fc.constant('NotIn' as const),
      // NotIn may list 0.
      exitCodes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 6 }),
      containerName: fc.option(fc.constant('main'), { nil: undefined }),
    }, { requiredKeys: ['on', 'action', 'operator', 'exitCodes'] }),
    fc.record({
      on: fc.constant('conditions' as const),
      action,
      status: fc.option(fc.constantFrom('True' as const, 'False' as const, 'Unknown' as const), { nil: undefined }),
    }, { requiredKeys: ['on', 'action'] }),
  );
}

// ---------------------------------------------------------------------------------------
// Options and runs
// ---------------------------------------------------------------------------------------

const word = fc.array(fc.constantFrom(...'abcdefgh'.split('')), { minLength: 1, maxLength: 5 }).map((cs) => cs.join(''));
const words = fc.uniqueArray(word, { minLength: 1, maxLength: 4 });

/** One option of each kind; `scheduled` keeps to what a ScheduledBatch can run with (no required option without a default). */
function option(name: string, scheduled: boolean): fc.Arbitrary<OptionSpec> {
  const text = fc.array(fc.constantFrom(...'ab Z9_-'.split('')), { maxLength: 12 }).map((cs) => cs.join(''));
  const strings = fc.oneof(
    fc.record({
      type: fc.constant('string' as const),
      name: fc.constant(name),
      default: fc.option(text, { nil: undefined }),
      trimSpaces: fc.option(fc.boolean(), { nil: undefined }),
    }, { requiredKeys: ['type', 'name'] }),
    fc.record({
      type: fc.constant('string' as const),
      name: fc.constant(name),
      default: fc.option(word, { nil: undefined }),
      pattern: fc.constant('^[a-h]+$'),
    }, { requiredKeys: ['type', 'name', 'pattern'] }),
  ).chain((o) => requiredFlag(o, hasDefault(o as OptionSpec), scheduled));
  const bool = fc.record({
    type: fc.constant('bool' as const),
    name: fc.constant(name),
    default: fc.option(fc.boolean(), { nil: undefined }),
    format: fc.option(fc.constantFrom('TrueFalse' as const, 'OneZero' as const, 'YesNo' as const, 'Custom' as const), { nil: undefined }),
  }, { requiredKeys: ['type', 'name'] });
  const select = words.chain((values) => fc.record({
    type: fc.constant('select' as const),
    name: fc.constant(name),
    values: fc.constant(values),
    default: fc.option(fc.constantFrom(...values), { nil: undefined }),
  }, { requiredKeys: ['type', 'name', 'values'] })).chain((o) => requiredFlag(o, o.default !== undefined, scheduled));
  const multi = words.chain((values) => fc.record({
    type: fc.constant('multi' as const),
    name: fc.constant(name),
    values: fc.constant(values),
    defaults: fc.option(fc.subarray(values, { minLength: 1 }), { nil: undefined }),
    delimiter: fc.option(fc.constantFrom(',', ';', ' ', '|'), { nil: undefined }),
  }, { requiredKeys: ['type', 'name', 'values'] })).chain((o) => requiredFlag(o, o.defaults !== undefined, scheduled));
  // A date option has no default, so a ScheduledBatch cannot require it.
  const date = fc.record({ type: fc.constant('date' as const), name: fc.constant(name) })
    .chain((o) => requiredFlag(o, false, scheduled));
  const int = fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }))
    .chain(([min, span, at]) => fc.record({
      type: fc.constant('int' as const),
      name: fc.constant(name),
      min: fc.option(fc.constant(min), { nil: undefined }),
      max: fc.option(fc.constant(min + span), { nil: undefined }),
      default: fc.option(fc.constant(min + (at % (span + 1))), { nil: undefined }),
    }, { requiredKeys: ['type', 'name'] })).chain((o) => requiredFlag(o, o.default !== undefined, scheduled));
  return fc.oneof(strings, bool, select, multi, date, int) as fc.Arbitrary<OptionSpec>;
}

function requiredFlag<T extends object>(o: T, defaulted: boolean, scheduled: boolean): fc.Arbitrary<T> {
  if (scheduled && !defaulted) return fc.constant(o);
  return fc.option(fc.boolean(), { nil: undefined }).map((required) => (required === undefined ? o : { ...o, required }));
}

export function options(scheduled: boolean): fc.Arbitrary<OptionSpec[]> {
  return fc.uniqueArray(fc.constantFrom('username', 'dry-run', 'region', 'batch.size', 'target_env', 'when', 'n'), { maxLength: 4 })
    .chain((names) => (names.length === 0 ? fc.constant([]) : fc.tuple(...names.map((n) => option(n, scheduled)))));
}

/** A valid value for `--set name=value`, or undefined (leave it out) when that is allowed. */
function optionValue(o: OptionSpec): fc.Arbitrary<string | undefined> {
  const mustGive = 'required' in o && o.required === true && !hasDefault(o);
  let given: fc.Arbitrary<string>;
  switch (o.type) {
    // Not blank: a blank value of a required option counts as no value.
    case 'string': given = o.pattern ? word : fc.constantFrom('x', 'Q7 y', ' xy ', 'a_b-c'); break;
    case 'bool': given = fc.constantFrom('true', 'false'); break;
    case 'select': given = fc.constantFrom(...o.values); break;
    case 'multi': given = fc.subarray(o.values, { minLength: 1 }).chain((xs) => fc.constantFrom(xs.join(','), JSON.stringify(xs))); break;
    case 'date': given = fc.constantFrom('2026-03-08T01:30:00+09:00', '2026-03-08T01:30:00Z', '2027-12-31T23:59:59-05:00'); break;
    case 'int': {
      const lo = o.min ?? -5000;
      const hi = o.max ?? 5000;
      given = fc.integer({ min: lo, max: hi }).map(String);
      break;
    }
  }
  return mustGive ? given : fc.option(given, { nil: undefined });
}

function hasDefault(o: OptionSpec): boolean {
  switch (o.type) {
    case 'multi': return o.defaults !== undefined;
    case 'date': return false;
    // A blank default (after trimSpaces) counts as no default for a required option.
    case 'string': return o.default !== undefined && o.default.trim() !== '';
    default: return o.default !== undefined;
  }
}

function runs(name: string, opts: OptionSpec[]): fc.Arbitrary<RunSpec[]> {
  const values: fc.Arbitrary<Record<string, string>> = opts.length === 0
    ? fc.constant({})
    : fc.tuple(...opts.map(optionValue)).map((vs) => {
      const out: Record<string, string> = {};
      vs.forEach((v, i) => { if (v !== undefined) out[opts[i].name] = v; });
      return out;
    });
  const run = (i: number) => fc.record({
    kind: fc.constantFrom('Job' as const, 'JobRun' as const),
    named: fc.boolean(),
    values,
  }).map(({ kind, named, values: vs }): RunSpec => ({
    id: `run${i}`, kind, values: vs, ...(named ? { name: `${name.slice(0, 56).replace(/-+$/, '')}-r${i}` } : {}),
  }));
  return fc.integer({ min: 0, max: 3 }).chain((n) => (n === 0 ? fc.constant([]) : fc.tuple(...Array.from({ length: n }, (_, i) => run(i)))));
}

// ---------------------------------------------------------------------------------------
// Valid specs
// ---------------------------------------------------------------------------------------

const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });

function commonFields(scheduled: boolean) {
  return {
    labels: opt(labels()),
    concurrency: opt(concurrency()),
    activeDeadlineSeconds: opt(fc.integer({ min: 1, max: 7 * 24 * 3600 })),
    ttlAfterFinishedSeconds: opt(fc.integer({ min: 0, max: 7 * 24 * 3600 })),
    maxAttempts: opt(fc.integer({ min: 1, max: 10 })),
    podFailureRules: opt(fc.array(rule(), { minLength: 1, maxLength: 4 })),
    config: opt(config()),
    options: opt(options(scheduled)),
    concurrencyGroup: opt(fc.record({
      name: fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/),
      maxConcurrency: fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
    }, { requiredKeys: ['name'] }).map(dropUndefined)),
    // Last, so that adding it left the earlier fields of the fixed-seed corpus as they were.
    retryDelaySeconds: opt(fc.integer({ min: 1, max: 7 * 24 * 3600 })),
  };
}

export function scheduledBatchSpec(id = 'x'): fc.Arbitrary<WorkloadSpec> {
  return fc.record({
    kind: fc.constant('ScheduledBatch' as const),
    id: fc.constant(id),
    name: workloadName(),
    schedule: scheduleSpec(),
    timeZone: opt(timeZoneName()),
    hashSeed: opt(fc.string({ minLength: 1, maxLength: 30 })),
    startingDeadlineSeconds: opt(fc.integer({ min: 10, max: 24 * 3600 })),
    suspend: opt(fc.boolean()),
    successfulJobsRetained: opt(fc.integer({ min: 0, max: 100 })),
    failedJobsRetained: opt(fc.integer({ min: 0, max: 100 })),
    extraSchedules: fc.option(fc.array(scheduleSpec(), { minLength: 1, maxLength: 3 }), { nil: undefined, freq: 4 }),
    ...commonFields(true),
  }, { requiredKeys: ['kind', 'id', 'name', 'schedule'] }).map((s) => dropUndefined(s.extraSchedules ? {
    ...s,
    // The other CronJobs are NAME-1 to NAME-3 (Replace across them is the controller's, as Forbid and Enqueue are).
    name: s.name.slice(0, 50).replace(/-+$/, ''),
  } : s));
}

export function batchJobSpec(id = 'x'): fc.Arbitrary<WorkloadSpec> {
  return fc.record({
    kind: fc.constant('BatchJob' as const),
    id: fc.constant(id),
    name: fc.oneof(workloadName(), dnsLabelOfLength(63)),
    completions: opt(fc.integer({ min: 1, max: 1000 })),
    parallelism: opt(fc.integer({ min: 1, max: 100 })),
    workQueue: opt(fc.boolean()),
    // A BatchJob's run uses the option defaults.
    ...commonFields(true),
  }, { requiredKeys: ['kind', 'id', 'name'] })
    .map((s) => dropUndefined({ ...s, concurrency: undefined, completions: s.workQueue ? undefined : s.completions }));
}

export function parameterizedJobSpec(id = 'x'): fc.Arbitrary<WorkloadSpec> {
  return fc.record({
    kind: fc.constant('ParameterizedJob' as const),
    id: fc.constant(id),
    name: workloadName(),
    ...commonFields(false),
  }, { requiredKeys: ['kind', 'id', 'name'] })
    // Concurrency.replace() has no meaning for ad-hoc runs: keep to what the JobTemplate takes.
    .filter((s) => s.concurrency?.policy !== 'replace')
    .chain((s) => runs(s.name, s.options ?? []).map((r) => dropUndefined({ ...s, runs: r.length > 0 ? r : undefined })));
}

const MATRIX_KEYS = ['arch', 'os', 'py_ver', 'region', 'shard-id'];

/** 1-3 keys of 1-4 values, sometimes an exclude (partial match) and includes that merge or append. */
export function matrixSpec(): fc.Arbitrary<MatrixSpec> {
  const value = fc.stringMatching(/^[a-z0-9][a-z0-9.]{0,7}$/);
  return fc.uniqueArray(fc.constantFrom(...MATRIX_KEYS), { minLength: 1, maxLength: 3 })
    .chain((keys) => fc.tuple(
      fc.tuple(...keys.map(() => fc.uniqueArray(value, { minLength: 1, maxLength: 4 }))),
      fc.boolean(), fc.boolean(), fc.boolean(),
      opt(fc.integer({ min: 1, max: 8 })), fc.boolean(), opt(fc.boolean()),
    ).map(([lists, withExclude, withMergingInclude, withAppendedInclude, maxParallel, anySuccessful, failFast]) => {
      const values: Record<string, string[]> = {};
      keys.forEach((k, i) => { values[k] = lists[i]; });
      const first = keys[0];
      // Excluding one value of a key with two or more never removes every cell.
      const exclude = withExclude && values[first].length > 1 ? [{ [first]: values[first][values[first].length - 1] }] : undefined;
      const include = [
        ...(withMergingInclude ? [{ [first]: values[first][0], tier: 'canary' }] : []),
        ...(withAppendedInclude ? [{ [first]: 'extra-cell' }] : []),
      ];
      return dropUndefined({
        values, exclude, include: include.length > 0 ? include : undefined, maxParallel, anySuccessful, failFast,
      }) as MatrixSpec;
    }));
}

/** Names fit the Job (or CronJob) name budget of the matrix's index digits. */
function fitMatrixName(spec: WorkloadSpec): WorkloadSpec {
  if (!spec.matrix) return spec;
  const cells = buildMatrix(spec.matrix).cellCount;
  const max = spec.kind === 'ScheduledBatch' ? maxCronJobNameLength(cells) - (spec.extraSchedules ? 2 : 0) : maxJobNameLength(cells);
  return { ...spec, name: spec.name.slice(0, max).replace(/-+$/, '') };
}

export function parallelMatrixJobSpec(id = 'x'): fc.Arbitrary<WorkloadSpec> {
  return fc.record({
    kind: fc.constant('ParallelMatrixJob' as const),
    id: fc.constant(id),
    name: workloadName(),
    matrix: matrixSpec(),
    // Like scheduled runs, a matrix job's runs use the option defaults.
    ...commonFields(true),
  }, { requiredKeys: ['kind', 'id', 'name', 'matrix'] })
    .map((s) => fitMatrixName(dropUndefined({ ...s, concurrency: undefined })));
}

/** A ScheduledBatch with a matrix (and so without options, which a matrix ScheduledBatch rejects). */
export function matrixScheduledBatchSpec(id = 'x'): fc.Arbitrary<WorkloadSpec> {
  return fc.tuple(scheduledBatchSpec(id), matrixSpec())
    .map(([s, matrix]) => fitMatrixName(dropUndefined({ ...s, options: undefined, matrix })));
}

export function validSpec(id = 'x'): fc.Arbitrary<WorkloadSpec> {
  return fc.oneof(
    { weight: 3, arbitrary: scheduledBatchSpec(id) },
    { weight: 2, arbitrary: parameterizedJobSpec(id) },
    { weight: 2, arbitrary: parallelMatrixJobSpec(id) },
    { weight: 1, arbitrary: matrixScheduledBatchSpec(id) },
    { weight: 1, arbitrary: batchJobSpec(id) },
  );
}

function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

// ---------------------------------------------------------------------------------------
// Invalid specs: a valid base with exactly one defect, and the exact message
// ---------------------------------------------------------------------------------------

export interface InvalidCase {
  /** What is wrong. */
  readonly defect: string;
  readonly spec: WorkloadSpec;
  /** The exact `Error.message`. */
  readonly message: string;
}

interface Defect {
  readonly name: string;
  readonly kind: 'ScheduledBatch' | 'ParameterizedJob';
  readonly apply: (base: WorkloadSpec) => WorkloadSpec;
  readonly message: string;
}

const A53 = 'a'.repeat(53);
const sched = (expression: string, factory: 'cron' | 'hashed' = 'cron') => (b: WorkloadSpec): WorkloadSpec => ({ ...b, schedule: { factory, expression } });

/** Messages copied from one run of the code (see the report); never computed by it. */
export const DEFECTS: readonly Defect[] = [
  // Concurrency groups
  {
    name: 'a concurrency group name that is not a DNS label',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, concurrencyGroup: { name: 'Orders_DB' } }),
    message:
      'test/x: concurrencyGroup.name: must be a DNS label of at most 63 characters (lower case letters, digits and "-"), because Jobs carry it as a label value (got "Orders_DB"). Name the group e.g. \'shared-db\'.',
  },
  {
    name: 'a concurrency group cap of 0',
    kind: 'ParameterizedJob',
    apply: (b) => ({ ...b, concurrencyGroup: { name: 'db', maxConcurrency: 0 } }),
    message:
      "test/x: concurrencyGroup.maxConcurrency: must be a whole number from 1 to 10000 (got \"0\"). Pass new ConcurrencyGroup({ name: 'db', maxConcurrency: 1 }) or another whole number in range.",
  },
  // Names
  {
    name: 'a 53-character CronJob name',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, name: A53 }),
    message:
      'test/x: metadata.name: is 53 characters long, more than the 52 allowed (Kubernetes adds an 11-character suffix to name the Jobs of a CronJob) (got "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"). Shorten the name to at most 52 characters.',
  },
  {
    name: 'a 53-character JobTemplate name',
    kind: 'ParameterizedJob',
    apply: (b) => ({ ...b, name: A53 }),
    message:
      'test/x: metadata.name: is 53 characters long, more than the 52 allowed (Jobs created from the template are named after it, with a suffix) (got "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"). Shorten the name to at most 52 characters.',
  },
  {
    name: 'an uppercase CronJob name',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, name: 'Nightly' }),
    message:
      'test/x: metadata.name: is not a lowercase RFC 1123 label (lower case letters, digits and "-", starting and ending with a letter or digit) (got "Nightly"). Use a name such as "nightly-report".',
  },
  {
    name: 'an uppercase JobTemplate name',
    kind: 'ParameterizedJob',
    apply: (b) => ({ ...b, name: 'Nightly' }),
    message:
      'test/x: metadata.name: is not a lowercase RFC 1123 label (lower case letters, digits and "-", starting and ending with a letter or digit) (got "Nightly"). Use a name such as "nightly-report".',
  },
  {
    name: 'a name ending in "-"',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, name: 'nightly-' }),
    message:
      'test/x: metadata.name: is not a lowercase RFC 1123 label (lower case letters, digits and "-", starting and ending with a letter or digit) (got "nightly-"). Use a name such as "nightly-report".',
  },
  {
    name: 'a name with a dot',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, name: 'nightly.report' }),
    message:
      'test/x: metadata.name: is not a lowercase RFC 1123 label (lower case letters, digits and "-", starting and ending with a letter or digit) (got "nightly.report"). Use a name such as "nightly-report".',
  },
  // Labels
  {
    name: 'a label value with a space',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, labels: { team: 'a b' } }),
    message:
      'test/x: metadata.labels["team"]: is not a valid label value (at most 63 characters: letters, digits, "-", "_" or ".", starting and ending with a letter or digit) (got "a b"). Use a short value such as "nightly", or move free text to an annotation.',
  },
  {
    name: 'a label value with a space (ParameterizedJob)',
    kind: 'ParameterizedJob',
    apply: (b) => ({ ...b, labels: { team: 'a b' } }),
    message:
      'test/x: metadata.labels["team"]: is not a valid label value (at most 63 characters: letters, digits, "-", "_" or ".", starting and ending with a letter or digit) (got "a b"). Use a short value such as "nightly", or move free text to an annotation.',
  },
  {
    name: 'a 64-character label value',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, labels: { team: 'v'.repeat(64) } }),
    message:
      'test/x: metadata.labels["team"]: is not a valid label value (at most 63 characters: letters, digits, "-", "_" or ".", starting and ending with a letter or digit) (got "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"). Use a short value such as "nightly", or move free text to an annotation.',
  },
  {
    name: 'a label value ending in "-"',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, labels: { team: 'ops-' } }),
    message:
      'test/x: metadata.labels["team"]: is not a valid label value (at most 63 characters: letters, digits, "-", "_" or ".", starting and ending with a letter or digit) (got "ops-"). Use a short value such as "nightly", or move free text to an annotation.',
  },
  // Deadlines, history, attempts
  {
    name: 'a starting deadline of 5 s',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, startingDeadlineSeconds: 5 }),
    message:
      'test/x: startingDeadline: must be a whole number of seconds, at least 10 (the CronJob controller checks schedules about every 10 seconds, so shorter deadlines skip runs) (got "5 seconds"). Use Duration.minutes(1) or more, or leave it unset.',
  },
  {
    name: 'a starting deadline of 9 s',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, startingDeadlineSeconds: 9 }),
    message:
      'test/x: startingDeadline: must be a whole number of seconds, at least 10 (the CronJob controller checks schedules about every 10 seconds, so shorter deadlines skip runs) (got "9 seconds"). Use Duration.minutes(1) or more, or leave it unset.',
  },
  {
    name: 'maxAttempts 0',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, maxAttempts: 0 }),
    message:
      'test/x: maxAttempts: must be a whole number of at least 1 (the first attempt counts) (got "0"). Use 1 for no retries, 3 for two retries.',
  },
  {
    name: 'maxAttempts 0 (ParameterizedJob)',
    kind: 'ParameterizedJob',
    apply: (b) => ({ ...b, maxAttempts: 0 }),
    message:
      'test/x: maxAttempts: must be a whole number of at least 1 (the first attempt counts) (got "0"). Use 1 for no retries, 3 for two retries.',
  },
  {
    name: 'a negative failed history limit',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, failedJobsRetained: -1 }),
    message:
      'test/x: failedJobsRetained: must be a whole number of at least 0 (got "-1"). Use e.g. failedJobsRetained: 3.',
  },
  {
    name: 'a fractional succeeded history limit',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, successfulJobsRetained: 1.5 }),
    message:
      'test/x: successfulJobsRetained: must be a whole number of at least 0 (got "1.5"). Use e.g. successfulJobsRetained: 3.',
  },
  {
    name: 'an active deadline of 0 s',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, activeDeadlineSeconds: 0 }),
    message:
      'test/x: activeDeadline: must be a whole number of seconds, at least 1 (got "0 seconds"). Use e.g. Duration.minutes(5).',
  },
  {
    name: 'a retry delay of more than a week',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, retryDelaySeconds: 7 * 24 * 3600 + 1 }),
    message:
      'test/x: retryDelay: must be at most 604800 seconds (got "604801 seconds"). Use e.g. Duration.minutes(5); at most Duration.seconds(604800).',
  },
  // Schedules
  {
    name: 'schedule L * * * *',
    kind: 'ScheduledBatch',
    apply: sched('L * * * *'),
    message:
      'test/x: schedule (minute field): L (last day) is not supported by Kubernetes (got "L"). Kubernetes cron has no "last day" syntax; use a fixed day (e.g. 28) or run daily and let the job check the date.',
  },
  {
    name: 'schedule 0 0 * * 5#3',
    kind: 'ScheduledBatch',
    apply: sched('0 0 * * 5#3'),
    message:
      'test/x: schedule (day-of-week field): # (nth weekday of the month) is not supported by Kubernetes (got "5#3"). Run on that weekday and let the job skip the other weeks; "1-7" in day-of-month would not help, because Kubernetes ORs day-of-month and day-of-week.',
  },
  {
    name: 'schedule @reboot',
    kind: 'ScheduledBatch',
    apply: sched('@reboot'),
    message:
      'test/x: schedule: @reboot is not supported: a CronJob has no boot to run at (got "@reboot"). Use a time-based schedule such as @daily, or create a one-off Job.',
  },
  {
    name: 'schedule with 6 fields',
    kind: 'ScheduledBatch',
    apply: sched('0 0 0 * * *'),
    message:
      'test/x: schedule: has 6 fields; seconds and year fields are not supported (got "0 0 0 * * *"). Write exactly 5 fields: minute hour day-of-month month day-of-week (Kubernetes schedules to the minute).',
  },
  {
    name: 'schedule 0 0 30 2 * (never fires)',
    kind: 'ScheduledBatch',
    apply: sched('0 0 30 2 *'),
    message:
      'test/x: schedule: can never fire: there is no day-of-month 30 in February (got "0 0 30 2 *"). Pick a day-of-month that exists in those months (February has 29 days at most; April, June, September and November have 30).',
  },
  {
    name: 'schedule 0 0 * * FRI-MON (wraps)',
    kind: 'ScheduledBatch',
    apply: sched('0 0 * * FRI-MON'),
    message:
      'test/x: schedule (day-of-week field): range FRI-MON wraps around (5 comes after 1) (got "FRI-MON"). Kubernetes does not wrap ranges; write two ranges instead, e.g. "FRI-SAT,SUN-MON".',
  },
  {
    name: 'schedule 60 * * * *',
    kind: 'ScheduledBatch',
    apply: sched('60 * * * *'),
    message:
      'test/x: schedule (minute field): 60 is above the maximum 59 (got "60"). Use a minute from 0 to 59.',
  },
  {
    name: 'schedule H(50-10) * * * *',
    kind: 'ScheduledBatch',
    apply: sched('H(50-10) * * * *'),
    message:
      'test/x: schedule (minute field): H range 50-10 is reversed (got "H(50-10)"). H ranges cannot wrap around; write the lower bound first ("H(10-50)" picks from 10 to 50), or narrow the range so it does not wrap.',
  },
  {
    name: 'schedule H(0-9)/20 * * * *',
    kind: 'ScheduledBatch',
    apply: sched('H(0-9)/20 * * * *'),
    message:
      'test/x: schedule (minute field): step 20 is larger than the H range 0-9 (10 values) (got "H(0-9)/20"). Use a step from 1 to 10, or widen the range.',
  },
  {
    name: 'schedule H(0-60) * * * *',
    kind: 'ScheduledBatch',
    apply: sched('H(0-60) * * * *'),
    message:
      'test/x: schedule (minute field): H range 0-60 reaches outside 0-59 (got "H(0-60)"). Keep both bounds within 0-59.',
  },
  {
    name: 'schedule @every 5m',
    kind: 'ScheduledBatch',
    apply: sched('@every 5m'),
    message:
      'test/x: schedule: @every intervals are not supported (got "@every 5m"). Write the interval as a cron step, e.g. "*/15 * * * *" for every 15 minutes.',
  },
  {
    name: 'schedule with TZ=',
    kind: 'ScheduledBatch',
    apply: sched('TZ=UTC 0 0 * * *'),
    message:
      'test/x: schedule: sets the time zone inside the schedule (got "TZ=UTC"). Remove the TZ= prefix and set the timeZone prop instead (e.g. TimeZone.of(\'Europe/Berlin\')); Kubernetes rejects TZ in spec.schedule.',
  },
  {
    name: 'schedule 0 0 * * 7-1',
    kind: 'ScheduledBatch',
    apply: sched('0 0 * * 7-1'),
    message:
      'test/x: schedule (day-of-week field): 7 (Sunday) can only end a range (got "7-1"). Use 0 for Sunday at the start of a range, e.g. "0-1".',
  },
  {
    name: 'schedule with an empty list item',
    kind: 'ScheduledBatch',
    apply: sched('0,,5 * * * *'),
    message:
      'test/x: schedule (minute field): has an empty list item (got "0,,5"). Remove the extra comma.',
  },
  {
    name: 'Schedule.hashed without H',
    kind: 'ScheduledBatch',
    apply: sched('0 0 * * *', 'hashed'),
    message:
      'test/x: schedule: contains no H token, so hashing would not change it (got "0 0 * * *"). Write H where the value may be spread (e.g. "H 3 * * *"), or use Schedule.cron() for a fixed schedule.',
  },
  {
    name: 'empty schedule',
    kind: 'ScheduledBatch',
    apply: sched(''),
    message:
      'test/x: schedule: is empty (got ""). Write 5 fields (minute hour day-of-month month day-of-week), e.g. "0 3 * * *", or a macro such as @daily.',
  },
  // Time zones
  {
    name: 'time zone Mars/Base',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, timeZone: 'Mars/Base' }),
    message:
      'test/x: timeZone: is not a time zone that Kubernetes can load (got "Mars/Base"). Use an IANA name such as "Europe/Berlin" or a whole-hour offset such as "UTC+9".',
  },
  {
    name: 'time zone UTC+15',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, timeZone: 'UTC+15' }),
    message:
      'test/x: timeZone: is beyond the fixed-offset zones that exist (got "UTC+15"). Whole-hour offsets exist from UTC-12 to UTC+14.',
  },
  {
    name: 'time zone UTC+5:30',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, timeZone: 'UTC+5:30' }),
    message:
      'test/x: timeZone: is not a whole-hour offset (got "UTC+5:30"). Only whole-hour offsets have a fixed zone (Etc/GMT-14 to Etc/GMT+12); use the IANA zone of the place instead, e.g. "Asia/Kolkata" for UTC+05:30.',
  },
  {
    name: 'time zone PST (ICU only)',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, timeZone: 'PST' }),
    message:
      'test/x: timeZone: is not a time zone that Kubernetes can load (got "PST"). "PST" is an ICU alias, not an IANA name; use "America/Los_Angeles" (or the IANA name of the place).',
  },
  // Pod failure rules
  {
    name: 'exit code 0 with In',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, podFailureRules: [{ on: 'exitCodes', action: 'FailJob', operator: 'In', exitCodes: [0, 1] }] }),
    message:
      'test/x: podFailureRules.exitCodes: exit code 0 cannot be matched with the In operator (a successful container never fails a pod) (got "[0, 1]"). Remove 0 from the list, or use ExitCodeOperator.NOT_IN.',
  },
  {
    name: 'exit code 256',
    kind: 'ParameterizedJob',
    apply: (b) => ({ ...b, podFailureRules: [{ on: 'exitCodes', action: 'FailJob', operator: 'NotIn', exitCodes: [256] }] }),
    message:
      'test/x: podFailureRules.exitCodes: exit code 256 is not a whole number from 0 to 255 (got "[256]"). Use exit codes from 0 to 255.',
  },
  {
    name: 'no exit codes',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, podFailureRules: [{ on: 'exitCodes', action: 'Count', operator: 'In', exitCodes: [] }] }),
    message:
      'test/x: podFailureRules.exitCodes: must hold 1 to 255 exit codes (got "[]"). List the exit codes that the rule should match.',
  },
  {
    name: 'a bad condition status',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, podFailureRules: [{ on: 'conditions', action: 'Ignore', status: 'yes' as 'True' }] }),
    message:
      'test/x: podFailureRules.conditions.status: is not a condition status (got "yes"). Use "True", "False" or "Unknown".',
  },
  {
    name: 'a rule naming a missing container',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, podFailureRules: [{ on: 'exitCodes', action: 'FailJob', operator: 'In', exitCodes: [1], containerName: 'worker' }] }),
    message:
      'Validation failed with the following errors:\n  [test/x] podFailureRules: the rule names container "worker", which the pod does not have. Use one of: "main".',
  },
  // Concurrency
  {
    name: 'maxConcurrency 0',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, concurrency: { policy: 'enqueue', maxConcurrency: 0 } }),
    message:
      'test/x: concurrency.maxConcurrency: must be a whole number from 1 to 10000 (got "0"). Pass Concurrency.enqueue({ maxConcurrency: 1 }) or another whole number in range.',
  },
  {
    name: 'maxConcurrency 10001',
    kind: 'ParameterizedJob',
    apply: (b) => ({ ...b, concurrency: { policy: 'enqueue', maxConcurrency: 10_001 } }),
    message:
      'test/x: concurrency.maxConcurrency: must be a whole number from 1 to 10000 (got "10001"). Pass Concurrency.enqueue({ maxConcurrency: 1 }) or another whole number in range.',
  },
  {
    name: 'maxQueued -1',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, concurrency: { policy: 'enqueue', maxQueued: -1 } }),
    message:
      'test/x: concurrency.maxQueued: must be a whole number from 0 to 10000 (got "-1"). Pass Concurrency.enqueue({ maxQueued: 1 }) or another whole number in range.',
  },
  // Config, seed
  {
    name: 'a config key with a space',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, config: { 'a key': 'v' } }),
    message:
      'test/x: config: is not a valid ConfigMap key (letters, digits, "-", "_" or ".", at most 253 characters) (got "a key"). Use a key such as "REPORT_BUCKET" or "report.bucket".',
  },
  // Dot keys: Kubernetes rejects ".", ".." and a leading "..".
  ...['.', '..', '..env'].map((key): Defect => ({
    name: `the config key ${JSON.stringify(key)}`,
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, config: { [key]: 'v' } }),
    message:
      `test/x: config: is not a valid ConfigMap key (letters, digits, "-", "_" or ".", at most 253 characters) (got "${key}"). Use a key such as "REPORT_BUCKET" or "report.bucket".`,
  })),
  {
    name: 'a config key with a slash',
    kind: 'ParameterizedJob',
    apply: (b) => ({ ...b, config: { 'a/b': 'v' } }),
    message:
      'test/x: config: is not a valid ConfigMap key (letters, digits, "-", "_" or ".", at most 253 characters) (got "a/b"). Use a key such as "REPORT_BUCKET" or "report.bucket".',
  },
  {
    name: 'an empty hash seed',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, schedule: { factory: 'cron', expression: 'H H * * *' }, hashSeed: '' }),
    message:
      'test/x: hashSeed: is empty (got ""). Pass a non-empty seed; by default it is NAMESPACE/NAME of the CronJob.',
  },
  // Options and runs
  {
    name: 'a required option without a default in a ScheduledBatch',
    kind: 'ScheduledBatch',
    apply: (b) => ({ ...b, options: [{ type: 'string', name: 'target', required: true }] }),
    message:
      'test/x: option "target": is required but has no value (got ""). Supply a value for option "target".',
  },
  {
    name: 'duplicate option names',
    kind: 'ParameterizedJob',
    apply: (b) => ({ ...b, options: [{ type: 'bool', name: 'dry-run' }, { type: 'bool', name: 'dry-run' }], runs: undefined }),
    message:
      'test/x: options: define the same option name twice (got "dry-run"). Give every option its own name.',
  },
  {
    name: 'a Select default outside its values',
    kind: 'ParameterizedJob',
    apply: (b) => ({ ...b, options: [{ type: 'select', name: 'region', values: ['eu', 'us'], default: 'ap' }], runs: undefined }),
    message:
      'test/x: option "region" default: is not one of the values "eu", "us" (got "ap"). Pick the default from values, or add it to values.',
  },
  ...runDefects(),
];

/** addRun() with one bad value; the run is the only one, so the path is test/x/bad. */
function runDefects(): Defect[] {
  const region: OptionSpec = { type: 'select', name: 'region', values: ['eu', 'us'], default: 'eu' };
  const count: OptionSpec = { type: 'int', name: 'count', min: 1, max: 10, default: 1 };
  const dry: OptionSpec = { type: 'bool', name: 'dry-run', default: false };
  const when: OptionSpec = { type: 'date', name: 'when' };
  const tags: OptionSpec = { type: 'multi', name: 'tags', values: ['a', 'b'] };
  const who: OptionSpec = { type: 'string', name: 'who', pattern: '^[a-z]+$', required: true };
  const cases: Array<[string, OptionSpec, Record<string, string>, 'Job' | 'JobRun', string]> = [
    ['a Select value outside its values', region, { region: 'ap' }, 'JobRun',
      'test/x/bad: option "region": must be one of "eu", "us" (got "ap"). Pick one of the listed values; this option does not allow custom values.'],
    ['a Select value outside its values (Job)', region, { region: 'ap' }, 'Job',
      'test/x/bad: option "region": must be one of "eu", "us" (got "ap"). Pick one of the listed values; this option does not allow custom values.'],
    ['an Int above its max', count, { count: '11' }, 'Job',
      'test/x/bad: option "count": is greater than the maximum 10 (got "11"). Write a number from 1 to 10.'],
    ['an Int that is not a number', count, { count: 'ten' }, 'JobRun',
      'test/x/bad: option "count": is not a whole number (got "ten"). Write digits only, with an optional sign, e.g. 42 or -3.'],
    ['a Bool that is not true/false', dry, { 'dry-run': 'maybe' }, 'Job',
      'test/x/bad: option "dry-run": must be true or false (got "maybe"). Write true or false; the option\'s format decides what the pod sees.'],
    ['a Date that is not RFC 3339', when, { when: 'yesterday' }, 'JobRun',
      'test/x/bad: option "when": is not an RFC 3339 timestamp with date, time and offset (got "yesterday"). Write a timestamp such as 2026-03-08T01:30:00+09:00 or 2026-03-08T01:30:00Z.'],
    ['a Multi value outside its values', tags, { tags: 'a,c' }, 'Job',
      'test/x/bad: option "tags": holds "c", which is not one of "a", "b" (got "a,c"). Choose only listed values; this option does not allow custom values.'],
    ['a String not matching its pattern', who, { who: 'Bob' }, 'JobRun',
      'test/x/bad: option "who": does not match the pattern ^[a-z]+$ (got "Bob"). Write a value that the whole pattern matches.'],
    ['a required String left out', who, {}, 'Job',
      'test/x/bad: option "who": is required but has no value (got ""). Supply a value for option "who".'],
    ['an unknown option', region, { zone: 'a' }, 'JobRun',
      'test/x/bad: option "zone": is not a defined option (got "a"). Use one of the defined options "region" (names are case-sensitive).'],
  ];
  // addRun reports every bad value at once, as a list under `values:` (one here).
  const PATH = 'test/x/bad: ';
  return cases.map(([name, opt1, values, kind, message]): Defect => ({
    name: `addRun: ${name}`,
    kind: 'ParameterizedJob',
    apply: (b) => ({ ...b, options: [opt1], runs: [{ id: 'bad', kind, values }] }),
    message: `${PATH}values: a value is not valid:\n  ${message.slice(PATH.length)}`,
  }));
}

export function invalidCase(): fc.Arbitrary<InvalidCase> {
  return fc.constantFrom(...DEFECTS).chain((d) => (d.kind === 'ScheduledBatch' ? scheduledBatchSpec('x') : parameterizedJobSpec('x'))
    .map((base) => ({ defect: d.name, spec: d.apply(base), message: d.message })));
}
