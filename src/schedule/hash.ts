import { CronField } from './cron-field';
import { FieldSpec } from './fields';
import { HashToken } from './grammar';
import { xxh64String } from './xxh64';

/**
 * The `H` hash of DESIGN §4, equal to Furiko's (cronexpr `WithHashFields`):
 * XXH64 (seed 0) of `SEED:FIELD`, read as a signed 64-bit integer, reduced
 * with a truncating remainder and shifted into range.
 */

/** The string whose hash decides a field's `H` values, e.g. `default/backup:minute`. */
export function hashInput(seed: string, field: CronField): string {
  return `${seed}:${field}`;
}

/** XXH64 of the hash input, reinterpreted as signed int64 (Go's `int64(u)`). */
export function signedFieldHash(seed: string, field: CronField): bigint {
  return BigInt.asIntN(64, xxh64String(hashInput(seed, field)));
}

/**
 * `lo + ((s % m) + m) % m` with `m = hi - lo + 1`; BigInt `%` truncates like Go's,
 * so negative hashes land where Furiko puts them.
 */
export function hashValue(signedHash: bigint, lo: number, hi: number): number {
  const m = BigInt(hi - lo + 1);
  return lo + Number(((signedHash % m) + m) % m);
}

/**
 * The values one `H` token stands for, ascending.
 *
 * `H/n` starts at `value(0, n-1)` (not offset by the field's minimum, as in
 * Furiko) and keeps only the part of the progression inside the field; that
 * drops a leading 0 in day-of-month and month, where Furiko fails at run time.
 */
export function hashTokenValues(token: HashToken, spec: FieldSpec, signedHash: bigint): number[] {
  if (token.step === undefined) {
    const lo = token.range?.lo ?? spec.min;
    const hi = token.range?.hi ?? spec.hashMax;
    return [hashValue(signedHash, lo, hi)];
  }
  const step = token.step;
  const first = (token.range?.lo ?? 0) + hashValue(signedHash, 0, step - 1);
  const last = token.range?.hi ?? spec.max;
  const values: number[] = [];
  for (let v = first; v <= last; v += step) {
    if (v >= spec.min) {
      values.push(v);
    }
  }
  return values;
}
