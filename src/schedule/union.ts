/**
 * Several schedules of one workload as few CronJobs as cron can express: schedules without `H`
 * that differ in one field are one expression with that field's lists joined
 * (docs/several-schedules.md, "What is emitted"). Pure; not part of the jsii API.
 */

/** One schedule of a workload, resolved. */
export interface ScheduleEntry {
  /** The concrete 5-field expression (`spec.schedule`). */
  readonly resolved: string;
  /** Whether the written expression has `H` (then it is never merged: it has a seed of its own). */
  readonly hashed: boolean;
}

/** The schedules one CronJob runs. */
export interface ScheduleGroup {
  /** Positions in the schedule list, ascending; the first names the CronJob. */
  readonly positions: number[];
  /** The one expression that runs exactly the union of the group's schedules. */
  readonly expression: string;
}

/** Day of month (2) and day of week (4): cron ORs them unless one is `*`, so `*` must not move. */
const DAY_FIELDS = new Set([2, 4]);

/**
 * Groups the schedules into CronJobs: each schedule joins the first earlier group whose
 * expression differs from it in at most one field, if joining keeps the meaning; otherwise it
 * starts a group. Deterministic: the result depends on the list and its order only.
 */
export function unionOfSchedules(entries: readonly ScheduleEntry[]): ScheduleGroup[] {
  const groups: Array<{ positions: number[]; fields: string[][]; mergeable: boolean }> = [];
  entries.forEach((entry, position) => {
    const fields = entry.resolved.trim().split(/\s+/).map((f) => f.split(','));
    const mergeable = !entry.hashed && fields.length === 5;
    const target = mergeable ? groups.find((g) => g.mergeable && mergedField(g.fields, fields) !== undefined) : undefined;
    if (target) {
      const k = mergedField(target.fields, fields)!;
      if (k >= 0) target.fields[k] = [...target.fields[k], ...fields[k].filter((part) => !target.fields[k].includes(part))];
      target.positions.push(position);
    } else {
      groups.push({ positions: [position], fields, mergeable });
    }
  });
  return groups.map((g) => ({ positions: g.positions, expression: g.fields.map((f) => f.join(',')).join(' ') }));
}

/**
 * The field in which `b` may be merged into `a` (-1 when they are the same expression), or
 * undefined when they differ in more than one field or the merge would change a day field's `*`.
 */
function mergedField(a: string[][], b: string[][]): number | undefined {
  const differing = a.map((_, i) => i).filter((i) => a[i].join(',') !== b[i].join(','));
  if (differing.length === 0) return -1;
  if (differing.length > 1) return undefined;
  const k = differing[0];
  if (DAY_FIELDS.has(k) && [...a[k], ...b[k]].some((part) => part.includes('*') || part.includes('?'))) return undefined;
  return k;
}
