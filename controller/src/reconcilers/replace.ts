/**
 * Replace across the CronJobs of a workload with several schedules (docs/several-schedules.md).
 *
 * Kubernetes' `concurrencyPolicy: Replace` holds within one CronJob. A `ScheduledBatch` with
 * several CronJobs and `Concurrency.replace()` keeps it on each CronJob and also stamps the
 * CronJobs and their Jobs with `cdk8s-batch.dev/concurrency-policy: Replace`. For each workload
 * (namespace + `cdk8s-batch.dev/workload` label), this reconciler takes the newest Job that
 * carries that annotation **and** whose controlling owner is one of the workload's CronJobs
 * carrying it (by uid), and deletes every older unfinished Job of the workload (propagation
 * `Background`, preconditioned on uid and resourceVersion), as the CronJob controller does
 * within one CronJob. The decision is the run core's (`planReplace`, src/runs/replace.ts).
 *
 * Trust: creating such a Job needs `delete jobs` (the `BatchController`'s admission policy
 * `cdk8s-batch-replace-job`), which the CronJob controller has; a Job that only claims the
 * label, or the annotation without a Replace CronJob of the workload as owner, replaces nothing.
 */
import { hasReplacePolicy } from '../../../src/contract/annotations';
import { planReplace, ReplaceMember } from '../../../src/runs';
import { controllerOwner, isJobFinished, ObjectStore } from './util';
import { Writer } from '../kube/cache';
import { EventRecorder } from '../kube/events';
import { CronJob, Job, JOBS, splitKey, timeOf } from '../kube/types';
import { ReconcileContext, Reconciler } from '../runtime/controller';

export interface ReplaceDeps {
  readonly jobs: ObjectStore<Job>;
  readonly cronJobs: ObjectStore<CronJob>;
  readonly writer: Writer;
  readonly events: EventRecorder;
}

export class ReplaceReconciler implements Reconciler {
  readonly name = 'replace';

  constructor(private readonly deps: ReplaceDeps) {}

  async reconcile(key: string, ctx: ReconcileContext): Promise<void> {
    const { namespace, name: workload } = splitKey(key);
    // The live configuration: the workload's CronJobs that hold Replace across schedules.
    const replacing = new Set(this.deps.cronJobs.listWorkload(namespace, workload)
      .filter((c) => hasReplacePolicy(c.metadata.annotations) && c.metadata.uid)
      .map((c) => c.metadata.uid!));
    if (replacing.size === 0) return;
    const jobs = this.deps.jobs.listWorkload(namespace, workload);
    const members: ReplaceMember<Job>[] = jobs.map((job) => ({
      job,
      name: job.metadata.name ?? '',
      createdAt: timeOf(job.metadata.creationTimestamp),
      unfinished: !isJobFinished(job),
      deleting: !!job.metadata.deletionTimestamp,
      replaces: hasReplacePolicy(job.metadata.annotations) && replacing.has(controllerOwner(job, 'CronJob')?.uid ?? ''),
    }));
    const plan = planReplace(members);
    if (!plan.replacer || plan.replaced.length === 0) return;
    const replacer = plan.replacer;
    const from = controllerOwner(replacer, 'CronJob')?.name;
    for (const old of plan.replaced) {
      await this.deps.writer.delete(JOBS, old, { propagationPolicy: 'Background' });
      ctx.log.info('replaced Job', { job: old.metadata.name, by: replacer.metadata.name, workload });
      const note = `Deleted Job ${old.metadata.name} (propagation Background): Job ${replacer.metadata.name} of CronJob ${from} ` +
        `started while it was active, and workload ${workload} has concurrency policy Replace across its CronJobs.`;
      void this.deps.events.record({ regarding: replacer, regardingType: JOBS, type: 'Normal', reason: 'Replaced', action: 'Replace', note });
    }
  }
}
