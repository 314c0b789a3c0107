/**
 * JobRun: one ad-hoc run of a workload, requested as an object.
 *
 * A JobRun names a JobTemplate (a ParameterizedJob, or a ScheduledBatch with options) or a
 * CronJob (a ScheduledBatch without options) plus option values. The run core in
 * `src/runs` (the code `cdk8s-batch run --dry-run` uses too) validates the values with the
 * options core, substitutes them and builds the Job; this reconciler applies the workload's
 * concurrency policy, creates the Job with the JobRun as its controlling owner, and mirrors
 * the Job's progress into the JobRun's status.
 *
 * The work-queue key is the workload (`namespace/templateRef.name`), not the JobRun: the
 * JobRuns of one workload are decided one at a time, oldest first, so two JobRuns of a
 * `Forbid` workload created together never both start. Everything is read from the caches
 * (with our own creations shown at once, see kube/cache.ts) and every write is conditional,
 * so a restart or failover never creates a Job twice: the Job takes the JobRun's name, and a
 * JobRun whose Job exists is only ever updated from it.
 *
 * Status: `phase` (Pending, Queued, Running, Succeeded, Failed, Refused), `jobName`, the
 * rendered `values`, `startTime`, `completionTime`, and the conditions `Accepted` (True once
 * the Job exists, False when refused or invalid, Unknown while the template is missing),
 * `Complete` and `Failed`.
 */
import { DEFAULT_MAX_QUEUED, effectiveMaxQueued } from '../../../src/contract/annotations';
import { BatchValidationError } from '../../../src/errors';
import { ConcurrencyPolicy } from '../../../src/contract/concurrency-policy';
import { LABEL_WORKLOAD } from '../../../src/contract/keys';
import { concurrencyGroupOf, readKill } from '../../../src/contract/annotations';
import {
  checkRunName, concurrencyKey, dueState, FINAL_PHASES, formatLateness, isQueued, LATE_START_THRESHOLD_MS, readStartAfter, phaseOfJob, planRun, RunAdmission, RunPhase, RunPlan, RunSource, RunSourceKind,
  runSourceFromCronJob, runSourceFromJobTemplate,
} from '../../../src/runs';
import { formatRfc3339Seconds } from '../../../src/time';
import { byCreation, controllerOwner, isJobFinished, ObjectStore, trueCondition } from './util';
import {
  isAlreadyExists, isConflict, isNotFound, isPermanentRejection, isUnavailable, serverMessage, UNAVAILABLE_RETRY_MAX_MS,
} from '../kube/api';
import { Writer } from '../kube/cache';
import { EventRecorder, EventType } from '../kube/events';
import {
  apiVersionOf, Condition, CronJob, Job, JOB_RUNS, JOB_TEMPLATES, JobRun, JobRunStatus, JOBS, JobTemplate, KubeObject, splitKey,
} from '../kube/types';
import { backoffDelay } from '../runtime/clock';
import { ReconcileContext, ReconcileResult, Reconciler } from '../runtime/controller';
import { errorFields } from '../runtime/log';
import { Metrics } from '../runtime/metrics';

export interface JobRunDeps {
  readonly jobRuns: ObjectStore<JobRun>;
  readonly jobTemplates: ObjectStore<JobTemplate>;
  readonly cronJobs: ObjectStore<CronJob>;
  readonly jobs: ObjectStore<Job>;
  readonly writer: Writer;
  readonly events: EventRecorder;
  readonly metrics?: Metrics;
  /** Back-off of one run after a transient failure (quota, 429, 5xx): first delay, default 1 s. */
  readonly retryBaseMs?: number;
  /** Longest back-off of one run, default 5 minutes. */
  readonly retryMaxMs?: number;
  /**
   * Finished JobRuns kept per workload source (JobTemplate or CronJob); older ones are
   * deleted, their Jobs with them. Default {@link DEFAULT_JOB_RUN_HISTORY_LIMIT}.
   */
  readonly historyLimit?: number;
}

/** Finished JobRuns kept per JobTemplate or CronJob when `--jobrun-history-limit` is not given. */
export const DEFAULT_JOB_RUN_HISTORY_LIMIT = 100;

