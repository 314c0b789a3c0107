/**
 * How each annotation that carries a setting to the controller is written and read, the
 * writer beside its reader (as Kueue keeps `QueueNameForObject` beside its label), so the
 * constructs, the controller and the CLI apply one rule with one message.
 *
 * Times (`not-before`, `not-after`, `admitted-at`) are RFC 3339 in UTC, written by
 * `Date.prototype.toISOString` and read with the library's one grammar (src/time/rfc3339.ts).
 * Readers of annotations that a hand-edited manifest may hold take any JSON value and treat
 * a value that is not a string as absent.
 */
import { BatchValidationError } from '../errors';
import { ConcurrencyPolicy } from './concurrency-policy';
import {
  ANNOTATION_ADMITTED_AT, ANNOTATION_CONCURRENCY, ANNOTATION_GROUP_MAX_CONCURRENCY, ANNOTATION_HASH_SEED, ANNOTATION_KILLED_AT,
  ANNOTATION_KILLED_BY, ANNOTATION_KILL_AT, ANNOTATION_KILL_REQUESTED_BY, ANNOTATION_MAX_CONCURRENCY, ANNOTATION_MAX_QUEUED,
  ANNOTATION_NOT_AFTER, ANNOTATION_NOT_BEFORE,
  ANNOTATION_PENDING_TIMEOUT, ANNOTATION_RETRY_DELAY, ANNOTATION_RETRY_RELEASED_AT, ANNOTATION_SCHEDULE, ANNOTATION_WINDOW_SUSPENDED,
  LABEL_CONCURRENCY_GROUP, SCHEDULING_GATE_RETRY_DELAY,
} from './keys';
import { instantOf, parseRfc3339 } from '../time/rfc3339';

type Annotations = Readonly<Record<string, string>> | undefined;
/** Annotations as a manifest file holds them: any JSON value. */
type AnyAnnotations = Readonly<Record<string, unknown>> | undefined;

/** Upper bound for the Enqueue caps; far above any sane queue, it catches typos. */
export const MAX_ENQUEUE_CAP = 10_000;

/** Upper bound for a pending timeout: ten years. */
export const MAX_PENDING_TIMEOUT_SECONDS = 10 * 365 * 86400;

/**
 * The queue cap of an Enqueue workload that sets none: so that a stuck workload's queue
 * (or a runaway caller of `kubectl create job --from`) cannot grow without bound. Far above
 * any burst a workload should see; set `maxQueued` for a tighter cap.
 */
export const DEFAULT_MAX_QUEUED = 1000;

/** The queue cap in force: `maxQueued`, else {@link DEFAULT_MAX_QUEUED}. */
export function effectiveMaxQueued(caps: { readonly maxQueued?: number }): number {
  return caps.maxQueued ?? DEFAULT_MAX_QUEUED;
}

/** Enqueue's caps, as a CronJob and each of its Jobs carry them. */
export interface EnqueueCaps {
  /** How many Jobs of the workload may run at once (1 to `MAX_ENQUEUE_CAP`). */
  readonly maxConcurrency: number;
  /** How many may wait (0 to `MAX_ENQUEUE_CAP`); {@link DEFAULT_MAX_QUEUED} when undefined. */
  readonly maxQueued?: number;
}

/**
 * Enqueue's caps, checked where they are set (`Concurrency.enqueue()`, a JobTemplate's
 * `spec.concurrency`); `maxConcurrency` defaults to 1.
 *
 * @throws BatchValidationError for a cap that is not a whole number in range
 */
export function checkEnqueueCaps(caps: { readonly maxConcurrency?: number; readonly maxQueued?: number }): EnqueueCaps {
  const maxConcurrency = caps.maxConcurrency ?? 1;
  checkCap('maxConcurrency', maxConcurrency, 1);
  if (caps.maxQueued !== undefined) {
    checkCap('maxQueued', caps.maxQueued, 0);
  }
  return { maxConcurrency, maxQueued: caps.maxQueued };
}

