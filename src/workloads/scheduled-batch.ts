import { ApiObject, ApiObjectMetadata, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { ConcurrencyPolicy } from '../contract/concurrency-policy';
import { BatchValidationError, locating } from '../errors';
import { Concurrency, controllerAnnotations } from './concurrency';
import { checkNoFailIndex } from './job-settings';
import { replaceAcrossCronJobsAnnotations, runWindowAnnotations, scheduleAnnotations } from '../contract/annotations';
import { kindLabel, workloadLabel } from '../contract/labels';
import { PlainApiObject } from '../kube/plain-api-object';
import { MAX_CRONJOB_NAME_LENGTH } from '../kube/validation';
import { Matrix, maxCronJobNameLength } from '../matrix';
import { Schedule, TimeZone } from '../schedule';
import { clockChangeWarning } from '../schedule/run-search';
import { ScheduleGroup, unionOfSchedules } from '../schedule/union';
import { warnAtSynth } from '../warnings';
import { BatchWorkload } from './batch-workload';
import { Completion } from './completion';
import { renderCronJobSpec } from './cron-job-spec';
import { BatchJobProps, WorkloadIdentity } from './job-props';
import { MatrixDelivery } from './matrix-delivery';

/**
 * Properties of a `ScheduledBatch`.
 */
export interface ScheduledBatchProps extends BatchJobProps {
  /**
   * When runs start. `H` tokens are resolved at synth with `hashSeed`, so the emitted
   * CronJob holds a concrete schedule. Give either `schedule` or `schedules`.
   *
   * @default - none; then `schedules` is required
   */
  readonly schedule?: Schedule;

  /**
   * Several schedules for one workload (Furiko's `cronSchedule.expressions`): one CronJob per
   * schedule, named `NAME` for the first and `NAME-i` for the one at position `i`, the one at
   * position `i` hashed with `SEED#i`; schedules without `H` whose union is one cron
   * expression become one CronJob. The workload keeps one concurrency policy (across several
   * CronJobs, `forbid()`, `enqueue()` and `replace()` need the `BatchController`),
   * one JobTemplate and one label. See docs/several-schedules.md.
   *
   * @default - none; then `schedule` is required
   */
  readonly schedules?: Schedule[];

  /**
   * Name, namespace, labels and annotations of the CronJob.
   *
   * @default - a name generated from the construct path (at most 52 characters)
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * The time zone the schedule is read in (`spec.timeZone`).
   *
   * @default TimeZone.UTC - explicit, because kube-controller-manager's local zone differs between clusters
   */
  readonly timeZone?: TimeZone;

  /**
   * The seed the schedule's `H` tokens are hashed with. Set it to keep run times when the
   * workload is renamed or moved.
   *
   * @default - `NAMESPACE/NAME` of the CronJob (`default` when no namespace is set), the key Furiko hashes
   */
  readonly hashSeed?: string;

  /**
   * What happens when a run is due while another is active.
   *
   * @default Concurrency.allow() - Kubernetes' default
   */
  readonly concurrency?: Concurrency;

  /**
   * No run starts before this time; the companion controller keeps the CronJob suspended
   * until then. Needs the `BatchController`.
   *
   * @default - no start
   */
  readonly notBefore?: Date;

  /**
   * No run starts after this time; the companion controller suspends the CronJob then.
   * Needs the `BatchController`.
   *
   * @default - no end
   */
  readonly notAfter?: Date;

  /**
   * How late a run may start, e.g. after a controller outage (`startingDeadlineSeconds`);
   * a run later than this is skipped. At least 10 seconds.
   *
   * @default - no deadline, except with `notBefore`/`notAfter`: 60 seconds, so that
   * resuming at the window's start does not start a run that was due before it
   */
  readonly startingDeadline?: Duration;

  /**
   * Whether the schedule is paused.
   *
   * @default false
   */
  readonly suspend?: boolean;

  /**
   * How many succeeded Jobs are kept (`successfulJobsHistoryLimit`).
   *
   * @default 3
   */
  readonly successfulJobsRetained?: number;

  /**
   * How many failed Jobs are kept (`failedJobsHistoryLimit`).
   *
   * @default 1
   */
  readonly failedJobsRetained?: number;

  /**
   * Runs every scheduled run as one Indexed Job over these cells, like a
   * `ParallelMatrixJob`: cell `i` is completion index `i`, and each container sees its
   * cell's values as files `/etc/cdk8s-batch/matrix/<key>`, as `MATRIX_<KEY>` environment
   * variables (Kubernetes 1.35 or later) and through `${matrix.KEY}` in command, args and
   * env values. Per-cell retries and completion need Kubernetes 1.33 or later. The CronJob
   * name must leave room for the index: at most 52 characters up to 10 cells, 51 up to 100.
   * Cannot be combined with `options`.
   *
   * @default - no matrix: each run is one pod
   */
  readonly matrix?: Matrix;

  /**
   * With a matrix: how many cells run at once, capped at the cell count.
   *
   * @default - all cells at once
   */
  readonly maxParallel?: number;

  /**
   * With a matrix: when a run is complete (see `ParallelMatrixJobProps.completion`).
   *
   * @default Completion.allSuccessful() - every cell must succeed, fail-fast
   */
  readonly completion?: Completion;

  /**
   * With a matrix: the image of the `cdk8s-batch-cell` init container (needs `cp`).
   *
   * @default 'busybox:1.36.1'
   */
  readonly cellInitImage?: string;

  /**
   * How each cell's values reach the pods: as files only (`MatrixDelivery.files()`, any
   * supported Kubernetes, any value) or also as `MATRIX_<KEY>` variables and `${matrix.KEY}`
   * in command, args and env (`MatrixDelivery.envFiles()`, Kubernetes 1.35 or later).
   *
   * @default - `MatrixDelivery.envFiles()` when the target Kubernetes version is 1.35 or later, else `MatrixDelivery.files()`
   */
  readonly matrixDelivery?: MatrixDelivery;
}

/** With a run window and no startingDeadline: see `ScheduledBatchProps.startingDeadline`. */
const WINDOW_STARTING_DEADLINE = Duration.seconds(60);
/** The CronJob controller is unreliable below this (reference/k8s-batch.md §6). */
const MIN_STARTING_DEADLINE_SECONDS = 10;

/**
 * A batch workload that runs on a schedule: a `batch/v1` CronJob, plus a ConfigMap when it
 * has `config`.
 *
 * Hashed schedules (`H H/3 * * *`) are resolved to concrete ones at synth; the original
 * expression and the seed are kept in `cdk8s-batch.dev/` annotations.
 *
 * @example
 * new ScheduledBatch(chart, 'report', {
 *   schedule: Schedule.cron('H 3 * * *'),
 *   timeZone: TimeZone.of('Asia/Tokyo'),
 *   containers: [{ image: 'report:1.0' }],
 * });
 */
export class ScheduledBatch extends BatchWorkload {
  /** The CronJob (the first, with several schedules). */
  public readonly apiObject: ApiObject;
  /** Every CronJob of the workload, the first being `apiObject`. */
  public readonly cronJobs: ApiObject[];
  /** The schedule as written (the first, with several schedules). */
  public readonly schedule: Schedule;
  /** Every schedule as written. */
  public readonly schedules: Schedule[];
  /** The concrete schedule emitted as `spec.schedule` (of the first CronJob). */
  public readonly resolvedSchedule: string;
  /** The concrete schedule of each CronJob, in the order of `cronJobs`. */
  public readonly resolvedSchedules: string[];
  /** The seed the first schedule's `H` tokens were hashed with (the schedule at position `i` uses `SEED#i`). */
  public readonly hashSeed: string;
  /** The time zone of the schedule. */
  public readonly timeZone: TimeZone;
  /** The concurrency policy. */
  public readonly concurrency: Concurrency;
  /** How late a run may start, if limited. */
  public readonly startingDeadline?: Duration;
  /** The JobTemplate for ad-hoc runs with other option values; only a workload with options has one. */
  public readonly jobTemplate?: ApiObject;
  /** Name and namespace of the workload. */
  public readonly workload: WorkloadIdentity;

  private readonly scheduleProps: ScheduledBatchProps;
  /** The policy the CronJobs carry: Forbid across several CronJobs is the controller's queue with no room. */
  private readonly cronConcurrency: Concurrency;
  /** Replace across several CronJobs: kept by the controller (docs/several-schedules.md). */
  private readonly replaceAcross: boolean;

  constructor(scope: Construct, id: string, props: ScheduledBatchProps) {
    super(scope, id, props);
    this.scheduleProps = props;
    locating(this, () => {
      if (props.matrix === undefined) {
        checkNoFailIndex(props.podFailureRules);
        checkNoMatrixSettings(props);
      } else if ((props.options ?? []).length > 0) {
        throw new BatchValidationError('options', `${props.options!.length} options`, 'cannot be combined with a matrix yet',
          'Remove the options, or make the values matrix keys.');
      }
      checkScheduleSettings(props);
      props.concurrency?._check();
    });
    this.schedules = locating(this, () => schedulesOf(props));
    this.schedule = this.schedules[0];
    this.timeZone = props.timeZone ?? TimeZone.UTC;
    this.concurrency = props.concurrency ?? Concurrency.allow();

    this.apiObject = new PlainApiObject(this, 'Resource', {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: props.metadata,
      spec: this._lazy(() => this.renderSpec(this.resolvedSchedules[0])),
    });
    const name = this.apiObject.name;
    // Hashed schedules are never merged, so the CronJob count does not depend on the seeds. One
    // schedule is one CronJob: then its expression is only checked here, not hashed twice.
    let suffix = 0;
    if (this.schedules.length === 1) {
      locating(this, () => this.schedules[0].expandedExpression); // a bad expression throws here, as grouping would
    } else {
      const groupsBefore = locating(this, () => groupSchedules(this.schedules, () => 'seed'));
      suffix = groupsBefore.length > 1 ? `-${groupsBefore[groupsBefore.length - 1].positions[0]}`.length : 0;
    }
    const cells = this._matrixCells(props.matrix);
    const { workload, namespace } = cells === undefined
      ? this._identify(name, props.metadata, MAX_CRONJOB_NAME_LENGTH - suffix, suffix === 0
        ? 'Kubernetes adds an 11-character suffix to name the Jobs of a CronJob'
        : 'Kubernetes adds an 11-character suffix to name the Jobs of a CronJob, and the workload\'s other CronJobs add -<position>')
      : this._identify(name, props.metadata, maxCronJobNameLength(cells) - suffix,
        `its Jobs are named <cronjob>-<8 digits>, and the pods of an Indexed Job with ${cells} cells have host names <job>-<index>, which must stay DNS labels`);
    this.workload = workload;

    this.hashSeed = props.hashSeed ?? `${workload.namespace}/${name}`;
    // Value objects report their own errors here, located at this construct.
    const groups = locating(this, () => groupSchedules(this.schedules, (i) => seedAt(this.hashSeed, i)));
    this.resolvedSchedules = groups.map((g) => g.expression);
    this.resolvedSchedule = this.resolvedSchedules[0];
    locating(this, () => this.timeZone.name);
    const several = groups.length > 1;
    this.cronConcurrency = several && this.concurrency.policy === ConcurrencyPolicy.FORBID
      ? Concurrency.enqueue({ maxConcurrency: 1, maxQueued: 0 }) : this.concurrency;
    // Replace across CronJobs: each CronJob keeps Kubernetes' Replace within itself, and it and
    // its Jobs carry the annotation by which the controller replaces across them.
    this.replaceAcross = several && this.concurrency.policy === ConcurrencyPolicy.REPLACE;

    // A clock change that moves or adds a run within a year (docs/schedules.md, "Clock changes").
    for (const resolved of new Set(this.resolvedSchedules)) {
      const clockChange = clockChangeWarning(resolved, this.timeZone.name, new Date());
      if (clockChange !== undefined) {
        warnAtSynth(this, () => true, clockChange);
      }
    }

    this.cronJobs = [this.apiObject, ...groups.slice(1).map((g, i) => new PlainApiObject(this, `Schedule${g.positions[0]}`, {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { ...props.metadata, name: `${name}-${g.positions[0]}`, namespace },
      spec: this._lazy(() => this.renderSpec(this.resolvedSchedules[i + 1])),
    }))];

    this._createConfigMap(name, namespace);
    if (props.matrix !== undefined) {
      this._useMatrix({
        matrix: props.matrix,
        maxParallel: props.maxParallel,
        completion: props.completion,
        cellInitImage: props.cellInitImage,
        delivery: props.matrixDelivery,
      }, name, namespace);
    }
    if (this.optionSet.options.length > 0) {
      // Scheduled runs use the defaults; fail now if an option has none and is required.
      locating(this, () => this.optionSet.render({}));
      this.jobTemplate = this._createJobTemplate('AdHoc', this.workload, 'ScheduledBatch', this.concurrency, { namespace });
    }

    groups.forEach((g, i) => {
      const cron = this.cronJobs[i];
      const first = this.schedules[g.positions[0]];
      const annotations: Record<string, string> = {
        // What was hashed: for Schedule.hashed('@daily') that is `H H * * *`, not `@daily`. A
        // merged CronJob has no H: its expression is the union itself.
        ...scheduleAnnotations(
          g.positions.length > 1 ? g.expression : first.isHashed ? first.expandedExpression : first.expression,
          seedAt(this.hashSeed, g.positions[0])),
        ...this.policyAnnotations(),
        ...runWindowAnnotations(props.notBefore, props.notAfter),
      };
      for (const [key, value] of Object.entries(annotations)) {
        cron.metadata.addAnnotation(key, value);
      }
      for (const [key, value] of Object.entries({ ...workloadLabel(name), ...kindLabel('ScheduledBatch') })) {
        cron.metadata.addLabel(key, value);
      }
    });

    if (several && this.concurrency.policy === ConcurrencyPolicy.FORBID) {
      this._warnWithoutController('Concurrency.forbid() across several CronJobs');
    }
    if (this.replaceAcross) {
      this._warnWithoutController('Concurrency.replace() across several CronJobs');
    }
    if (this.concurrency.needsController) {
      this._warnWithoutController('Concurrency.enqueue()');
    }
    const hasWindow = props.notBefore !== undefined || props.notAfter !== undefined;
    if (hasWindow) {
      this._warnWithoutController('notBefore/notAfter');
    }
    this.startingDeadline = props.startingDeadline ?? (hasWindow ? WINDOW_STARTING_DEADLINE : undefined);
  }

  /** The controller's concurrency annotations on each CronJob and its Jobs. */
  private policyAnnotations(): Record<string, string> {
    return this.replaceAcross ? replaceAcrossCronJobsAnnotations() : controllerAnnotations(this.cronConcurrency);
  }

  private renderSpec(schedule: string): Record<string, unknown> {
    const props = this.scheduleProps;
    const enqueue = this.cronConcurrency.policy === ConcurrencyPolicy.ENQUEUE;
    return renderCronJobSpec({
      schedule,
      timeZone: this.timeZone.name,
      concurrency: this.cronConcurrency,
      startingDeadlineSeconds: this.startingDeadline?.toSeconds(),
      suspend: props.suspend,
      successfulJobsRetained: props.successfulJobsRetained,
      failedJobsRetained: props.failedJobsRetained,
    }, {
      metadata: this._jobMetadata(this.workload.name, this.policyAnnotations()),
      spec: this._renderJobSpec(this.workload, enqueue ? { suspend: true } : {}, {}),
    });
  }
}

/** maxParallel, completion and cellInitImage mean nothing without a matrix; say so rather than ignore them. */
function checkNoMatrixSettings(props: ScheduledBatchProps): void {
  for (const [field, value] of [['maxParallel', props.maxParallel], ['completion', props.completion], ['cellInitImage', props.cellInitImage], ['matrixDelivery', props.matrixDelivery?.mode]] as const) {
    if (value !== undefined) {
      throw new BatchValidationError(field, field === 'completion' ? (value as Completion).mode : String(value),
        'only applies to a ScheduledBatch with a matrix', `Add a matrix, or remove ${field}.`);
    }
  }
}

function checkScheduleSettings(props: ScheduledBatchProps): void {
  if (props.startingDeadline !== undefined) {
    const seconds = props.startingDeadline.toSeconds();
    if (!Number.isInteger(seconds) || seconds < MIN_STARTING_DEADLINE_SECONDS) {
      throw new BatchValidationError('startingDeadline', `${seconds} seconds`,
        `must be a whole number of seconds, at least ${MIN_STARTING_DEADLINE_SECONDS} (the CronJob controller checks schedules about every 10 seconds, so shorter deadlines skip runs)`,
        'Use Duration.minutes(1) or more, or leave it unset.');
    }
  }
  for (const [field, value] of [['successfulJobsRetained', props.successfulJobsRetained], ['failedJobsRetained', props.failedJobsRetained]] as const) {
    if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
      throw new BatchValidationError(field, String(value), 'must be a whole number of at least 0', `Use e.g. ${field}: 3.`);
    }
  }
  if (props.notBefore && props.notAfter && props.notAfter.getTime() <= props.notBefore.getTime()) {
    throw new BatchValidationError('notAfter', props.notAfter.toISOString(),
      `is not after notBefore (${props.notBefore.toISOString()})`, 'Set notAfter later than notBefore, or drop one of them.');
  }
  for (const [field, value] of [['notBefore', props.notBefore], ['notAfter', props.notAfter]] as const) {
    if (value !== undefined && Number.isNaN(value.getTime())) {
      throw new BatchValidationError(field, String(value), 'is not a valid date', 'Pass e.g. new Date(\'2026-12-01T00:00:00Z\').');
    }
  }
}

