/**
 * Admission across a concurrency group: the decision the controller's group rule carries out,
 * without side effects (like `planRun`).
 *
 * A group is a queue shared by several workloads (Kueue's LocalQueue, without a webhook): its
 * Jobs are created suspended, carry the group label, and start when the controller admits
 * them. The group's limit and each workload's own `Enqueue` cap must both allow a Job.
 */

/** One unfinished Job of a group, as the decision sees it. */
export interface GroupMember<T> {
  /** The Job (returned as given). */
  readonly job: T;
  /** Its workload (`cdk8s-batch.dev/workload`). */
  readonly workload: string;
  /** Running (admitted or never suspended), or waiting to be admitted. */
  readonly queued: boolean;
  /** Creation time in ms (whole seconds, as Kubernetes records it). */
  readonly createdAt: number;
  /** Its name: the tie-break between Jobs created in the same second. */
  readonly name: string;
}

/** What to do for a group now. */
export interface GroupAdmission<T> {
  /** The Jobs to admit, oldest first. */
  readonly admit: readonly T[];
  /** Jobs of the group running (after the admissions). */
  readonly running: number;
  /** Jobs still waiting after the admissions, oldest first. */
  readonly waiting: readonly T[];
}

/**
 * Which queued Jobs of a group to admit: oldest first (creation time, then name), while fewer
 * than `maxConcurrency` Jobs of the group run. A Job whose own workload is at its `Enqueue`
 * cap (`workloadCaps`, with `workloadRunning` counting that workload's running Jobs in and out
 * of the group) is passed over and keeps its place, so a younger Job of another workload may
 * take the group's slot (it never waits for a slot its own workload forbids). The group's
 * limit itself is strict: once it is reached, no younger Job overtakes an older one.
 *
 * @param maxConcurrency the group's cap; the controller passes the smallest cap its Jobs carry
 * @param workloadCaps per workload with the `Enqueue` policy: its `maxConcurrency`
 * @param workloadRunning per workload: its running Jobs (in and out of the group)
 */
export function admitAcrossGroup<T>(
  members: readonly GroupMember<T>[],
  maxConcurrency: number,
  workloadCaps: ReadonlyMap<string, number> = new Map(),
  workloadRunning: ReadonlyMap<string, number> = new Map(),
): GroupAdmission<T> {
  let running = members.filter((m) => !m.queued).length;
  const perWorkload = new Map(workloadRunning);
  const admit: T[] = [];
  const waiting: T[] = [];
  for (const member of [...members].filter((m) => m.queued).sort(oldestFirst)) {
    const cap = workloadCaps.get(member.workload);
    const own = perWorkload.get(member.workload) ?? 0;
    if (running >= maxConcurrency || (cap !== undefined && own >= cap)) {
      waiting.push(member.job);
      continue;
    }
    admit.push(member.job);
    running++;
    perWorkload.set(member.workload, own + 1);
  }
  return { admit, running, waiting };
}

/** The order of a group's queue: creation time, then name. */
export function oldestFirst(a: { createdAt: number; name: string }, b: { createdAt: number; name: string }): number {
  const ta = Number.isNaN(a.createdAt) ? Number.MAX_SAFE_INTEGER : a.createdAt;
  const tb = Number.isNaN(b.createdAt) ? Number.MAX_SAFE_INTEGER : b.createdAt;
  if (ta !== tb) return ta - tb;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
