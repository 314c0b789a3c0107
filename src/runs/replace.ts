/**
 * `Replace` across the CronJobs of a workload with several schedules
 * (docs/several-schedules.md): Kubernetes replaces only within one CronJob, so the companion
 * controller applies the same rule by the workload label. Decided here once, without side
 * effects; the controller's replace rule carries it out.
 */
import { oldestFirst } from './group-admission';

/** One Job of the workload, as the rule reads it. */
export interface ReplaceMember<T> {
  readonly job: T;
  readonly name: string;
  /** `metadata.creationTimestamp` in ms (NaN when absent: ordered last). */
  readonly createdAt: number;
  /** Not finished: no `Complete` or `Failed` condition (suspended Jobs included, as for a JobRun's Replace). */
  readonly unfinished: boolean;
  /** Has a `deletionTimestamp`: already going. */
  readonly deleting: boolean;
  /**
   * Made by one of the workload's CronJobs that hold `Replace` across schedules: it carries
   * the `Replace` annotation and its controlling owner is such a CronJob. Only such a Job
   * replaces others.
   */
  readonly replaces: boolean;
}

/** What the rule does for one workload. */
export interface ReplacePlan<T> {
  /** The newest Job that replaces, if any. */
  readonly replacer?: T;
  /** The unfinished Jobs created before it, oldest first: to delete. */
  readonly replaced: readonly T[];
}

/**
 * Kubernetes' `Replace`, across CronJobs: the newest Job that replaces (finished or not: it
 * was created while the older ones ran) makes every older unfinished Job of the workload go.
 * Jobs already being deleted are left alone; Jobs created after it are not touched (the next
 * replacing Job, if any, decides for them).
 */
export function planReplace<T>(members: readonly ReplaceMember<T>[]): ReplacePlan<T> {
  const ordered = [...members].sort(oldestFirst);
  let index = -1;
  ordered.forEach((m, i) => {
    if (m.replaces) index = i;
  });
  if (index < 0) return { replaced: [] };
  return {
    replacer: ordered[index].job,
    replaced: ordered.slice(0, index).filter((m) => m.unfinished && !m.deleting).map((m) => m.job),
  };
}