/** The annotations that give a CronJob or Job the Enqueue policy. */
export function enqueueAnnotations(caps: EnqueueCaps): Record<string, string> {
  return {
    [ANNOTATION_CONCURRENCY]: ConcurrencyPolicy.ENQUEUE,
    [ANNOTATION_MAX_CONCURRENCY]: String(caps.maxConcurrency),
    ...(caps.maxQueued !== undefined ? { [ANNOTATION_MAX_QUEUED]: String(caps.maxQueued) } : {}),
  };
}

/** Whether the annotations give the Enqueue policy. */
export function hasEnqueuePolicy(annotations: Annotations): boolean {
  return annotations?.[ANNOTATION_CONCURRENCY] === ConcurrencyPolicy.ENQUEUE;
}

/**
 * Enqueue's caps from the annotations, or undefined without the Enqueue policy. An absent
 * `max-concurrency` is 1; an absent `max-queued` stays undefined (the cap in force is then
 * {@link DEFAULT_MAX_QUEUED}, see {@link effectiveMaxQueued}).
 *
 * @throws BatchValidationError when a cap is not a whole number in the range the writer allows
 */
export function readEnqueue(annotations: Annotations): EnqueueCaps | undefined {
  if (!hasEnqueuePolicy(annotations)) return undefined;
  return {
    maxConcurrency: readCount(annotations, ANNOTATION_MAX_CONCURRENCY, 1, MAX_ENQUEUE_CAP) ?? 1,
    maxQueued: readCount(annotations, ANNOTATION_MAX_QUEUED, 0, MAX_ENQUEUE_CAP),
  };
}

/**
 * The annotation that makes a CronJob of a workload with several CronJobs, and each Job it
 * makes, hold `Replace` across the workload's CronJobs: the controller deletes the older
 * active Jobs of the workload when such a Job is created (docs/several-schedules.md).
 */
export function replaceAcrossCronJobsAnnotations(): Record<string, string> {
  return { [ANNOTATION_CONCURRENCY]: ConcurrencyPolicy.REPLACE };
}

/** Whether the annotations give the controller's `Replace` across several CronJobs. */
export function hasReplacePolicy(annotations: Annotations): boolean {
  return annotations?.[ANNOTATION_CONCURRENCY] === ConcurrencyPolicy.REPLACE;
}

/** The annotation that gives a Job's pods a pending timeout. */
export function pendingTimeoutAnnotation(seconds: number): Record<string, string> {
  return { [ANNOTATION_PENDING_TIMEOUT]: String(seconds) };
}

/**
 * A Job's pending timeout in seconds, or undefined without one.
 *
 * @throws BatchValidationError when it is not a whole number of seconds from 1 to ten years
 */
export function readPendingTimeout(annotations: Annotations): number | undefined {
  return readCount(annotations, ANNOTATION_PENDING_TIMEOUT, 1, MAX_PENDING_TIMEOUT_SECONDS);
}

/** Upper bound for a retry delay: one week (far above Kubernetes' own 6 min back-off cap; it catches typos). */
export const MAX_RETRY_DELAY_SECONDS = 7 * 86400;

/** The annotation that gives a workload's pods a retry delay (in the Job's pod template). */
export function retryDelayAnnotation(seconds: number): Record<string, string> {
  return { [ANNOTATION_RETRY_DELAY]: String(seconds) };
}

/**
 * A pod's retry delay in seconds, or undefined without one.
 *
 * @throws BatchValidationError when it is not a whole number of seconds from 1 to a week
 */
export function readRetryDelay(annotations: Annotations): number | undefined {
  return readCount(annotations, ANNOTATION_RETRY_DELAY, 1, MAX_RETRY_DELAY_SECONDS);
}

/** A pod scheduling gate as the pod spec holds it. */
export interface SchedulingGate {
  readonly name: string;
}

/** The scheduling gates of a workload with a retry delay: its pods start gated. */
export function retryDelayGates(): SchedulingGate[] {
  return [{ name: SCHEDULING_GATE_RETRY_DELAY }];
}

