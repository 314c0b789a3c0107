/**
 * Enqueue: admission by suspend (Kueue's pattern, without a webhook).
 *
 * A workload with `Concurrency.enqueue()` is a CronJob with `concurrencyPolicy: Allow` whose
 * Jobs are created suspended. For each workload (namespace + `cdk8s-batch.dev/workload`
 * label), this reconciler:
 *
 * 1. counts the **active** Jobs: not suspended and not finished (whoever un-suspended them);
 * 2. lists the **queued** Jobs: suspended, not finished, not being deleted, carrying the
 *    Enqueue annotation and never admitted (no `admitted-at`), oldest first (creation time,
 *    then name);
 * 3. admits the oldest queued Jobs until `active == maxConcurrency`, one merge patch each
 *    (`spec.suspend: false` + `admitted-at`), preconditioned on the Job's resourceVersion;
 * 4. if more than `max-queued` Jobs still wait (`DEFAULT_MAX_QUEUED`, 1000, when the
 *    workload sets no cap), deletes the newest excess (propagation Background,
 *    preconditioned on uid and resourceVersion) with a `QueueFull` Event on the CronJob.
 *
 * The caps come from the CronJob's annotations when it still has the Enqueue policy (the
 * live configuration), otherwise from the newest Job carrying it (its CronJob was deleted or
 * changed policy while Jobs still waited).
 */
import { DEFAULT_MAX_QUEUED, effectiveMaxQueued, hasEnqueuePolicy, readEnqueue } from '../../../src/contract/annotations';
import { concurrencyKey, isInConcurrencyGroup, isQueued } from '../../../src/runs';
import { admitQueuedJob, byCreation, controllerOwner, isJobFinished, ObjectStore } from './util';
import { Writer } from '../kube/cache';
import { EventRecorder } from '../kube/events';
import { CRONJOBS, CronJob, Job, JOBS, KubeObject, splitKey } from '../kube/types';
import { ReconcileContext, ReconcileResult, Reconciler } from '../runtime/controller';
import { errorFields } from '../runtime/log';
import { Metrics } from '../runtime/metrics';

export interface EnqueueDeps {
  readonly jobs: ObjectStore<Job>;
  readonly cronJobs: ObjectStore<CronJob>;
  readonly writer: Writer;
  readonly events: EventRecorder;
  readonly metrics?: Metrics;
}

interface Policy {
  readonly source: KubeObject;
  readonly maxConcurrency: number;
  readonly maxQueued?: number;
}

/** The work-queue key of a Job's or CronJob's workload (its concurrency key), if it has one. */
export function workloadKey(obj: KubeObject): string | undefined {
  return concurrencyKey(obj);
}

function isEnqueue(obj: KubeObject | undefined): boolean {
  return hasEnqueuePolicy(obj?.metadata.annotations);
}

export class EnqueueReconciler implements Reconciler {
  readonly name = 'enqueue';

  constructor(private readonly deps: EnqueueDeps) {}

  async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const { namespace, name: workload } = splitKey(key);
    const { metrics } = this.deps;
    const jobs = this.deps.jobs.listWorkload(namespace, workload);
    const cronJobs = this.deps.cronJobs.listWorkload(namespace, workload);

    let policy: Policy | undefined;
    try {
      policy = this.policyOf(cronJobs, jobs);
    } catch (e) {
      const source = cronJobs.find(isEnqueue) ?? jobs.filter(isEnqueue).sort(byCreation).pop();
      ctx.log.warn('invalid Enqueue settings; not admitting', errorFields(e));
      if (source) {
        void this.deps.events.record({
          regarding: source,
          regardingType: cronJobs.includes(source as CronJob) ? CRONJOBS : JOBS,
          type: 'Warning',
          reason: 'InvalidConcurrency',
          action: 'Admit',
          note: `${(e as Error).message} Queued Jobs of workload ${workload} are not admitted until it is fixed.`,
        });
      }
      return;
    }
    const gauges = { namespace, workload };
    if (!policy) {
      metrics?.queuedJobs.remove(gauges);
      metrics?.activeJobs.remove(gauges);
      return;
    }

