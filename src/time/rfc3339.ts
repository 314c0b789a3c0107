/**
 * The one RFC 3339 grammar of the library, the constructs, the controller and
 * the CLI:
 *
 * ```
 * date-time = full-date ("T" / "t" / " ") full-time        ; RFC 3339 §5.6, space per its NOTE
 * full-date = 4DIGIT "-" 2DIGIT "-" 2DIGIT                  ; a real day of the Gregorian calendar
 * full-time = 2DIGIT ":" 2DIGIT ":" 2DIGIT ["." 1*DIGIT] time-offset   ; 00:00:00 - 23:59:59
 * time-offset = "Z" / "z" / ("+" / "-") 2DIGIT ":" 2DIGIT  ; at most 23:59
 * ```
 *
 * Seconds and an offset are required, so an instant never depends on the
 * machine's zone; this is what Go's `time.RFC3339` reads (which Kubernetes
 * uses for `metav1.Time` and annotations), plus the space separator RFC 3339
 * allows. Leap second 60 is rejected, as Go rejects it. Fractions are kept to
 * the millisecond (further digits are dropped).
 *
 * Written two ways, both in UTC and both read by the grammar: whole seconds
 * (`formatRfc3339Seconds`, as Kubernetes writes `metav1.Time`) and with
 * milliseconds (`Date.prototype.toISOString`).
 */
import { DateTimeFields, isRealDate, MS_PER_MINUTE, msFromFields } from './civil';

/** A timestamp as written: wall-clock fields in its own offset from UTC. */
export interface OffsetDateTime extends DateTimeFields {
  readonly millisecond: number;
  /** Minutes east of UTC. */
  readonly offsetMinutes: number;
}

/** The parsed timestamp, or why the text is not one (a phrase such as "is not a real calendar date"). */
export type ParsedTimestamp = { readonly time: OffsetDateTime } | { readonly problem: string };

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Reads `text` with the grammar above. */
export function parseRfc3339(text: string): ParsedTimestamp {
  const match = RFC3339.exec(text);
  if (!match) {
    return { problem: 'is not an RFC 3339 timestamp with date, time and offset' };
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const millisecond = match[7] ? Number(match[7].slice(1, 4).padEnd(3, '0')) : 0;
  const offsetMinutes = parseOffset(match[8]);
  if (!isRealDate(year, month, day)) {
    return { problem: 'is not a real calendar date' };
  }
  if (hour > 23 || minute > 59 || second > 59) {
    return { problem: 'is not a real time of day' };
  }
  if (offsetMinutes === undefined) {
    return { problem: 'has an offset outside -23:59..+23:59' };
  }
  return { time: { year, month, day, hour, minute, second, millisecond, offsetMinutes } };
}

/** Milliseconds since the epoch of a timestamp. */
export function instantOf(t: OffsetDateTime): number {
  return msFromFields(t.year, t.month, t.day, t.hour, t.minute, t.second, t.millisecond) - t.offsetMinutes * MS_PER_MINUTE;
}

/** The instant `text` names, or undefined when it does not follow the grammar. */
export function parseRfc3339Instant(text: string): number | undefined {
  const parsed = parseRfc3339(text);
  return 'time' in parsed ? instantOf(parsed.time) : undefined;
}

/** `2026-12-01T00:00:00Z`: the instant in UTC, to the whole second (earlier), as Kubernetes writes `metav1.Time`. */
export function formatRfc3339Seconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function parseOffset(text: string): number | undefined {
  if (text === 'Z' || text === 'z') {
    return 0;
  }
  const hours = Number(text.slice(1, 3));
  const minutes = Number(text.slice(4, 6));
  if (hours > 23 || minutes > 59) {
    return undefined;
  }
  return (text[0] === '-' ? -1 : 1) * (hours * 60 + minutes);
}