/** Whether a pod (its `spec.schedulingGates`) still waits for the controller's retry-delay release. */
export function hasRetryDelayGate(gates: readonly SchedulingGate[] | undefined): boolean {
  return (gates ?? []).some((g) => g.name === SCHEDULING_GATE_RETRY_DELAY);
}

/**
 * The merge patch that releases a gated pod at `releasedAt` (ms): its scheduling gates
 * without the retry-delay gate (others kept; `null` when none is left) and the
 * `retry-released-at` annotation.
 */
export function retryReleasePatch(gates: readonly SchedulingGate[] | undefined, releasedAt: number): {
  metadata: { annotations: Record<string, string> }; spec: { schedulingGates: SchedulingGate[] | null };
} {
  const rest = (gates ?? []).filter((g) => g.name !== SCHEDULING_GATE_RETRY_DELAY);
  return {
    metadata: { annotations: { [ANNOTATION_RETRY_RELEASED_AT]: new Date(releasedAt).toISOString() } },
    spec: { schedulingGates: rest.length > 0 ? rest : null },
  };
}

/**
 * When the controller released the pod from its retry-delay gate (ms), or undefined when it
 * did not (never gated, or released by hand).
 *
 * @throws BatchValidationError when it is not an RFC 3339 time
 */
export function readRetryReleasedAt(annotations: Annotations): number | undefined {
  return readTime(annotations, ANNOTATION_RETRY_RELEASED_AT);
}

/** A concurrency group as its Jobs carry it: the queue's name and its cap on running Jobs. */
export interface GroupMembership {
  /** The group's name (a DNS label: it is a label value). */
  readonly name: string;
  /** How many Jobs of the group may run at once, across its workloads (1 to `MAX_ENQUEUE_CAP`). */
  readonly maxConcurrency: number;
}

const GROUP_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A concurrency group's settings, checked where they are set (`new ConcurrencyGroup()`);
 * `maxConcurrency` defaults to 1.
 *
 * @throws BatchValidationError for a name that is not a DNS label or a cap out of range
 */
export function checkConcurrencyGroup(group: { readonly name: string; readonly maxConcurrency?: number }): GroupMembership {
  if (typeof group.name !== 'string' || group.name.length > 63 || !GROUP_NAME.test(group.name)) {
    throw new BatchValidationError('concurrencyGroup.name', String(group.name),
      'must be a DNS label of at most 63 characters (lower case letters, digits and "-"), because Jobs carry it as a label value',
      "Name the group e.g. 'shared-db'.");
  }
  const maxConcurrency = group.maxConcurrency ?? 1;
  if (!Number.isInteger(maxConcurrency) || maxConcurrency < 1 || maxConcurrency > MAX_ENQUEUE_CAP) {
    throw new BatchValidationError('concurrencyGroup.maxConcurrency', String(maxConcurrency),
      `must be a whole number from 1 to ${MAX_ENQUEUE_CAP}`,
      `Pass new ConcurrencyGroup({ name: '${group.name}', maxConcurrency: 1 }) or another whole number in range.`);
  }
  return { name: group.name, maxConcurrency };
}

/**
 * The label and annotation that put a Job in a concurrency group's queue. The Job is also
 * created suspended (`spec.suspend: true`); the controller admits it.
 */
export function concurrencyGroupMetadata(group: GroupMembership): { labels: Record<string, string>; annotations: Record<string, string> } {
  return {
    labels: { [LABEL_CONCURRENCY_GROUP]: group.name },
    annotations: { [ANNOTATION_GROUP_MAX_CONCURRENCY]: String(group.maxConcurrency) },
  };
}

/** The name of the concurrency group a Job waits in, or undefined when it is in none. */
export function concurrencyGroupOf(labels: Annotations): string | undefined {
  const name = labels?.[LABEL_CONCURRENCY_GROUP];
  return name === undefined || name === '' ? undefined : name;
}

/**
 * A Job's concurrency group from its labels and annotations, or undefined when it is in none.
 * An absent `group-max-concurrency` is 1 (the safest reading of a group).
 *
 * @throws BatchValidationError when the cap is not a whole number in the range the writer allows
 */
