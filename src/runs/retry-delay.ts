/**
 * Retry delay (`retryDelay`, Furiko's `retryDelaySeconds`): when the next attempt of an index
 * may start. One rule, used by the companion controller (which holds every new pod of such a
 * workload behind a scheduling gate until then) and by the tests and docs that explain it.
 *
 * The rule: a pod may start `delay` after the latest failure of the same index (an Indexed
 * Job's `batch.kubernetes.io/job-completion-index`; all pods of a NonIndexed Job share one
 * "index") that finished no later than the pod was created; with no such failure (the first
 * attempt) it may start at once. Failures are read from the failed pods the cluster still
 * keeps, with the finish time Kubernetes' Job controller uses for its own back-off: the
 * latest container `finishedAt`, else the latest pod condition change, else the pod's
 * deletion or creation time. Times are whole seconds, as the API server keeps them.
 */
import { parseRfc3339Instant } from '../time';

/** The annotation (and, from Kubernetes 1.28, label) that holds an Indexed Job pod's index. */
export const JOB_COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';

/** The part of a pod the rule reads (a pod as the API server returns it). */
export interface RetryPodFacts {
  readonly metadata: {
    readonly uid?: string;
    readonly creationTimestamp?: string;
    readonly deletionTimestamp?: string;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly status?: {
    readonly phase?: string;
    readonly conditions?: ReadonlyArray<{ readonly lastTransitionTime?: string | null }>;
    readonly containerStatuses?: ReadonlyArray<ContainerStatusFacts>;
    readonly initContainerStatuses?: ReadonlyArray<ContainerStatusFacts>;
  };
}

interface ContainerStatusFacts {
  readonly state?: { readonly terminated?: { readonly finishedAt?: string } };
}

/** A failed attempt: its index (undefined for a NonIndexed Job) and when it finished (ms). */
export interface FailedAttempt {
  readonly index?: string;
  readonly failedAt: number;
}

/** The pod's completion index, or undefined for a pod of a NonIndexed Job. */
export function completionIndexOf(pod: RetryPodFacts): string | undefined {
  return pod.metadata.annotations?.[JOB_COMPLETION_INDEX];
}

/**
 * The failed attempt a pod records, or undefined when it has not failed (phase `Failed`).
 * Its time is the latest container `finishedAt`, else the latest condition transition, else
 * the deletion time, else the creation time (the order of Kubernetes' Job controller).
 */
export function failedAttemptOf(pod: RetryPodFacts): FailedAttempt | undefined {
  if (pod.status?.phase !== 'Failed') return undefined;
  const containers = [...pod.status.containerStatuses ?? [], ...pod.status.initContainerStatuses ?? []];
  const finished = latest(containers.map((c) => c.state?.terminated?.finishedAt));
  const failedAt = finished
    ?? latest((pod.status.conditions ?? []).map((c) => c.lastTransitionTime ?? undefined))
    ?? latest([pod.metadata.deletionTimestamp])
    ?? latest([pod.metadata.creationTimestamp]);
  if (failedAt === undefined) return undefined;
  return { index: completionIndexOf(pod), failedAt };
}

/** When a pod may start, and the failure it waits out. */
export interface RetryRelease {
  /** When the pod may start (ms since the epoch). */
  readonly at: number;
  /** The failure of its index it waits out (ms), undefined for a first attempt. */
  readonly lastFailure?: number;
}

/**
 * When `pod` may start: `delaySeconds` after the latest failure among `others` (the pods of
 * its Job) of the same index that finished no later than `pod` was created; with none, its
 * creation time (at once).
 */
export function retryRelease(pod: RetryPodFacts, others: readonly RetryPodFacts[], delaySeconds: number): RetryRelease {
  const created = latest([pod.metadata.creationTimestamp]) ?? 0;
  const index = completionIndexOf(pod);
  let last: number | undefined;
  for (const other of others) {
    if (other.metadata.uid !== undefined && other.metadata.uid === pod.metadata.uid) continue;
    const failure = failedAttemptOf(other);
    if (!failure || failure.index !== index || failure.failedAt > created) continue;
    last = last === undefined ? failure.failedAt : Math.max(last, failure.failedAt);
  }
  return last === undefined ? { at: created } : { at: Math.max(created, last + delaySeconds * 1000), lastFailure: last };
}

/** The latest of some RFC 3339 times (ms), ignoring absent and unreadable ones. */
function latest(times: ReadonlyArray<string | undefined>): number | undefined {
  let out: number | undefined;
  for (const t of times) {
    const ms = t ? parseRfc3339Instant(t) : undefined;
    if (ms !== undefined && (out === undefined || ms > out)) out = ms;
  }
  return out;
}
