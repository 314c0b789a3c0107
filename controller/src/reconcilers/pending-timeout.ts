/**
 * Pending timeout: a pod of a workload (label `cdk8s-batch.dev/workload`) whose Job carries
 * `cdk8s-batch.dev/pending-timeout-seconds` and that is still in phase `Pending` that many
 * seconds after its creationTimestamp (unschedulable, image never pulled, init containers
 * still running, ...) is **failed**, so that it counts as one failed attempt of the Job.
 *
 * How: a merge patch of the pod's `status` subresource (preconditioned on its
 * resourceVersion) to `phase: Failed`, `reason: PendingTimeout`, plus the pod condition
 * `cdk8s-batch.dev/PendingTimeout`. Kubernetes' Job controller counts every pod in phase
 * `Failed` against `backoffLimit` (whatever `podReplacementPolicy` says) and creates a
 * replacement while attempts remain; the kubelet tears down a pod whose phase is terminal in
 * the API. Deleting the pod instead would count only with some `podReplacementPolicy`
 * settings and would lose the pod's story. A `DisruptionTarget` condition is deliberately not
 * used: the common pod failure rule "ignore disruptions" would then retry forever. A Job's
 * `podFailurePolicy` can match the controller's own condition, e.g. to fail the Job at once.
 *
 * With a retry delay: a pod still behind the retry-delay scheduling gate is waiting by
 * design, not stuck, so it is never timed out; after the controller released it, the timeout
 * counts from the release (`cdk8s-batch.dev/retry-released-at`), not from its creation.
 */
import { ANNOTATION_PENDING_TIMEOUT, CONDITION_PENDING_TIMEOUT } from '../../../src/contract/keys';
import { hasRetryDelayGate, readPendingTimeout, readRetryReleasedAt, SchedulingGate } from '../../../src/contract/annotations';
import { readWorkloadLabel } from '../../../src/contract/labels';
import { formatRfc3339Seconds } from '../../../src/time';
import { controllerOwner, isJobFinished, ObjectStore } from './util';
import { isNotFound, KubeApi } from '../kube/api';
import { Writer } from '../kube/cache';
import { EventRecorder } from '../kube/events';
import { Job, JOBS, Pod, PODS, splitKey, timeOf } from '../kube/types';
import { ReconcileContext, ReconcileResult, Reconciler } from '../runtime/controller';
import { errorFields } from '../runtime/log';
import { Metrics } from '../runtime/metrics';

export const REASON_PENDING_TIMEOUT = 'PendingTimeout';

export interface PendingTimeoutDeps {
  readonly pods: ObjectStore<Pod>;
  readonly jobs: ObjectStore<Job>;
  readonly writer: Writer;
  readonly events: EventRecorder;
  /** Reads a Job that is not in the cache (e.g. one without the workload label). */
  readonly api?: KubeApi;
  readonly metrics?: Metrics;
}

/** Whether a pod is one the pending-timeout reconciler watches. */
export function isPendingWorkloadPod(pod: Pod): boolean {
  return pod.status?.phase === 'Pending' && !pod.metadata.deletionTimestamp
    && !!readWorkloadLabel(pod.metadata.labels) && !!controllerOwner(pod, 'Job');
}

export class PendingTimeoutReconciler implements Reconciler {
  readonly name = 'pending-timeout';

  constructor(private readonly deps: PendingTimeoutDeps) {}

  async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const { namespace, name } = splitKey(key);
    const pod = this.deps.pods.get(namespace, name);
    if (!pod || !isPendingWorkloadPod(pod)) return;
    // Waiting out its retry delay: the release (a pod update) brings it back here.
    if (hasRetryDelayGate(pod.spec?.schedulingGates as SchedulingGate[] | undefined)) return;
    const owner = controllerOwner(pod, 'Job')!;
    const job = await this.jobOf(namespace, owner.name, owner.uid);
    if (!job || job.spec?.suspend === true || isJobFinished(job)) return;

    let timeoutSeconds: number | undefined;
    try {
      timeoutSeconds = readPendingTimeout(job.metadata.annotations);
    } catch (e) {
      ctx.log.warn('invalid pending timeout; not enforced', { job: job.metadata.name, ...errorFields(e) });
      void this.deps.events.record({
        regarding: job,
        regardingType: JOBS,
        type: 'Warning',
        reason: 'InvalidPendingTimeout',
        action: 'Validate',
        note: `${(e as Error).message} Pending pods of this Job are not timed out until it is fixed.`,
      });
      return;
    }
    if (timeoutSeconds === undefined) return;

    const created = timeOf(pod.metadata.creationTimestamp);
    if (Number.isNaN(created)) return;
    // Time spent behind the retry-delay gate is not time spent Pending.
    let released: number | undefined;
    try {
      released = readRetryReleasedAt(pod.metadata.annotations);
    } catch (e) {
      ctx.log.warn('invalid retry release time; timing the pod from its creation', { pod: name, ...errorFields(e) });
    }
    const since = Math.max(created, released ?? created);
    const deadline = since + timeoutSeconds * 1000;
    if (ctx.now < deadline) {
      return { requeueAfterMs: deadline - ctx.now };
    }

    const pendingFor = Math.floor((ctx.now - since) / 1000);
    const message = `Pod was Pending for ${pendingFor} s${released !== undefined && released > created ? ' after its retry-delay release' : ''}, longer than the Job's pending timeout of ${timeoutSeconds} s ` +
      `(${ANNOTATION_PENDING_TIMEOUT}); failed by the cdk8s-batch controller.`;
    const conditions = (pod.status?.conditions ?? []).filter((c) => c.type !== CONDITION_PENDING_TIMEOUT);
    conditions.push({
      type: CONDITION_PENDING_TIMEOUT,
      status: 'True',
      reason: REASON_PENDING_TIMEOUT,
      message,
      lastProbeTime: null,
      lastTransitionTime: formatRfc3339Seconds(ctx.now),
    });
    await this.deps.writer.patch<Pod>(PODS, pod, {
      status: { phase: 'Failed', reason: REASON_PENDING_TIMEOUT, message, conditions },
    }, 'status');
    this.deps.metrics?.pendingTimeouts.inc({ namespace });
    ctx.log.info('pod stayed Pending too long; marked it Failed', { pod: name, job: job.metadata.name, pendingSeconds: pendingFor, timeoutSeconds });
    const backoffLimit = job.spec?.backoffLimit;
    void this.deps.events.record({
      regarding: job,
      regardingType: JOBS,
      type: 'Warning',
      reason: REASON_PENDING_TIMEOUT,
      action: 'FailPod',
      note: `Pod ${name} was Pending for ${pendingFor} s (pending timeout ${timeoutSeconds} s): marked it Failed, ` +
        `which counts as one failed attempt${backoffLimit !== undefined ? ` (backoffLimit ${backoffLimit})` : ''}.`,
    });
  }

  private async jobOf(namespace: string, name: string, uid: string): Promise<Job | undefined> {
    const cached = this.deps.jobs.get(namespace, name);
    if (cached) return cached.metadata.uid === uid ? cached : undefined;
    if (!this.deps.api) return undefined;
    try {
      const job = await this.deps.api.get<Job>(JOBS, namespace, name);
      return job.metadata.uid === uid ? job : undefined;
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }
}
