/* eslint-disable no-bitwise -- a hash function is made of bit operations */

/**
 * The former BigInt XXH64 of src/schedule/xxh64.ts, kept as a reference for the 32-bit-halves one.
 *
 * Written here because the maintained npm xxhash packages are async (WASM),
 * native, or 32-bit only, while constructs run synchronously. It is the hash
 * Furiko uses (cespare/xxhash `Sum64String`, seed 0), so hashed schedules land
 * on the same minutes. Speed is irrelevant: inputs are a few dozen bytes.
 */

const MASK_64 = (1n << 64n) - 1n;
const PRIME_1 = 0x9E3779B185EBCA87n;
const PRIME_2 = 0xC2B2AE3D27D4EB4Fn;
const PRIME_3 = 0x165667B19E3779F9n;
const PRIME_4 = 0x85EBCA77C2B2AE63n;
const PRIME_5 = 0x27D4EB2F165667C5n;
const STRIPE_BYTES = 32;

/**
 * The XXH64 digest of `input` as an unsigned 64-bit bigint.
 *
 * @param input the bytes to hash
 * @param seed  an unsigned 64-bit seed (values outside are wrapped modulo 2^64)
 * @default seed 0n
 */
export function xxh64(input: Uint8Array, seed: bigint = 0n): bigint {
  const view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  const length = input.byteLength;
  const seed64 = BigInt.asUintN(64, seed);
  let offset = 0;
  let acc: bigint;

  if (length >= STRIPE_BYTES) {
    let v1 = wrap(seed64 + PRIME_1 + PRIME_2);
    let v2 = wrap(seed64 + PRIME_2);
    let v3 = seed64;
    let v4 = wrap(seed64 - PRIME_1);
    for (; offset + STRIPE_BYTES <= length; offset += STRIPE_BYTES) {
      v1 = round(v1, lane64(view, offset));
      v2 = round(v2, lane64(view, offset + 8));
      v3 = round(v3, lane64(view, offset + 16));
      v4 = round(v4, lane64(view, offset + 24));
    }
    acc = wrap(rotateLeft(v1, 1n) + rotateLeft(v2, 7n) + rotateLeft(v3, 12n) + rotateLeft(v4, 18n));
    acc = mergeRound(acc, v1);
    acc = mergeRound(acc, v2);
    acc = mergeRound(acc, v3);
    acc = mergeRound(acc, v4);
  } else {
    acc = wrap(seed64 + PRIME_5);
  }

  acc = wrap(acc + BigInt(length));

  for (; offset + 8 <= length; offset += 8) {
    acc ^= round(0n, lane64(view, offset));
    acc = wrap(rotateLeft(acc, 27n) * PRIME_1 + PRIME_4);
  }
  if (offset + 4 <= length) {
    acc ^= wrap(BigInt(view.getUint32(offset, true)) * PRIME_1);
    acc = wrap(rotateLeft(acc, 23n) * PRIME_2 + PRIME_3);
    offset += 4;
  }
  for (; offset < length; offset++) {
    acc ^= wrap(BigInt(view.getUint8(offset)) * PRIME_5);
    acc = wrap(rotateLeft(acc, 11n) * PRIME_1);
  }

  return avalanche(acc);
}

/** XXH64 (seed 0 unless given) of the UTF-8 bytes of `text`, as Go's `xxhash.Sum64String` computes it. */
export function xxh64String(text: string, seed: bigint = 0n): bigint {
  return xxh64(new TextEncoder().encode(text), seed);
}

function wrap(value: bigint): bigint {
  return value & MASK_64;
}

function rotateLeft(value: bigint, bits: bigint): bigint {
  return ((value << bits) | (value >> (64n - bits))) & MASK_64;
}

function lane64(view: DataView, offset: number): bigint {
  return view.getBigUint64(offset, true);
}

function round(acc: bigint, lane: bigint): bigint {
  const mixed = wrap(acc + lane * PRIME_2);
  return wrap(rotateLeft(mixed, 31n) * PRIME_1);
}

function mergeRound(acc: bigint, lane: bigint): bigint {
  const mixed = acc ^ round(0n, lane);
  return wrap(mixed * PRIME_1 + PRIME_4);
}

function avalanche(acc: bigint): bigint {
  let h = acc;
  h ^= h >> 33n;
  h = wrap(h * PRIME_2);
  h ^= h >> 29n;
  h = wrap(h * PRIME_3);
  h ^= h >> 32n;
  return h;
}