/** A run that failed transiently: when it may be tried again, and how often it failed. */
interface RunBackoff {
  readonly failures: number;
  readonly at: number;
}

/** Condition types of a JobRun. */
export const CONDITION_ACCEPTED = 'Accepted';
export const CONDITION_COMPLETE = 'Complete';
export const CONDITION_FAILED = 'Failed';
export const CONDITION_KILLED = 'Killed';
/** `Accepted` Unknown while the Job's name is recorded and the Job not created yet. */
export const REASON_CREATING = 'Creating';
/**
 * How long after a run recorded its Job's name a missing Job is taken as never created (the
 * recording instance stopped before creating it) and created: a takeover takes seconds.
 */
export const RECREATE_WINDOW_MS = 5 * 60_000;
/** `Accepted` Unknown while the run waits for its `spec.startAfter`. */
export const REASON_NOT_YET_DUE = 'NotYetDue';

/** The work-queue key of a JobRun: its workload's concurrency key, `namespace/templateRef.name`. */
export function jobRunKey(run: JobRun): string | undefined {
  return concurrencyKey(run);
}

export class JobRunReconciler implements Reconciler {
  readonly name = 'jobrun';

  constructor(private readonly deps: JobRunDeps) {}

  /** Per workload key, per JobRun uid: runs waiting out a transient failure. */
  private readonly backoffs = new Map<string, Map<string, RunBackoff>>();
  /** JobRun uids whose last Job create failed (not created): their recorded jobName may be created again. */
  private readonly createFailed = new Set<string>();
  /** JobRun uids whose Job this instance created: a missing one existed, so it is never created again. */
  private readonly createdHere = new Set<string>();

