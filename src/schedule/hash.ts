import { CronField } from './cron-field';
import { FieldSpec } from './fields';
import { HashToken } from './grammar';
import { Hash64, toBigInt, xxh64Utf8 } from './xxh64';

/**
 * The `H` hash of DESIGN §4, equal to Furiko's (cronexpr `WithHashFields`):
 * XXH64 (seed 0) of `SEED:FIELD`, read as a signed 64-bit integer, reduced
 * with a truncating remainder and shifted into range.
 */

/** The string whose hash decides a field's `H` values, e.g. `default/backup:minute`. */
export function hashInput(seed: string, field: CronField): string {
  return `${seed}:${field}`;
}

/** XXH64 of the hash input `SEED:FIELD`, as 32-bit halves (no BigInt: this is the hot path of resolve). */
export function fieldHash(seed: string, field: CronField): Hash64 {
  let suffix = suffixes.get(field);
  if (suffix === undefined) {
    suffix = `:${field}`;
    suffixes.set(field, suffix);
  }
  return xxh64Utf8(seed, suffix);
}

const suffixes = new Map<CronField, string>();

/** The field hash reinterpreted as signed int64 (Go's `int64(u)`), for explanations. */
export function signedFieldHash(seed: string, field: CronField): bigint {
  return signedBigInt(fieldHash(seed, field));
}

/** A hash read as a signed 64-bit integer. */
export function signedBigInt(hash: Hash64): bigint {
  return BigInt.asIntN(64, toBigInt(hash));
}

/** The halves of a signed (or unsigned) 64-bit integer, wrapped modulo 2^64. */
export function hashFromBigInt(value: bigint): Hash64 {
  const unsigned = BigInt.asUintN(64, value);
  return { hi: Number(unsigned / 0x100000000n), lo: Number(unsigned % 0x100000000n) };
}

/**
 * `lo + ((s % m) + m) % m` with `m = hi - lo + 1` and `s` the hash read as a
 * signed 64-bit integer, `%` truncating like Go's, so negative hashes land
 * where Furiko puts them. That is the floor modulo of `s`, computed here from
 * the halves: `s = high * 2^32 + low` with `high` the signed upper half.
 */
export function hashValue(hash: Hash64, lo: number, hi: number): number {
  const m = hi - lo + 1;
  // The signed upper half: hi - 2^32 when its top bit is set.
  const signedHigh = hash.hi >= 0x80000000 ? hash.hi - 0x100000000 : hash.hi;
  const high = ((signedHigh % m) + m) % m;
  return lo + (high * (0x100000000 % m) + (hash.lo % m)) % m;
}

/**
 * The values one `H` token stands for, ascending.
 *
 * `H/n` starts at `value(0, n-1)` (not offset by the field's minimum, as in
 * Furiko) and keeps only the part of the progression inside the field; that
 * drops a leading 0 in day-of-month and month, where Furiko fails at run time.
 */
export function hashTokenValues(token: HashToken, spec: FieldSpec, signedHash: Hash64): number[] {
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
