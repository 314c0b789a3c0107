/**
 * When a run is due: a JobRun's `spec.startAfter` (Furiko's `startPolicy.startAfter`), read
 * and written here once for the controller (which holds the run until then) and the CLI
 * (`run --at`, `run --in`, `get`, `status`).
 */
import { BatchValidationError } from '../errors';
import { parseRfc3339Instant } from '../time';

/**
 * A run that starts more than this after its due time was held up (the controller was down or
 * far behind): it gets a `StartedLate` Event. Below it, the delay is the controller's
 * ordinary latency (a watch event, a reconcile), reported in the condition only.
 */
export const LATE_START_THRESHOLD_MS = 10_000;

/** The longest `--in`: ten years, like the other durations of the library. */
export const MAX_START_DELAY_MS = 10 * 365 * 86_400_000;

/**
 * The instant of a JobRun's `spec.startAfter`, in ms, or undefined when it has none.
 *
 * @throws BatchValidationError when it is not an RFC 3339 time with an offset
 */
export function readStartAfter(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = parseRfc3339Instant(value.trim());
  if (ms === undefined) {
    throw new BatchValidationError('spec.startAfter', value, 'is not an RFC 3339 time with a zone offset',
      'Write e.g. 2026-12-24T22:00:00+09:00, or use cdk8s-batch run --at / --in.');
  }
  return ms;
}

/** `spec.startAfter` as the CLI writes it: RFC 3339 in UTC, whole seconds (as Kubernetes writes times). */
export function startAfterValue(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const DELAY = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * A delay such as `2h`, `1h30m`, `90s` or `1d` (days, hours, minutes, seconds, in that order),
 * in ms: `cdk8s-batch run --in`.
 *
 * @throws BatchValidationError for anything else, or a delay of more than ten years
 */
export function parseStartDelay(field: string, text: string): number {
  const match = DELAY.exec(text.trim());
  if (!match || text.trim() === '') {
    throw new BatchValidationError(field, text, 'is not a delay', 'Write whole numbers with units d, h, m, s in that order, e.g. 2h, 1h30m or 90s.');
  }
  const [d, h, m, s] = match.slice(1).map((v) => Number(v ?? 0));
  const ms = (((d * 24 + h) * 60 + m) * 60 + s) * 1000;
  if (ms > MAX_START_DELAY_MS) {
    throw new BatchValidationError(field, text, 'is more than ten years', 'Write a shorter delay, or a time with --at.');
  }
  return ms;
}

/** Where a run stands against its due time. */
export interface DueState {
  /** It may start now (no `startAfter`, or it has passed). */
  readonly due: boolean;
  /** While not due: how long until it is. */
  readonly waitMs: number;
  /** Once due: how long ago it became due (0 without `startAfter`). */
  readonly lateMs: number;
}

/** A run's due state at `now` (a time in the past is due at once). */
export function dueState(startAfterMs: number | undefined, nowMs: number): DueState {
  if (startAfterMs === undefined) return { due: true, waitMs: 0, lateMs: 0 };
  if (startAfterMs > nowMs) return { due: false, waitMs: startAfterMs - nowMs, lateMs: 0 };
  return { due: true, waitMs: 0, lateMs: nowMs - startAfterMs };
}

/** A duration for people: `2h 3m 4s`, `45s`, `0s`. */
export function formatLateness(ms: number): string {
  let seconds = Math.round(ms / 1000);
  const parts: string[] = [];
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (seconds >= size) {
      parts.push(`${Math.floor(seconds / size)}${unit}`);
      seconds %= size;
    }
  }
  if (seconds > 0 || parts.length === 0) parts.push(`${seconds}s`);
  return parts.join(' ');
}
