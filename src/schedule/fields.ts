import { CronField } from './cron-field';
import { MONTH_NAMES, WEEKDAY_NAMES } from '../time';

/** What the grammar, the hash and the explainer need to know about one field. */
export interface FieldSpec {
  readonly field: CronField;
  readonly min: number;
  readonly max: number;
  /** Upper bound of a plain `H`; day-of-month stops at 28 so a hashed day exists in every month (Jenkins' rule). */
  readonly hashMax: number;
  /** Three-letter names, lower case, mapped to their values. */
  readonly names: ReadonlyMap<string, number>;
  /** Whether 7 is accepted as Sunday (day-of-week only; Kubernetes itself rejects 7). */
  readonly sevenIsSunday: boolean;
}

function threeLetterNames(fullNames: readonly string[], firstValue: number): ReadonlyMap<string, number> {
  return new Map(fullNames.map((name, i) => [name.slice(0, 3).toLowerCase(), firstValue + i]));
}

const NO_NAMES: ReadonlyMap<string, number> = new Map();

/** The fields in expression order. */
export const FIELD_SPECS: readonly FieldSpec[] = [
  { field: CronField.MINUTE, min: 0, max: 59, hashMax: 59, names: NO_NAMES, sevenIsSunday: false },
  { field: CronField.HOUR, min: 0, max: 23, hashMax: 23, names: NO_NAMES, sevenIsSunday: false },
  { field: CronField.DAY_OF_MONTH, min: 1, max: 31, hashMax: 28, names: NO_NAMES, sevenIsSunday: false },
  { field: CronField.MONTH, min: 1, max: 12, hashMax: 12, names: threeLetterNames(MONTH_NAMES, 1), sevenIsSunday: false },
  { field: CronField.DAY_OF_WEEK, min: 0, max: 6, hashMax: 6, names: threeLetterNames(WEEKDAY_NAMES, 0), sevenIsSunday: true },
];

/** Number of distinct values the field can hold (the largest step that still fires). */
export function fieldSize(spec: FieldSpec): number {
  return spec.max - spec.min + 1;
}

/** Longest length of each month (February counts its leap day: Kubernetes does fire on 29 February). */
export const MONTH_LENGTHS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The label that errors use for a field, e.g. `schedule (minute field)`. */
export function fieldLabel(spec: FieldSpec): string {
  return `schedule (${spec.field} field)`;
}
