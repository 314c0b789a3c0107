/**
 * A kill at a time (`cdk8s-batch kill RUN --at TIME` / `--in DELAY`, Furiko's `killTimestamp`).
 *
 * The CLI writes `cdk8s-batch.dev/kill-at` (RFC 3339) and `cdk8s-batch.dev/kill-requested-by`
 * (the user the API server authenticated) on the run's Job, with the user's own credentials;
 * the `BatchController`'s admission policy `cdk8s-batch-kill-at` lets only a user who may
 * `patch jobs` in the namespace set them, and only under their own name, so the controller
 * never kills for someone who could not kill themselves.
 *
 * For each Job carrying `kill-at`, this reconciler waits until the time (re-queued for it,
 * nothing polled; a time in the past is now), then kills the run the way `cdk8s-batch kill`
 * does (the run core's `planScheduledKill`/`planKill`, src/runs/kill.ts): a running Job gets
 * `spec.activeDeadlineSeconds` lowered so that the Job controller fails it with
 * `DeadlineExceeded`; a queued (suspended) Job is deleted (propagation `Background`), its
 * JobRun's status set to `Killed` first. Either way the Job gets `killed-by` (the requester)
 * and `killed-at`, and a `Killed` Event on the JobRun, else the Job, names the requester.
 */
import {
  asksScheduledKill, killAnnotations, KillRecord, readKill, readScheduledKill, ScheduledKill,
} from '../../../src/contract/annotations';
import { KillAction, planScheduledKill, RunPhase } from '../../../src/runs';
import { formatRfc3339Seconds } from '../../../src/time';
import { controllerOwner, ObjectStore } from './util';
import { isNotFound } from '../kube/api';
import { Writer } from '../kube/cache';
import { EventRecorder } from '../kube/events';
import { Job, JOB_RUNS, JobRun, JOBS, keyOf, KubeObject, ResourceType, splitKey } from '../kube/types';
import { ReconcileContext, ReconcileResult, Reconciler } from '../runtime/controller';
import { errorFields } from '../runtime/log';

export interface ScheduledKillDeps {
  readonly jobs: ObjectStore<Job>;
  readonly jobRuns: ObjectStore<JobRun>;
  readonly writer: Writer;
  readonly events: EventRecorder;
}

/** The work-queue key of a Job that asks for a kill at a time, else undefined. */
export function jobKillKey(job: Job): string | undefined {
  return asksScheduledKill(job.metadata.annotations) ? keyOf(job) : undefined;
}

export class ScheduledKillReconciler implements Reconciler {
  readonly name = 'scheduled-kill';

  constructor(private readonly deps: ScheduledKillDeps) {}

  async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const { namespace, name } = splitKey(key);
    const job = this.deps.jobs.get(namespace, name);
    if (!job || job.metadata.deletionTimestamp) return;
    let asked: ScheduledKill | undefined;
    try {
      asked = readScheduledKill(job.metadata.annotations);
    } catch (e) {
      ctx.log.warn('invalid kill-at; not killing', { job: name, ...errorFields(e) });
      void this.deps.events.record({
        regarding: job,
        regardingType: JOBS,
        type: 'Warning',
        reason: 'InvalidKillAt',
        action: 'Kill',
        note: `${(e as Error).message} Job ${name} is not killed until it is fixed.`,
      });
      return;
    }
    if (!asked) return;
    const plan = planScheduledKill(job, asked.atMs, ctx.now);
    if (plan.waitMs !== undefined) return { requeueAfterMs: plan.waitMs };
    if (!plan.kill || plan.kill.action === KillAction.FINISHED) return;

    const kill: KillRecord = { by: asked.by, at: formatRfc3339Seconds(ctx.now) };
    const runName = controllerOwner(job, 'JobRun')?.name;
    const run = runName ? this.deps.jobRuns.get(namespace, runName) : undefined;
    let done: string;
    if (plan.kill.action === KillAction.DEADLINE) {
      await this.deps.writer.patch<Job>(JOBS, job, {
        metadata: { annotations: killAnnotations(kill) },
        spec: { activeDeadlineSeconds: plan.kill.activeDeadlineSeconds },
      });
      done = `Job ${name}: activeDeadlineSeconds set to ${plan.kill.activeDeadlineSeconds}; the Job controller fails it with DeadlineExceeded and stops its pods.`;
    } else {
      // Queued: no pods, no deadline clock. The JobRun learns first, so that the Job's
      // disappearance never reads as JobDeleted.
      if (run && run.status?.phase !== RunPhase.KILLED) await this.markRunKilled(run, kill, ctx);
      let marked = job;
      if (!readKill(job.metadata.annotations)) {
        try {
          marked = await this.deps.writer.patch<Job>(JOBS, job, { metadata: { annotations: killAnnotations(kill) } });
        } catch (e) {
          if (!isNotFound(e)) throw e;
          return;
        }
      }
      await this.deps.writer.delete(JOBS, marked, { propagationPolicy: 'Background' });
      done = `Job ${name} was queued (suspended, no pods): deleted (propagation Background).`;
    }
    ctx.log.info('killed a run at its kill-at time', { job: name, killAt: asked.at, requestedBy: asked.by, action: plan.kill.action });
    const subject: { obj: KubeObject; type: ResourceType } = run ? { obj: run, type: JOB_RUNS } : { obj: job, type: JOBS };
    void this.deps.events.record({
      regarding: subject.obj,
      regardingType: subject.type,
      type: 'Normal',
      reason: 'Killed',
      action: 'Kill',
      note: `Killed at ${kill.at} for ${asked.by}, who asked with cdk8s-batch kill for ${asked.at}. ${done}`,
    });
  }

  private async markRunKilled(run: JobRun, kill: KillRecord, ctx: ReconcileContext): Promise<void> {
    const now = formatRfc3339Seconds(ctx.now);
    const others = (run.status?.conditions ?? []).filter((c) => c.type !== 'Killed');
    await this.deps.writer.patch<JobRun>(JOB_RUNS, run, {
      status: {
        phase: RunPhase.KILLED,
        completionTime: now,
        conditions: [...others, { type: 'Killed', status: 'True', reason: 'Killed', message: `Killed by ${kill.by} at ${kill.at}, before it started.`, lastTransitionTime: now }],
      },
    }, 'status');
  }
}