  async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const { namespace, name: sourceName } = splitKey(key);
    const runs = this.deps.jobRuns.list(namespace)
      .filter((r) => r.spec?.templateRef?.name === sourceName && !r.metadata.deletionTimestamp)
      .sort(byCreation);
    const before = this.backoffs.get(key) ?? new Map<string, RunBackoff>();
    const backoffs = new Map<string, RunBackoff>();
    let stale: unknown;
    let retryAt: number | undefined;
    // Each run on its own: one run's failure must not hold back the runs behind it.
    for (const run of runs) {
      const uid = run.metadata.uid ?? run.metadata.name!;
      if (FINAL_PHASES.has(run.status?.phase ?? '')) {
        this.createFailed.delete(uid);
        this.createdHere.delete(uid);
        continue;
      }
      const waiting = before.get(uid);
      if (waiting && waiting.at > ctx.now) {
        backoffs.set(uid, waiting);
        retryAt = Math.min(retryAt ?? Infinity, waiting.at);
        continue;
      }
      try {
        const dueAt = await this.reconcileRun(run, ctx);
        if (dueAt !== undefined) retryAt = Math.min(retryAt ?? Infinity, dueAt);
      } catch (e) {
        if (isNotFound(e) && !this.deps.jobRuns.get(namespace, run.metadata.name!)) continue; // the run itself is gone
        if (isConflict(e)) {
          // A stale cache: the whole key is retried at once (quietly), after the other runs.
          stale ??= e;
          continue;
        }
        const failures = (waiting?.failures ?? 0) + 1;
        // The API server away: tried again within seconds of its return, however often it failed meanwhile.
        const maxMs = Math.min(this.deps.retryMaxMs ?? 5 * 60_000, isUnavailable(e) ? UNAVAILABLE_RETRY_MAX_MS : Infinity);
        const delay = backoffDelay(failures - 1, this.deps.retryBaseMs ?? 1000, maxMs, 0.1);
        backoffs.set(uid, { failures, at: ctx.now + delay });
        retryAt = Math.min(retryAt ?? Infinity, ctx.now + delay);
        this.deps.metrics?.jobRuns.inc({ namespace, result: 'retry' });
        ctx.log.warn('JobRun failed transiently; retrying it alone', { jobRun: run.metadata.name, failures, retryInMs: delay, ...errorFields(e) });
      }
    }
    if (backoffs.size > 0) this.backoffs.set(key, backoffs);
    else this.backoffs.delete(key);
    if (stale) throw stale;
    await this.pruneHistory(runs, ctx);
    return retryAt === undefined ? undefined : { requeueAfterMs: Math.max(0, retryAt - ctx.now) };
  }

  /**
   * Keeps the newest `historyLimit` finished runs of one source and deletes the older ones
   * (their Jobs go with them, by owner reference), so finished runs never pile up. Oldest
   * by completion, then by creation; each delete is preconditioned on the run read.
   */
  private async pruneHistory(runs: JobRun[], ctx: ReconcileContext): Promise<void> {
    const limit = this.deps.historyLimit ?? DEFAULT_JOB_RUN_HISTORY_LIMIT;
    // Re-read: a run may have finished during this reconcile.
    const finished = runs
      .map((r) => this.deps.jobRuns.get(r.metadata.namespace, r.metadata.name!) ?? r)
      .filter((r) => FINAL_PHASES.has(r.status?.phase ?? '') && !r.metadata.deletionTimestamp);
    if (finished.length <= limit) return;
    const ended = (r: JobRun) => Date.parse(r.status?.completionTime ?? r.metadata.creationTimestamp ?? '') || 0;
    finished.sort((a, b) => ended(a) - ended(b) || byCreation(a, b));
    for (const old of finished.slice(0, finished.length - limit)) {
      await this.deps.writer.delete(JOB_RUNS, old, { propagationPolicy: 'Background' });
      this.deps.metrics?.jobRuns.inc({ namespace: old.metadata.namespace!, result: 'deleted' });
      ctx.log.info('deleted a finished JobRun beyond the history limit', { jobRun: old.metadata.name, phase: old.status?.phase, historyLimit: limit });
    }
  }

  /** Returns when to look again for a run not due yet. */
  private async reconcileRun(run: JobRun, ctx: ReconcileContext): Promise<number | undefined> {
    const namespace = run.metadata.namespace!;
    const name = run.metadata.name!;
    const job = this.deps.jobs.get(namespace, name);
    const kill = readKill(run.metadata.annotations);
    if (kill && !job) {
      // Killed before its Job ran (not due yet, or queued: `cdk8s-batch kill` deleted the
      // suspended Job): it never starts.
      const message = `Killed by ${kill.by} at ${kill.at}, before it started.`;
      await this.setStatus(run, {
        phase: RunPhase.KILLED,
        conditions: [condition(CONDITION_KILLED, 'True', 'Killed', message)],
        completionTime: formatRfc3339Seconds(ctx.now),
      }, ctx);
      return undefined;
    }
    if (job) {
      if (controllerOwner(job, 'JobRun')?.uid !== run.metadata.uid) {
        await this.fail(run, ctx, 'JobExists', jobExistsMessage(namespace, name));
        return;
      }
      await this.follow(run, job, ctx);
      return;
    }
    if (run.status?.jobName) {
      const accepted = run.status.conditions?.find((c) => c.type === CONDITION_ACCEPTED);
      const creating = accepted?.reason === REASON_CREATING;
      const uid = run.metadata.uid!;
      if (creating && (this.createFailed.has(uid) || (!this.createdHere.has(uid) && !this.mayHaveExisted(run, accepted!, ctx)))) {
        // Our create failed, or the instance that recorded the name stopped before its create
        // got through (a leader killed, a takeover): nothing ran yet.
        await this.start(run, ctx);
        return;
      }
      await this.fail(run, ctx, 'JobDeleted', creating
        ? `Job ${run.status.jobName} does not exist, and this run may have created it before (the controller restarted between ` +
          'recording its name and creating it). It is not started again, so that it never runs twice. Create a new JobRun to run it.'
        : `Job ${run.status.jobName} was deleted before it finished (by hand, by the Enqueue queue cap, or replaced by another run).`);
      return undefined;
    }
    return this.start(run, ctx);
  }

  /**
   * Whether the Job a run in `Creating` names, which does not exist, may have existed and been
   * removed since (then starting it again could run it twice). It is created only after the
   * name was recorded, so an instance that stopped between the two (SIGKILL, a lost Lease)
   * leaves exactly this state with nothing created. What else removes a run's Job:
   *
   * - the TTL controller, once the Job finished and `ttlSecondsAfterFinished` passed: not
   *   before that long since the name was recorded;
   * - a newer run of a `Replace` workload: may have, whenever;
   * - the Enqueue queue cap: deletes queued Jobs only, which never ran;
   * - a person or a tool deleting it: within `RECREATE_WINDOW_MS` of its creation, a risk taken
   *   (as with any Job deleted and re-created by hand).
   *
   * So the Job is created again only within that window (at most the Job's TTL) of the
   * `Accepted` condition's transition, for a source that is not `Replace`; otherwise the run
   * fails `JobDeleted`. A source that cannot be read counts as "may have".
   */
  private mayHaveExisted(run: JobRun, accepted: Condition, ctx: ReconcileContext): boolean {
    const source = this.sourceOf(run);
    if (typeof source === 'string' || source instanceof BatchValidationError) return true;
    if (source.concurrency.policy === ConcurrencyPolicy.REPLACE) return true;
    const since = Date.parse(accepted.lastTransitionTime ?? '');
    if (!Number.isFinite(since)) return true;
    const ttl = source.jobSpec.ttlSecondsAfterFinished;
    const windowMs = ttl === undefined ? RECREATE_WINDOW_MS : typeof ttl === 'number' ? Math.min(RECREATE_WINDOW_MS, ttl * 1000) : 0;
    return ctx.now - since >= windowMs;
  }

  /** A JobRun without a Job: wait for its due time, validate, apply the concurrency policy, create the Job. */
  private async start(run: JobRun, ctx: ReconcileContext): Promise<number | undefined> {
    const namespace = run.metadata.namespace!;
    const name = run.metadata.name!;
    let startAfter: number | undefined;
    try {
      startAfter = readStartAfter(run.spec?.startAfter);
    } catch (e) {
      if (!(e instanceof BatchValidationError)) throw e;
      await this.fail(run, ctx, 'InvalidStartAfter', `JobRun ${namespace}/${name}: ${e.message}`);
      return undefined;
    }
    const due = dueState(startAfter, ctx.now);
    if (!due.due) {
      // Held before anything else: the template may change or appear until then, and a
      // Forbid or Enqueue decision is made at the due time, against the runs active then.
      await this.setStatus(run, {
        phase: RunPhase.QUEUED,
        conditions: [condition(CONDITION_ACCEPTED, 'Unknown', REASON_NOT_YET_DUE,
          `Waits until its startAfter time ${run.spec!.startAfter} (in ${formatLateness(due.waitMs)}); the Job is created then.`)],
      }, ctx);
      return startAfter;
    }
    await this.startNow(run, ctx, startAfter, due.lateMs);
    return undefined;
  }

  private async startNow(run: JobRun, ctx: ReconcileContext, startAfter: number | undefined, lateMs: number): Promise<void> {
    const namespace = run.metadata.namespace!;
    const name = run.metadata.name!;
    const found = this.sourceOf(run);
    if (typeof found === 'string') {
      await this.setStatus(run, { phase: RunPhase.PENDING, conditions: [condition(CONDITION_ACCEPTED, 'Unknown', 'TemplateNotFound', found)] }, ctx);
      return;
    }
    if (found instanceof BatchValidationError) {
      await this.fail(run, ctx, 'InvalidTemplate', found.message);
      return;
    }
    const source = found;
    try {
      checkRunName(name);
    } catch (e) {
      await this.fail(run, ctx, 'InvalidName', `JobRun ${namespace}/${name}: ${(e as Error).message}`);
      return;
    }
    const values = run.spec?.values ?? {};
    const problems = source.options.validate(values);
    if (problems.length > 0) {
      await this.fail(run, ctx, 'InvalidValues', problems.join(' '));
      return;
    }

    const active = this.deps.jobs.listWorkload(namespace, source.workload)
      .filter((j) => !isJobFinished(j) && !j.metadata.deletionTimestamp);
    let plan: RunPlan<Job>;
    try {
      plan = planRun(source, { name, values, force: run.spec?.force === true, jobRunUid: run.metadata.uid }, active);
    } catch (e) {
      if (!(e instanceof BatchValidationError)) throw e;
      await this.fail(run, ctx, 'InvalidTemplate', `${source.kind} ${namespace}/${source.name}: ${e.message}`);
      return;
    }
    const { admission } = plan;
    const maxQueued = effectiveMaxQueued(source.concurrency);
    const waiting = active.filter((j) => isQueued(j));
    if (admission === RunAdmission.QUEUE && waiting.length >= maxQueued) {
      const cap = source.concurrency.maxQueued === undefined ? `the default max-queued ${DEFAULT_MAX_QUEUED}` : `max-queued ${maxQueued}`;
      const message = `The queue of workload ${source.workload} is full: ${waiting.length} Jobs wait, ${cap}. ` +
        'Create a new JobRun once the queue is shorter, or raise maxQueued in Concurrency.enqueue().';
      this.deps.metrics?.jobRuns.inc({ namespace, result: 'refused' });
      this.event(run, 'Warning', 'QueueFull', 'Refuse', message);
      await this.setStatus(run, {
        phase: RunPhase.REFUSED,
        conditions: [condition(CONDITION_ACCEPTED, 'False', 'QueueFull', message)],
      }, ctx);
      return;
    }
    if (admission === RunAdmission.REFUSE) {
      const names = active.map((j) => j.metadata.name).sort().join(', ');
      const message = `Workload ${source.workload} has the Forbid concurrency policy and ${active.length === 1 ? 'a run is' : 'runs are'} ` +
        `active (${names}). Create a new JobRun once it finishes, or set spec.force: true to start anyway.`;
      this.deps.metrics?.jobRuns.inc({ namespace, result: 'refused' });
      this.event(run, 'Warning', 'Refused', 'Refuse', message);
      await this.setStatus(run, {
        phase: RunPhase.REFUSED,
        conditions: [condition(CONDITION_ACCEPTED, 'False', 'Forbidden', message)],
      }, ctx);
      return;
    }
    if (admission === RunAdmission.REPLACE) {
      for (const old of plan.replaced) {
        await this.deps.writer.delete(JOBS, old, { propagationPolicy: 'Background' });
        ctx.log.info('replaced an active Job', { jobRun: name, job: old.metadata.name, workload: source.workload });
      }
      this.deps.metrics?.jobRuns.inc({ namespace, result: 'replaced' });
      this.event(run, 'Normal', 'Replaced', 'Replace',
        `Deleted the active Jobs of workload ${source.workload} (${plan.replaced.map((j) => j.metadata.name).sort().join(', ')}) ` +
        'before starting this run (Replace concurrency policy).');
    }

    const built = plan.job!;
    if (run.status?.jobName !== name) {
      // The name first: once it is recorded, a run whose Job is gone is never started again
      // (a Job created, then TTL-deleted before our status write got through, ran already).
      run = await this.setStatus(run, {
        phase: RunPhase.PENDING,
        jobName: name,
        conditions: [condition(CONDITION_ACCEPTED, 'Unknown', REASON_CREATING, `Creating Job ${name}.`)],
      }, ctx);
    }
    let created: Job;
    try {
      created = await this.deps.writer.create<Job>(JOBS, built.job as Job);
      this.createFailed.delete(run.metadata.uid!);
      this.createdHere.add(run.metadata.uid!);
    } catch (e) {
      if (!isAlreadyExists(e)) this.createFailed.add(run.metadata.uid!);
      if (isPermanentRejection(e)) {
        // Asking again gets the same answer (422 of a substituted value, a policy's denial):
        // the run fails with the server's words, and the runs behind it go on.
        await this.fail(run, ctx, 'JobRejected', `The API server rejected Job ${namespace}/${name}: ${serverMessage(e)}`);
        return;
      }
      if (!isAlreadyExists(e)) throw e;
      // A Job of that name that the cache does not hold: not a workload's (no label), or just
      // created by us and not seen yet. Ask the API server whose it is.
      const existing = await this.deps.writer.api.get<Job>(JOBS, namespace, name);
      if (controllerOwner(existing, 'JobRun')?.uid === run.metadata.uid) {
        await this.follow(run, existing, ctx);
      } else {
        await this.fail(run, ctx, 'JobExists', jobExistsMessage(namespace, name));
      }
      return;
    }
    const queued = admission === RunAdmission.QUEUE;
    this.deps.metrics?.jobRuns.inc({ namespace, result: queued ? 'queued' : 'started' });
    ctx.log.info('created Job for JobRun', { jobRun: name, job: name, workload: source.workload, queued });
    const group = concurrencyGroupOf(built.job.metadata?.labels);
    let message = queued
      ? `Created Job ${name}, suspended: it waits in the queue of workload ${source.workload} (Enqueue, at most ${source.concurrency.maxConcurrency} running).`
      : group ? `Created Job ${name}, suspended: it waits in the queue of concurrency group ${group}.` : `Created Job ${name}.`;
    if (startAfter !== undefined) {
      message += ` Its startAfter time was ${run.spec!.startAfter}; created ${formatLateness(lateMs)} after it.`;
      if (lateMs > LATE_START_THRESHOLD_MS) {
        this.event(run, 'Warning', 'StartedLate', 'Create',
          `Started ${formatLateness(lateMs)} after its startAfter time ${run.spec!.startAfter} (the controller was not running or was behind then).`);
      }
    }
    this.event(run, 'Normal', 'JobCreated', 'Create', message);
    await this.setStatus(run, {
      phase: phaseOfJob(created),
      jobName: name,
      values: built.values,
      conditions: [condition(CONDITION_ACCEPTED, 'True', queued || group ? 'Queued' : 'Started', message)],
    }, ctx);
  }

  /** A JobRun with its Job: mirror the Job's progress. */
  private async follow(run: JobRun, job: Job, ctx: ReconcileContext): Promise<void> {
    const phase = phaseOfJob(job);
    const conditions: Condition[] = [...(run.status?.conditions ?? []).filter((c) => c.type === CONDITION_ACCEPTED && c.status === 'True')];
    if (conditions.length === 0) {
      conditions.push(condition(CONDITION_ACCEPTED, 'True', 'Started', `Created Job ${job.metadata.name}.`));
    }
    const jobFailed = trueCondition(job.status?.conditions, 'Failed');
    const jobComplete = trueCondition(job.status?.conditions, 'Complete');
    if (jobComplete) conditions.push(condition(CONDITION_COMPLETE, 'True', 'JobComplete', `Job ${job.metadata.name} completed.`));
    if (jobFailed) {
      conditions.push(condition(CONDITION_FAILED, 'True', jobFailed.reason ?? 'JobFailed',
        `Job ${job.metadata.name} failed${jobFailed.message ? `: ${jobFailed.message}` : '.'}`));
    }
    const kill = readKill(job.metadata.annotations) ?? readKill(run.metadata.annotations);
    if (kill && jobFailed) conditions.push(condition(CONDITION_KILLED, 'True', 'Killed', `Killed by ${kill.by} at ${kill.at}.`));
    const end = jobComplete ?? jobFailed;
    await this.setStatus(run, {
      phase,
      jobName: job.metadata.name,
      startTime: job.status?.startTime,
      completionTime: job.status?.completionTime ?? end?.lastTransitionTime,
      conditions,
    }, ctx);
  }

  /** Fails a run that will never have a Job (or lost it): `Accepted` False and `Failed` True with the reason. */
  private async fail(run: JobRun, ctx: ReconcileContext, reason: string, message: string): Promise<void> {
    const namespace = run.metadata.namespace!;
    const lost = reason === 'JobExists' || reason === 'JobDeleted';
    this.deps.metrics?.jobRuns.inc({ namespace, result: lost ? 'lost' : reason === 'JobRejected' ? 'rejected' : 'invalid' });
    ctx.log.info('JobRun failed', { jobRun: run.metadata.name, reason, message });
    this.event(run, 'Warning', reason, 'Validate', message);
    await this.setStatus(run, {
      phase: RunPhase.FAILED,
      conditions: [condition(CONDITION_ACCEPTED, 'False', reason, message), condition(CONDITION_FAILED, 'True', reason, message)],
      completionTime: formatRfc3339Seconds(ctx.now),
    }, ctx);
  }

  /** The JobTemplate or CronJob a run names; a message while it is missing; the error when it is unusable. */
  private sourceOf(run: JobRun): RunSource | string | BatchValidationError {
    const namespace = run.metadata.namespace!;
    const ref = run.spec?.templateRef ?? {};
    const kind = ref.kind ?? RunSourceKind.JOB_TEMPLATE;
    try {
      if (kind === RunSourceKind.CRON_JOB) {
        const cron = this.deps.cronJobs.get(namespace, ref.name!);
        if (!cron) {
          return `CronJob ${namespace}/${ref.name} does not exist, or has no ${LABEL_WORKLOAD} label (not a cdk8s-batch workload). ` +
            'The run starts when it appears.';
        }
        return runSourceFromCronJob({ ...cron, apiVersion: 'batch/v1', kind: 'CronJob' });
      }
      const template = this.deps.jobTemplates.get(namespace, ref.name!);
      if (!template) {
        return `JobTemplate ${namespace}/${ref.name} does not exist. The run starts when it appears.`;
      }
      return runSourceFromJobTemplate({ ...template, apiVersion: apiVersionOf(JOB_TEMPLATES), kind: JOB_TEMPLATES.kind });
    } catch (e) {
      if (e instanceof BatchValidationError) return e;
      throw e;
    }
  }

  /** Writes the status if it changed; returns the JobRun as it now is. */
  private async setStatus(run: JobRun, desired: JobRunStatus & { phase: RunPhase; conditions: Condition[] }, ctx: ReconcileContext): Promise<JobRun> {
    const current = run.status ?? {};
    const now = formatRfc3339Seconds(ctx.now);
    const conditions = desired.conditions.map((c) => {
      const before = current.conditions?.find((o) => o.type === c.type);
      // lastTransitionTime moves only when the status does.
      return { ...c, lastTransitionTime: before && before.status === c.status ? before.lastTransitionTime ?? now : now };
    });
    const status: JobRunStatus = {
      phase: desired.phase,
      jobName: desired.jobName ?? current.jobName,
      values: desired.values ?? current.values,
      startTime: desired.startTime ?? current.startTime,
      completionTime: desired.completionTime ?? current.completionTime,
      observedGeneration: run.metadata.generation,
      conditions,
    };
    if (sameStatus(current, status)) return run;
    const updated = await this.deps.writer.patch<JobRun>(JOB_RUNS, run, { status: withoutUndefined(status) }, 'status');
    if (current.phase !== status.phase) {
      ctx.log.info('JobRun phase', { jobRun: run.metadata.name, from: current.phase ?? '(none)', to: status.phase });
    }
    return updated;
  }

  /** Sent, not awaited: a slow or failing Event never holds up a reconcile (the recorder never rejects). */
  private event(run: JobRun, type: EventType, reason: string, action: string, note: string): void {
    void this.deps.events.record({ regarding: run as KubeObject, regardingType: JOB_RUNS, type, reason, action, note });
  }
}

function jobExistsMessage(namespace: string, name: string): string {
  return `A Job named ${name} already exists in ${namespace} and does not belong to this JobRun. Create the JobRun under another name.`;
}

function condition(type: string, status: 'True' | 'False' | 'Unknown', reason: string, message: string): Condition {
  return { type, status, reason, message };
}

/** Equal as JSON, whatever the key order (the API server returns keys sorted). */
function sameStatus(a: JobRunStatus, b: JobRunStatus): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (v && typeof v === 'object' && !Array.isArray(v)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]]))
    : v));
}

function withoutUndefined<T extends object>(obj: T): T {
  return JSON.parse(JSON.stringify(obj));
}
