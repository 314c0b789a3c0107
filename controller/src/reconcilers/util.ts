/** Small helpers shared by the reconcilers. */
import { Condition, Job, KubeObject, OwnerReference, timeOf } from '../kube/types';
import { admittedAnnotation } from '../../../src/contract/annotations';
import { readJobRunLabel } from '../../../src/contract/labels';
import { isNotFound } from '../kube/api';
import { Writer } from '../kube/cache';
import { JOBS } from '../kube/types';

/** A read-only view of objects of one kind (an informer cache with our writes applied). */
export interface ObjectStore<T> {
  get(namespace: string | undefined, name: string): T | undefined;
  list(namespace?: string): T[];
  /** The objects labelled `cdk8s-batch.dev/workload: workload` in `namespace` (an index, not a scan). */
  listWorkload(namespace: string, workload: string): T[];
}

/** The condition of `type` if its status is `True`. */
export function trueCondition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type && c.status === 'True');
}

/** A Job is finished once it has a `Complete` or `Failed` condition (Kubernetes' definition). */
export function isJobFinished(job: Job): boolean {
  const conditions = job.status?.conditions;
  return !!(trueCondition(conditions, 'Complete') || trueCondition(conditions, 'Failed'));
}

/** Oldest first by creationTimestamp, then by name (timestamps have one-second resolution). */
export function byCreation(a: KubeObject, b: KubeObject): number {
  const ta = timeOf(a.metadata.creationTimestamp);
  const tb = timeOf(b.metadata.creationTimestamp);
  const da = Number.isNaN(ta) ? Number.MAX_SAFE_INTEGER : ta;
  const db = Number.isNaN(tb) ? Number.MAX_SAFE_INTEGER : tb;
  if (da !== db) return da - db;
  const na = a.metadata.name ?? '';
  const nb = b.metadata.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** The controlling owner of `obj` if it is of `kind`. */
export function controllerOwner(obj: KubeObject, kind: string): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((o) => o.controller && o.kind === kind);
}

/** The JobRun a Job was created for: its controlling owner, else its `job-run` label. */
export function jobRunOf(job: Job): string | undefined {
  return controllerOwner(job, 'JobRun')?.name ?? readJobRunLabel(job.metadata.labels);
}

/**
 * Admits a queued Job: un-suspends it and stamps `admitted-at`. Returns false when the Job
 * was deleted since the cache saw it (gone, not blocking: the caller gives the slot to the
 * next in line); any other error (409 on a stale cache) is thrown so that younger Jobs do not
 * overtake it.
 */
export async function admitQueuedJob(writer: Writer, job: Job, now: number): Promise<boolean> {
  try {
    await writer.patch<Job>(JOBS, job, { metadata: { annotations: admittedAnnotation(now) }, spec: { suspend: false } });
    return true;
  } catch (e) {
    if (!isNotFound(e)) throw e;
    return false;
  }
}
