/**
 * The CronJobs among synthesized objects, with what the library recorded about their schedules
 * (the expression as written and the hash seed, in annotations) and what can be derived from
 * them with the pure core: the plain-English reading and whether spec.schedule still matches
 * its annotations.
 */
import { byCodePoint, KubernetesObject, ManifestObject } from './manifest-files';
import { BatchValidationError } from '../../../src/errors';
import { explainSchedule, Schedule, TimeZone } from '../../../src/schedule';
import { readScheduleAnnotations } from '../../../src/contract/annotations';
import { ANNOTATION_SCHEDULE } from '../../../src/contract/keys';
import { readKindLabel, readWorkloadLabel } from '../../../src/contract/labels';

/** A CronJob and its schedule, as far as the manifests tell. */
export interface CronJobSchedule {
  readonly namespace: string;
  readonly name: string;
  /** `namespace/name`, how the CLI names a workload everywhere. */
  readonly id: string;
  readonly file: string;
  /** The `cdk8s-batch.dev/kind` label (e.g. `ScheduledBatch`); undefined for a plain CronJob. */
  readonly kind?: string;
  /** The `cdk8s-batch.dev/workload` label: a workload with several schedules has one CronJob per schedule. */
  readonly workload?: string;
  /** The schedule as written (annotation); undefined for a plain CronJob. */
  readonly expression?: string;
  /** The hash seed (annotation); undefined for a plain CronJob. */
  readonly seed?: string;
  /** Whether the written expression holds `H`, so the seed decided its numbers. */
  readonly hashed: boolean;
  /** `spec.schedule`, what Kubernetes runs. */
  readonly resolved: string;
  /** `spec.timeZone` as written; undefined when unset. */
  readonly timeZone?: string;
  /** The zone run times are computed in: spec.timeZone, else the assumed controller zone. */
  readonly zone: string;
  readonly suspended: boolean;
  /** Plain English for `resolved`; undefined when it cannot be read (see `problem`). */
  readonly explanation?: string;
  /** Why the schedule or zone cannot be read by the core, as the core says it. */
  readonly problem?: string;
  /** Set when spec.schedule differs from the annotation hashed with the seed (edited after synth). */
  readonly drift?: string;
}

/**
 * Every `batch/*` CronJob in `objects`, sorted by namespace then name (then file, for the same
 * name in two files). `controllerZone` stands in for kube-controller-manager's local zone,
 * which Kubernetes uses when spec.timeZone is unset.
 */
export function cronJobSchedules(objects: readonly ManifestObject[], controllerZone: string): CronJobSchedule[] {
  return objects
    .filter(o => isCronJob(o.object))
    .map(o => describeCronJob(o, controllerZone))
    .sort((a, b) => byCodePoint(a.namespace, b.namespace) || byCodePoint(a.name, b.name) || byCodePoint(a.file, b.file));
}

function isCronJob(object: KubernetesObject): boolean {
  return object.kind === 'CronJob' && typeof object.apiVersion === 'string' && object.apiVersion.startsWith('batch/');
}

function describeCronJob({ file, object }: ManifestObject, controllerZone: string): CronJobSchedule {
  const metadata = object.metadata ?? {};
  const spec = object.spec ?? {};
  // An object without metadata.namespace lands in kubectl's current namespace; the library's
  // seeds and Kubernetes' own default call that `default`.
  const namespace = stringOr(metadata.namespace, 'default');
  const name = stringOr(metadata.name, '(no name)');
  const { expression, seed } = readScheduleAnnotations(metadata.annotations);
  const resolved = stringOr(spec.schedule, '');
  const timeZone = optionalString(spec.timeZone);
  const base = {
    namespace,
    name,
    id: `${namespace}/${name}`,
    file,
    kind: readKindLabel(metadata.labels),
    workload: readWorkloadLabel(metadata.labels),
    expression,
    seed,
    hashed: expression !== undefined && isHashed(expression),
    resolved,
    timeZone,
    zone: timeZone ?? controllerZone,
    suspended: spec.suspend === true,
  };
  const problem = scheduleProblem(resolved, timeZone);
  if (problem !== undefined) {
    return { ...base, problem };
  }
  return { ...base, explanation: explanationOf(resolved), drift: driftFrom(expression, seed, resolved) };
}