export function readConcurrencyGroup(labels: Annotations, annotations: Annotations): GroupMembership | undefined {
  const name = concurrencyGroupOf(labels);
  if (name === undefined) return undefined;
  return { name, maxConcurrency: readCount(annotations, ANNOTATION_GROUP_MAX_CONCURRENCY, 1, MAX_ENQUEUE_CAP) ?? 1 };
}

/** The annotation the controller writes on a Job it admits from the Enqueue queue, at `admittedAt` (ms since the epoch). */
export function admittedAnnotation(admittedAt: number): Record<string, string> {
  return { [ANNOTATION_ADMITTED_AT]: new Date(admittedAt).toISOString() };
}

/** Whether the controller has admitted the Job (it carries `admitted-at`). */
export function isAdmitted(annotations: Annotations): boolean {
  return annotations?.[ANNOTATION_ADMITTED_AT] !== undefined;
}

/** What a CronJob's annotations record about its schedule (absent for a CronJob made by hand). */
export interface ScheduleRecord {
  /** The schedule as written, before hashing (`H H * * *` for `Schedule.hashed('@daily')`). */
  readonly expression?: string;
  /** The seed its `H` tokens were hashed with. */
  readonly seed?: string;
}

/** The annotations that record a CronJob's schedule as written and its hash seed. */
export function scheduleAnnotations(expression: string, seed: string): Record<string, string> {
  return { [ANNOTATION_SCHEDULE]: expression, [ANNOTATION_HASH_SEED]: seed };
}

/** The schedule as written and the hash seed, each undefined when absent or not a string. */
export function readScheduleAnnotations(annotations: AnyAnnotations): ScheduleRecord {
  return { expression: stringAt(annotations, ANNOTATION_SCHEDULE), seed: stringAt(annotations, ANNOTATION_HASH_SEED) };
}

/** A CronJob's run window `[notBefore, notAfter)`, in ms since the epoch; an absent end is open. */
export interface RunWindow {
  readonly notBefore?: number;
  readonly notAfter?: number;
}

/** Which end of the run window the controller suspended a CronJob for (the `window-suspended` value). */
export type WindowSide = 'not-before' | 'not-after';

/** The annotations that give a CronJob a run window (only the ends given). */
export function runWindowAnnotations(notBefore: Date | undefined, notAfter: Date | undefined): Record<string, string> {
  return {
    ...(notBefore ? { [ANNOTATION_NOT_BEFORE]: notBefore.toISOString() } : {}),
    ...(notAfter ? { [ANNOTATION_NOT_AFTER]: notAfter.toISOString() } : {}),
  };
}

/**
 * The run window from the annotations; an end that is absent or blank is open.
 *
 * @throws BatchValidationError when an end is not an RFC 3339 time (src/time/rfc3339.ts)
 */
export function readRunWindow(annotations: Annotations): RunWindow {
  return { notBefore: readTime(annotations, ANNOTATION_NOT_BEFORE), notAfter: readTime(annotations, ANNOTATION_NOT_AFTER) };
}

/** Whether the object carries anything of a run window: an end, or the controller's suspension mark. */
export function hasRunWindowAnnotations(annotations: Annotations): boolean {
  return [ANNOTATION_NOT_BEFORE, ANNOTATION_NOT_AFTER, ANNOTATION_WINDOW_SUSPENDED].some((key) => annotations?.[key] !== undefined);
}

/**
 * The merge-patch annotations that mark a CronJob as suspended by the controller for the
 * `side` of its run window, or (`undefined`) remove the mark.
 */
export function windowSuspendedPatch(side: WindowSide | undefined): Record<string, string | null> {
  return { [ANNOTATION_WINDOW_SUSPENDED]: side ?? null };
}

/** Whether the controller suspended the CronJob for its run window (only then does it resume it). */
export function isWindowSuspended(annotations: Annotations): boolean {
  return annotations?.[ANNOTATION_WINDOW_SUSPENDED] !== undefined;
}

/** Who killed a run, and when: `cdk8s-batch kill`'s record on the Job and the JobRun. */
export interface KillRecord {
  /** The user the API server authenticated. */
  readonly by: string;
  /** RFC 3339. */
  readonly at: string;
}