/** The schedules, from `schedule` or `schedules` (exactly one of them). */
function schedulesOf(props: ScheduledBatchProps): Schedule[] {
  if (props.schedule !== undefined && props.schedules !== undefined) {
    throw new BatchValidationError('schedules', `${props.schedules.length} schedules`, 'cannot be combined with schedule',
      'Put every schedule in schedules, or use schedule alone.');
  }
  if (props.schedules !== undefined) {
    if (props.schedules.length === 0) {
      throw new BatchValidationError('schedules', '[]', 'must hold at least one schedule',
        'Pass e.g. schedules: [Schedule.cron(\'0 9 * * 1-5\'), Schedule.cron(\'0 12 * * 6,0\')].');
    }
    return [...props.schedules];
  }
  if (props.schedule === undefined) {
    throw new BatchValidationError('schedule', 'undefined', 'is missing: a ScheduledBatch needs schedule or schedules',
      'Pass e.g. schedule: Schedule.cron(\'H 3 * * *\').');
  }
  return [props.schedule];
}

/** The seed of the schedule at `position`: the workload's for the first, `SEED#i` for the others. */
function seedAt(seed: string, position: number): string {
  return position === 0 ? seed : `${seed}#${position}`;
}

/** The CronJobs the schedules need (docs/several-schedules.md). */
function groupSchedules(schedules: Schedule[], seed: (position: number) => string): ScheduleGroup[] {
  return unionOfSchedules(schedules.map((s, i) => ({ resolved: s.resolve(seed(i)), hashed: s.isHashed })));
}