    const unfinished = jobs.filter((j) => !isJobFinished(j));
    const active = unfinished.filter((j) => j.spec?.suspend !== true);
    const queued = unfinished
      .filter((j) => isQueued(j) && !j.metadata.deletionTimestamp)
      .sort(byCreation);

    // Jobs in a concurrency group are admitted by the group rule (./group.ts), which applies
    // this workload's cap too; the queue cap below still counts them.
    const slots = Math.max(0, policy.maxConcurrency - active.length);
    const toAdmit = queued.filter((j) => !isInConcurrencyGroup(j)).slice(0, slots);
    let running = active.length;
    for (const job of toAdmit) {
      // One at a time, oldest first: if this one fails (409: the cache was stale), younger
      // ones must not overtake it; the whole key is retried.
      if (!await admitQueuedJob(this.deps.writer, job, ctx.now)) {
        // Deleted since the cache saw it: the key runs again at once, with the Writer's view
        // already without it, to give the slot to the next in line.
        ctx.log.info('queued Job is gone; moving on', { job: job.metadata.name, workload });
        return { requeueAfterMs: 0 };
      }
      running++;
      metrics?.admissions.inc({ namespace });
      const waiting = queued.length - (toAdmit.indexOf(job) + 1);
      ctx.log.info('admitted Job', { job: job.metadata.name, workload, running, maxConcurrency: policy.maxConcurrency, queued: waiting });
      void this.deps.events.record({
        regarding: job,
        regardingType: JOBS,
        type: 'Normal',
        reason: 'Admitted',
        action: 'Admit',
        note: `Admitted from the queue of workload ${workload}: ${running} of at most ${policy.maxConcurrency} Jobs running, ${waiting} still queued.`,
      });
    }

    let stillQueued = queued.filter((j) => !toAdmit.includes(j));
    const maxQueued = effectiveMaxQueued(policy);
    if (stillQueued.length > maxQueued) {
      const excess = stillQueued.slice(maxQueued); // the newest ones
      const cap = policy.maxQueued === undefined ? `the default max-queued ${DEFAULT_MAX_QUEUED}` : `max-queued ${maxQueued}`;
      const waitingBefore = stillQueued.length;
      for (const job of excess.reverse()) {
        await this.deps.writer.delete(JOBS, job, { propagationPolicy: 'Background' });
        metrics?.queueDrops.inc({ namespace });
        const note = `Deleted queued Job ${job.metadata.name}: ${waitingBefore} Jobs of workload ${workload} were waiting, ` +
          `more than ${cap} (max-concurrency ${policy.maxConcurrency}, ${running} running).`;
        ctx.log.info('queue full; deleted the newest queued Job', { job: job.metadata.name, workload, maxQueued });
        void this.deps.events.record({ ...this.ownerOf(job), type: 'Warning', reason: 'QueueFull', action: 'Drop', note });
        stillQueued = stillQueued.filter((j) => j !== job);
      }
    }
    metrics?.queuedJobs.set(gauges, stillQueued.length);
    metrics?.activeJobs.set(gauges, running);
  }

  private policyOf(cronJobs: CronJob[], jobs: Job[]): Policy | undefined {
    const cron = cronJobs.find(isEnqueue);
    const newestJob = jobs.filter(isEnqueue).sort(byCreation).pop();
    const source: KubeObject | undefined = cron ?? newestJob;
    if (!source) return undefined;
    return { source, ...readEnqueue(source.metadata.annotations)! };
  }

  /** The Job's CronJob as the Event's subject, else the Job itself. */
  private ownerOf(job: Job): { regarding: KubeObject; regardingType: typeof CRONJOBS } {
    const owner = controllerOwner(job, 'CronJob');
    if (owner) {
      return {
        regarding: { metadata: { name: owner.name, namespace: job.metadata.namespace, uid: owner.uid } },
        regardingType: CRONJOBS,
      };
    }
    return { regarding: job, regardingType: JOBS };
  }
}
