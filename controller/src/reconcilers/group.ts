/**
 * Concurrency groups: admission by suspend across several workloads (Kueue's LocalQueue
 * pattern: a queue label apart from the job's identity, admission by un-suspending).
 *
 * A workload with a `ConcurrencyGroup` creates its Jobs suspended, labelled
 * `cdk8s-batch.dev/concurrency-group: NAME` and annotated with the group's cap. For each group
 * (namespace + name; the work-queue key is `namespace/NAME`), this reconciler:
 *
 * 1. reads the group's unfinished Jobs (whatever their workload), running or queued;
 * 2. takes the smallest cap they carry (two workloads that disagree get the stricter one,
 *    with a Warning Event on the Job carrying the larger);
 * 3. admits the queued ones oldest first (`admitAcrossGroup` in src/runs, the pure decision)
 *    while the group has a free slot and the Job's own workload, if it has the Enqueue
 *    policy, is below its cap: one merge patch each (`spec.suspend: false` + `admitted-at`),
 *    preconditioned on the Job's resourceVersion.
 *
 * The Enqueue rule leaves grouped Jobs to this one (it still applies its `max-queued` cap).
 */
import { concurrencyGroupOf, readConcurrencyGroup, readEnqueue } from '../../../src/contract/annotations';
import { readWorkloadLabel } from '../../../src/contract/labels';
import { admitAcrossGroup, GroupMember, isQueued } from '../../../src/runs';
import { admitQueuedJob, isJobFinished, ObjectStore } from './util';
import { Writer } from '../kube/cache';
import { EventRecorder } from '../kube/events';
import { Job, JOBS, splitKey, timeOf } from '../kube/types';
import { ReconcileContext, ReconcileResult, Reconciler } from '../runtime/controller';
import { errorFields } from '../runtime/log';
import { Metrics } from '../runtime/metrics';

export interface GroupDeps {
  readonly jobs: ObjectStore<Job>;
  readonly writer: Writer;
  readonly events: EventRecorder;
  readonly metrics?: Metrics;
}

/** The work-queue key of a Job's concurrency group (`namespace/group`), if it is in one. */
export function groupKey(job: Job): string | undefined {
  const group = concurrencyGroupOf(job.metadata.labels);
  return group && job.metadata.namespace ? `${job.metadata.namespace}/${group}` : undefined;
}

export class ConcurrencyGroupReconciler implements Reconciler {
  readonly name = 'group';

  constructor(private readonly deps: GroupDeps) {}

  async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const { namespace, name: group } = splitKey(key);
    const members = this.deps.jobs.list(namespace)
      .filter((j) => concurrencyGroupOf(j.metadata.labels) === group && !isJobFinished(j));
    const live = members.filter((j) => !j.metadata.deletionTimestamp || j.spec?.suspend !== true);
    if (live.length === 0) return;

    let maxConcurrency = Infinity;
    const caps = new Map<Job, number>();
    for (const job of live) {
      try {
        const cap = readConcurrencyGroup(job.metadata.labels, job.metadata.annotations)!.maxConcurrency;
        caps.set(job, cap);
        maxConcurrency = Math.min(maxConcurrency, cap);
      } catch (e) {
        // A Job with an unreadable cap is not admitted, and it holds the others back: the
        // group's limit is unknown while it waits (the safe reading of a shared resource).
        ctx.log.warn('invalid concurrency group settings; not admitting', { group, job: job.metadata.name, ...errorFields(e) });
        void this.deps.events.record({
          regarding: job, regardingType: JOBS, type: 'Warning', reason: 'InvalidConcurrencyGroup', action: 'Admit',
          note: `${(e as Error).message} Queued Jobs of concurrency group ${group} are not admitted until it is fixed.`,
        });
        return;
      }
    }

    const workloadCaps = new Map<string, number>();
    const workloadRunning = new Map<string, number>();
    for (const job of live) {
      const workload = workloadOf(job);
      if (workloadCaps.has(workload) || workloadRunning.has(workload)) continue;
      const enqueue = safeEnqueue(job);
      if (enqueue) workloadCaps.set(workload, enqueue.maxConcurrency);
      // The workload's running Jobs in and out of the group count against its own cap.
      workloadRunning.set(workload, this.deps.jobs.listWorkload(namespace, workload)
        .filter((j) => !isJobFinished(j) && j.spec?.suspend !== true).length);
    }
    const decision = admitAcrossGroup<Job>(live.map((job): GroupMember<Job> => ({
      job,
      workload: workloadOf(job),
      queued: job.spec?.suspend === true,
      createdAt: timeOf(job.metadata.creationTimestamp),
      name: job.metadata.name ?? '',
    })).filter((m) => !m.queued || (isQueued(m.job) && !m.job.metadata.deletionTimestamp)), maxConcurrency, workloadCaps, workloadRunning);

    let running = decision.running - decision.admit.length;
    for (const [i, job] of decision.admit.entries()) {
      // One at a time, oldest first: if one fails (409), younger ones must not overtake it.
      if (!await admitQueuedJob(this.deps.writer, job, ctx.now)) {
        ctx.log.info('queued Job is gone; moving on', { job: job.metadata.name, group });
        return { requeueAfterMs: 0 };
      }
      running++;
      this.deps.metrics?.admissions.inc({ namespace });
      const waiting = decision.waiting.length + decision.admit.length - i - 1;
      ctx.log.info('admitted Job from concurrency group', { job: job.metadata.name, group, running, maxConcurrency, queued: waiting });
      void this.deps.events.record({
        regarding: job,
        regardingType: JOBS,
        type: 'Normal',
        reason: 'Admitted',
        action: 'Admit',
        note: `Admitted from concurrency group ${group} (workload ${workloadOf(job)}): ${running} of at most ${maxConcurrency} ` +
          `Jobs of the group running, ${waiting} still queued.`,
      });
    }
    const larger = [...caps].filter(([, cap]) => cap > maxConcurrency).map(([job]) => job);
    for (const job of larger.filter((j) => decision.admit.includes(j))) {
      void this.deps.events.record({
        regarding: job, regardingType: JOBS, type: 'Warning', reason: 'GroupCapMismatch', action: 'Admit',
        note: `Concurrency group ${group} has Jobs with different caps; the smallest, ${maxConcurrency}, applies. ` +
          'Give every workload of the group the same ConcurrencyGroup.',
      });
    }
  }
}

function workloadOf(job: Job): string {
  return readWorkloadLabel(job.metadata.labels) ?? job.metadata.name ?? '';
}

/** The workload's Enqueue caps from its Job, or undefined (an unreadable cap is the Enqueue rule's to report). */
function safeEnqueue(job: Job): ReturnType<typeof readEnqueue> {
  try {
    return readEnqueue(job.metadata.annotations);
  } catch {
    return { maxConcurrency: 1 };
  }
}
