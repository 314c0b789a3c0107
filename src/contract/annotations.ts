/**
 * How each annotation that carries a setting to the controller is written and read, the
 * writer beside its reader (as Kueue keeps `QueueNameForObject` beside its label), so the
 * constructs, the controller and the CLI apply one rule with one message.
 *
 * The run-window annotations (`not-before`, `not-after`) are RFC 3339 times; their reader is
 * the controller's time parsing.
 */
import { BatchValidationError } from '../errors';
import { ConcurrencyPolicy } from './concurrency-policy';
import {
  ANNOTATION_ADMITTED_AT, ANNOTATION_CONCURRENCY, ANNOTATION_GROUP_MAX_CONCURRENCY, ANNOTATION_KILLED_AT, ANNOTATION_KILLED_BY,
  ANNOTATION_MAX_CONCURRENCY, ANNOTATION_MAX_QUEUED, ANNOTATION_PENDING_TIMEOUT, LABEL_CONCURRENCY_GROUP,
} from './keys';

type Annotations = Readonly<Record<string, string>> | undefined;

/** Upper bound for the Enqueue caps; far above any sane queue, it catches typos. */
export const MAX_ENQUEUE_CAP = 10_000;

/** Upper bound for a pending timeout: ten years. */
export const MAX_PENDING_TIMEOUT_SECONDS = 10 * 365 * 86400;

/** Enqueue's caps, as a CronJob and each of its Jobs carry them. */
export interface EnqueueCaps {
  /** How many Jobs of the workload may run at once (1 to `MAX_ENQUEUE_CAP`). */
  readonly maxConcurrency: number;
  /** How many may wait; no cap when undefined (0 to `MAX_ENQUEUE_CAP`). */
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
 * `max-concurrency` is 1, an absent `max-queued` no cap.
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

/** The annotation the controller writes on a Job it admits from the Enqueue queue. */
export function admittedAnnotation(admittedAt: string): Record<string, string> {
  return { [ANNOTATION_ADMITTED_AT]: admittedAt };
}

/** Whether the controller has admitted the Job (it carries `admitted-at`). */
export function isAdmitted(annotations: Annotations): boolean {
  return annotations?.[ANNOTATION_ADMITTED_AT] !== undefined;
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
