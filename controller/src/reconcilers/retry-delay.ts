/**
 * Retry delay (`retryDelay`, Furiko's `retryDelaySeconds`): every pod of a workload with a
 * retry delay is created behind the scheduling gate `cdk8s-batch.dev/retry-delay` (it is in
 * the Job's pod template), so it stays Pending (`PodScheduled=False`, `SchedulingGated`) and
 * the scheduler does not place it. This rule removes the gate when the pod may start: at
 * once for a first attempt, else `cdk8s-batch.dev/retry-delay-seconds` after the latest
 * failure of the same index (`retryRelease` in src/runs/retry-delay.ts, the one rule).
 *
 * Why a gate and not `spec.suspend`: suspending a Job deletes its other running pods and
 * resets its `startTime` (and so `activeDeadlineSeconds`), which would break parallel and
 * Indexed Jobs; a gate holds exactly one pod. The Job controller still counts the gated pod
 * as active and every failure against `backoffLimit`, so `maxAttempts` stays exact.
 *
 * How: one merge patch of the pod (preconditioned on its resourceVersion) that sets
 * `spec.schedulingGates` without ours (Kubernetes allows removing gates, never adding them)
 * and stamps `cdk8s-batch.dev/retry-released-at`, from which the pending timeout counts.
 * The failed pods are read from the API server (a LIST of the Job's pods, by its
 * `batch.kubernetes.io/controller-uid` label): the controller caches Pending pods only.
 */
import { hasRetryDelayGate, readRetryDelay, retryReleasePatch, SchedulingGate } from '../../../src/contract/annotations';
import { ANNOTATION_RETRY_DELAY } from '../../../src/contract/keys';
import { readWorkloadLabel } from '../../../src/contract/labels';
import { completionIndexOf, retryRelease, RetryPodFacts } from '../../../src/runs/retry-delay';
import { formatRfc3339Seconds } from '../../../src/time';
import { controllerOwner, ObjectStore } from './util';
import { KubeApi } from '../kube/api';
import { Writer } from '../kube/cache';
import { EventRecorder } from '../kube/events';
import { Pod, PODS, splitKey } from '../kube/types';
import { ReconcileContext, ReconcileResult, Reconciler } from '../runtime/controller';
import { errorFields } from '../runtime/log';
import { Metrics } from '../runtime/metrics';

export const REASON_RETRY_DELAYED = 'RetryDelayed';

/** The label the Job controller puts on its pods: the Job's uid. */
const JOB_CONTROLLER_UID = 'batch.kubernetes.io/controller-uid';

export interface RetryDelayDeps {
  readonly pods: ObjectStore<Pod>;
  readonly writer: Writer;
  readonly api: KubeApi;
  readonly events: EventRecorder;
  readonly metrics?: Metrics;
}

/** The pod's scheduling gates. */
function gatesOf(pod: Pod): SchedulingGate[] | undefined {
  return pod.spec?.schedulingGates as SchedulingGate[] | undefined;
}

/** Whether a pod is one the retry-delay reconciler acts on: a Job's workload pod still behind our gate. */
export function isRetryGatedPod(pod: Pod): boolean {
  return pod.status?.phase === 'Pending' && !pod.metadata.deletionTimestamp
    && !!readWorkloadLabel(pod.metadata.labels) && !!controllerOwner(pod, 'Job') && hasRetryDelayGate(gatesOf(pod));
}

export class RetryDelayReconciler implements Reconciler {
  readonly name = 'retry-delay';

  constructor(private readonly deps: RetryDelayDeps) {}

  async reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult | void> {
    const { namespace, name } = splitKey(key);
    const pod = this.deps.pods.get(namespace, name);
    if (!pod || !isRetryGatedPod(pod)) return;
    const owner = controllerOwner(pod, 'Job')!;

    let delaySeconds: number | undefined;
    try {
      delaySeconds = readRetryDelay(pod.metadata.annotations);
    } catch (e) {
      // A gate the controller cannot time must not hold the pod for ever: release it now.
      ctx.log.warn('invalid retry delay; releasing the pod at once', { pod: name, ...errorFields(e) });
      void this.deps.events.record({
        regarding: pod,
        regardingType: PODS,
        type: 'Warning',
        reason: 'InvalidRetryDelay',
        action: 'Release',
        note: `${(e as Error).message} Released the pod without a retry delay.`,
      });
    }

    let lastFailure: number | undefined;
    if (delaySeconds !== undefined) {
      const list = await this.deps.api.list<Pod>(PODS, { namespace, labelSelector: `${JOB_CONTROLLER_UID}=${owner.uid}` });
      const siblings = list.items.filter((p) => controllerOwner(p, 'Job')?.uid === owner.uid) as RetryPodFacts[];
      const release = retryRelease(pod as RetryPodFacts, siblings, delaySeconds);
      lastFailure = release.lastFailure;
      if (ctx.now < release.at) {
        return { requeueAfterMs: release.at - ctx.now };
      }
    }

    await this.deps.writer.patch<Pod>(PODS, pod, retryReleasePatch(gatesOf(pod), ctx.now));
    const index = completionIndexOf(pod as RetryPodFacts);
    const delayed = lastFailure !== undefined;
    this.deps.metrics?.retryDelayReleases.inc({ namespace, delayed: String(delayed) });
    ctx.log.info('released pod from its retry-delay gate', { pod: name, job: owner.name, index, delaySeconds, delayed });
    if (delayed) {
      const waited = Math.floor((ctx.now - lastFailure!) / 1000);
      void this.deps.events.record({
        regarding: pod,
        regardingType: PODS,
        type: 'Normal',
        reason: REASON_RETRY_DELAYED,
        action: 'Release',
        note: `Started ${index !== undefined ? `index ${index}'s` : 'the'} next attempt of Job ${owner.name} ${waited} s after the failure at ` +
          `${formatRfc3339Seconds(lastFailure!)} (retry delay ${delaySeconds} s, ${ANNOTATION_RETRY_DELAY}).`,
      });
    }
  }
}
