/** Small helpers shared by the reconcilers. */
import { Condition, Job, KubeObject, OwnerReference, timeOf } from '../kube/types';
import { parseRfc3339Instant } from '../../../src/time';

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

/** An RFC 3339 timestamp (the core's one grammar, src/time/rfc3339.ts) as ms, or undefined when absent; throws when malformed. */
export function parseTime(value: string | undefined, key: string): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const ms = parseRfc3339Instant(value.trim());
  if (ms === undefined) {
    throw new Error(`annotation ${key} is "${value}": it must be an RFC 3339 time such as 2026-12-01T00:00:00Z`);
  }
  return ms;
}

/** RFC 3339 with whole seconds, as Kubernetes writes `metav1.Time`. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