// A fleet repeats a handful of expressions and schedules thousands of times: read each once.
const explanations = new Map<string, string>();
const schedules = new Map<string, Schedule>();

/** explainSchedule, once per distinct schedule; throws what it throws. */
function explanationOf(resolved: string): string {
  let explanation = explanations.get(resolved);
  if (explanation === undefined) {
    explanation = explainSchedule(resolved);
    explanations.set(resolved, explanation);
  }
  return explanation;
}

/** Schedule.cron, once per distinct expression; an invalid one throws when used. */
function scheduleOf(expression: string): Schedule {
  let schedule = schedules.get(expression);
  if (schedule === undefined) {
    schedule = Schedule.cron(expression);
    schedules.set(expression, schedule);
  }
  return schedule;
}

/** The core's complaint about spec.schedule or spec.timeZone, if it has one. */
function scheduleProblem(resolved: string, timeZone: string | undefined): string | undefined {
  if (resolved === '') {
    return 'spec.schedule is missing. A CronJob needs a schedule; set spec.schedule.';
  }
  try {
    explanationOf(resolved);
    if (timeZone !== undefined && TimeZone.of(timeZone).name !== timeZone) {
      // TimeZone.of maps offsets such as UTC+9 to their Etc/GMT zone; Kubernetes does not.
      return `spec.timeZone: is an offset, not a zone name Kubernetes can load (got "${timeZone}"). Write "${TimeZone.of(timeZone).name}" instead.`;
    }
    return undefined;
  } catch (e) {
    if (e instanceof BatchValidationError) {
      return e.message;
    }
    throw e;
  }
}

/**
 * The annotations promise that hashing `expression` with `seed` gives spec.schedule; if not,
 * someone edited the YAML after synth (or the seed), and the explanation would mislead.
 */
function driftFrom(expression: string | undefined, seed: string | undefined, resolved: string): string | undefined {
  if (expression === undefined) {
    return undefined;
  }
  try {
    const expected = scheduleOf(expression).resolve(seed ?? '');
    return normalize(expected) === normalize(resolved) ? undefined
      : `spec.schedule differs from ${ANNOTATION_SCHEDULE} hashed with the seed (which gives "${expected}"): edited after synth? Synthesize again.`;
  } catch (e) {
    if (e instanceof BatchValidationError) {
      return `${ANNOTATION_SCHEDULE} cannot be read: ${e.message}`;
    }
    throw e;
  }
}

function isHashed(expression: string): boolean {
  try {
    return scheduleOf(expression).isHashed;
  } catch {
    return false; // reported as drift
  }
}

function normalize(expression: string): string {
  return expression.trim().split(/\s+/).join(' ');
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value !== '' ? value : fallback;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** One entry of the list: a CronJob, or a workload whose several schedules are several CronJobs. */
export interface ScheduleEntry {
  /** `namespace/name` of the CronJob, or `namespace/workload` for a workload of several CronJobs. */
  readonly id: string;
  /** The CronJobs: one, or the workload's in name order (the first is named after the workload). */
  readonly cronJobs: readonly CronJobSchedule[];
}

/**
 * The CronJobs of one ScheduledBatch with several schedules (same namespace, same workload
 * label, docs/several-schedules.md) as one entry, at the place of its first CronJob; every
 * other CronJob as an entry of its own.
 */
export function scheduleEntries(cronJobs: readonly CronJobSchedule[]): ScheduleEntry[] {
  const byWorkload = new Map<string, CronJobSchedule[]>();
  const keyOf = (c: CronJobSchedule) => c.kind === 'ScheduledBatch' && c.workload !== undefined ? `${c.namespace}/${c.workload}` : undefined;
  for (const c of cronJobs) {
    const key = keyOf(c);
    if (key !== undefined) byWorkload.set(key, [...byWorkload.get(key) ?? [], c]);
  }
  const entries: ScheduleEntry[] = [];
  const seen = new Set<string>();
  for (const c of cronJobs) {
    const key = keyOf(c);
    const members = key === undefined ? [c] : byWorkload.get(key)!;
    if (members.length === 1) {
      entries.push({ id: c.id, cronJobs: [c] });
    } else if (!seen.has(key!)) {
      seen.add(key!);
      entries.push({ id: key!, cronJobs: members });
    }
  }
  return entries;
}