/** The annotations that mark a run killed. */
export function killAnnotations(kill: KillRecord): Record<string, string> {
  return { [ANNOTATION_KILLED_BY]: kill.by, [ANNOTATION_KILLED_AT]: kill.at };
}

/** The kill record of a Job or JobRun, or undefined when it was not killed. */
export function readKill(annotations: Annotations): KillRecord | undefined {
  const at = annotations?.[ANNOTATION_KILLED_AT];
  if (at === undefined) return undefined;
  return { by: annotations?.[ANNOTATION_KILLED_BY] ?? '(unknown)', at };
}

/** A kill asked for a time (`cdk8s-batch kill --at/--in`, Furiko's `killTimestamp`). */
export interface ScheduledKill {
  /** When, in ms since the epoch. */
  readonly atMs: number;
  /** As written, RFC 3339. */
  readonly at: string;
  /** Who asked: the user the API server authenticated when the CLI wrote it. */
  readonly by: string;
}

/** The annotations that ask the controller to kill a Job at `at` (RFC 3339) for `by`. */
export function scheduledKillAnnotations(kill: { readonly at: string; readonly by: string }): Record<string, string> {
  return { [ANNOTATION_KILL_AT]: kill.at, [ANNOTATION_KILL_REQUESTED_BY]: kill.by };
}

/** Whether a kill is asked for a time (the `kill-at` annotation is there, well-formed or not). */
export function asksScheduledKill(annotations: Annotations): boolean {
  return annotations?.[ANNOTATION_KILL_AT] !== undefined;
}

/**
 * The kill asked for a time, or undefined when none is.
 *
 * @throws BatchValidationError when `kill-at` is not an RFC 3339 time
 */
export function readScheduledKill(annotations: Annotations): ScheduledKill | undefined {
  const atMs = readTime(annotations, ANNOTATION_KILL_AT,
    'Write an RFC 3339 time such as 2026-12-24T22:00:00+09:00, or use cdk8s-batch kill --at / --in, which writes it.');
  if (atMs === undefined) return undefined;
  return { atMs, at: annotations![ANNOTATION_KILL_AT].trim(), by: annotations?.[ANNOTATION_KILL_REQUESTED_BY] ?? '(unknown)' };
}

function checkCap(field: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min || value > MAX_ENQUEUE_CAP) {
    throw new BatchValidationError(
      `concurrency.${field}`,
      String(value),
      `must be a whole number from ${min} to ${MAX_ENQUEUE_CAP}`,
      `Pass Concurrency.enqueue({ ${field}: ${Math.max(min, 1)} }) or another whole number in range.`,
    );
  }
}

/** A whole number in `[min, max]` written as decimal digits, or undefined when absent. */
function readCount(annotations: Annotations, key: string, min: number, max: number): number | undefined {
  const value = annotations?.[key];
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (!/^\d+$/.test(trimmed) || Number(trimmed) < min || Number(trimmed) > max) {
    throw new BatchValidationError(`annotation ${key}`, value, `must be a whole number from ${min} to ${max}`,
      'Synthesize the workload again with cdk8s-batch, or correct the annotation by hand.');
  }
  return Number(trimmed);
}

/** An RFC 3339 time as ms since the epoch, or undefined when absent or blank. */
function readTime(annotations: Annotations, key: string,
  fix = 'Write an RFC 3339 time such as 2026-12-01T00:00:00Z (as ScheduledBatch\'s notBefore and notAfter write it), or synthesize the workload again.'): number | undefined {
  const value = annotations?.[key];
  if (value === undefined || value.trim() === '') return undefined;
  const parsed = parseRfc3339(value.trim());
  if ('problem' in parsed) {
    throw new BatchValidationError(`annotation ${key}`, value, parsed.problem, fix);
  }
  return instantOf(parsed.time);
}

function stringAt(annotations: AnyAnnotations, key: string): string | undefined {
  const value = annotations?.[key];
  return typeof value === 'string' ? value : undefined;
}
