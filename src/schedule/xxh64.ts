/* eslint-disable no-bitwise -- a hash function is made of bit operations */

/**
 * XXH64 (Yann Collet's xxHash, 64-bit variant) over bytes, computed on 32-bit
 * halves with plain numbers.
 *
 * Written here because the maintained npm xxhash packages are async (WASM),
 * native, or 32-bit only, while constructs run synchronously. It is the hash
 * Furiko uses (cespare/xxhash `Sum64String`, seed 0), so hashed schedules land
 * on the same minutes. Halves instead of BigInt because every hashed schedule
 * of every workload hashes here: BigInt arithmetic allocates on each step and
 * was the bulk of `Schedule.resolve` (79,000/s, issue 17). Verified against
 * the published XXH64 vectors and Furiko's (test/schedule/xxh64.test.ts,
 * hash.test.ts).
 *
 * A 64-bit value is (hi, lo), both unsigned 32-bit. Results of the helpers
 * land in the module registers `r[HI]`/`r[LO]`, so the hot loop allocates nothing. The registers
 * are a Uint32Array rather than two `let`s: stores wrap to 32 bits by themselves and V8
 * keeps them out of the closure context; hashing ran 1.6-1.8x faster so (bench/README.md).
 *
 * Where WebAssembly runs, the digest itself is ./xxh64.wat (native 64-bit multiplies, about
 * 4x faster again); this code is then only the UTF-8 encoding into the module's memory, and
 * the fallback elsewhere. `setXxh64Engine` picks one for tests.
 */
import { WASM_INPUT_OFFSET, xxh64Wasm, Xxh64Wasm } from './xxh64-wasm';

/** A 64-bit hash as two unsigned 32-bit halves. */
export interface Hash64 {
  readonly hi: number;
  readonly lo: number;
}

const P1H = 0x9E3779B1; const P1L = 0x85EBCA87;
const P2H = 0xC2B2AE3D; const P2L = 0x27D4EB4F;
const P3H = 0x165667B1; const P3L = 0x9E3779F9;
const P4H = 0x85EBCA77; const P4L = 0xC2B2AE63;
const P5H = 0x27D4EB2F; const P5L = 0x165667C5;
// 2^64 - P1, to compute seed - P1 as an addition.
const MINUS_P1H = 0x61C8864E; const MINUS_P1L = 0x7A143579;
const STRIPE_BYTES = 32;

const r = new Uint32Array(2);
const HI = 0;
const LO = 1;

/** (r[HI], r[LO]) = a * b mod 2^64. */
function mul(ah: number, al: number, bh: number, bl: number): void {
  // al * bl in full from 16-bit pieces (each partial product is exact in a double).
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  r[LO] = ((mid << 16) | (p00 & 0xffff)) >>> 0;
  const carry = a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  r[HI] = (carry + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

/** (r[HI], r[LO]) = a + b mod 2^64. */
function add(ah: number, al: number, bh: number, bl: number): void {
  const lo = al + bl;
  r[LO] = lo >>> 0;
  r[HI] = (ah + bh + (lo > 0xffffffff ? 1 : 0)) >>> 0;
}

/** (r[HI], r[LO]) = a rotated left by 1-31 bits. */
function rotl(h: number, l: number, n: number): void {
  r[HI] = ((h << n) | (l >>> (32 - n))) >>> 0;
  r[LO] = ((l << n) | (h >>> (32 - n))) >>> 0;
}

/** (r[HI], r[LO]) = rotl(acc + lane * P2, 31) * P1: XXH64's round. */
function round(acch: number, accl: number, laneh: number, lanel: number): void {
  mul(laneh, lanel, P2H, P2L);
  add(acch, accl, r[HI], r[LO]);
  rotl(r[HI], r[LO], 31);
  mul(r[HI], r[LO], P1H, P1L);
}

/** (r[HI], r[LO]) = (acc ^ round(0, v)) * P1 + P4. */
function mergeRound(acch: number, accl: number, vh: number, vl: number): void {
  round(0, 0, vh, vl);
  mul((acch ^ r[HI]) >>> 0, (accl ^ r[LO]) >>> 0, P1H, P1L);
  add(r[HI], r[LO], P4H, P4L);
}

function u32(bytes: Uint8Array, i: number): number {
  return (bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24)) >>> 0;
}

/** XXH64 of `bytes[0, length)` with the seed (hi, lo); the digest lands in (r[HI], r[LO]). */
function digest(bytes: Uint8Array, length: number, seedh: number, seedl: number): void {
  let offset = 0;
  let h: number;
  let l: number;
  if (length >= STRIPE_BYTES) {
    add(seedh, seedl, P1H, P1L);
    add(r[HI], r[LO], P2H, P2L);
    let v1h = r[HI]; let v1l = r[LO];
    add(seedh, seedl, P2H, P2L);
    let v2h = r[HI]; let v2l = r[LO];
    let v3h = seedh; let v3l = seedl;
    add(seedh, seedl, MINUS_P1H, MINUS_P1L);
    let v4h = r[HI]; let v4l = r[LO];
    for (; offset + STRIPE_BYTES <= length; offset += STRIPE_BYTES) {
      round(v1h, v1l, u32(bytes, offset + 4), u32(bytes, offset)); v1h = r[HI]; v1l = r[LO];
      round(v2h, v2l, u32(bytes, offset + 12), u32(bytes, offset + 8)); v2h = r[HI]; v2l = r[LO];
      round(v3h, v3l, u32(bytes, offset + 20), u32(bytes, offset + 16)); v3h = r[HI]; v3l = r[LO];
      round(v4h, v4l, u32(bytes, offset + 28), u32(bytes, offset + 24)); v4h = r[HI]; v4l = r[LO];
    }
    rotl(v1h, v1l, 1); h = r[HI]; l = r[LO];
    rotl(v2h, v2l, 7); add(h, l, r[HI], r[LO]); h = r[HI]; l = r[LO];
    rotl(v3h, v3l, 12); add(h, l, r[HI], r[LO]); h = r[HI]; l = r[LO];
    rotl(v4h, v4l, 18); add(h, l, r[HI], r[LO]); h = r[HI]; l = r[LO];
    mergeRound(h, l, v1h, v1l); h = r[HI]; l = r[LO];
    mergeRound(h, l, v2h, v2l); h = r[HI]; l = r[LO];
    mergeRound(h, l, v3h, v3l); h = r[HI]; l = r[LO];
    mergeRound(h, l, v4h, v4l); h = r[HI]; l = r[LO];
  } else {
    add(seedh, seedl, P5H, P5L); h = r[HI]; l = r[LO];
  }
  // + length (a byte length fits in 53 bits; its high half is length / 2^32)
  add(h, l, Math.floor(length / 0x100000000) >>> 0, length >>> 0); h = r[HI]; l = r[LO];

  for (; offset + 8 <= length; offset += 8) {
    round(0, 0, u32(bytes, offset + 4), u32(bytes, offset));
    h = (h ^ r[HI]) >>> 0; l = (l ^ r[LO]) >>> 0;
    rotl(h, l, 27);
    mul(r[HI], r[LO], P1H, P1L);
    add(r[HI], r[LO], P4H, P4L); h = r[HI]; l = r[LO];
  }
  if (offset + 4 <= length) {
    mul(0, u32(bytes, offset), P1H, P1L);
    h = (h ^ r[HI]) >>> 0; l = (l ^ r[LO]) >>> 0;
    rotl(h, l, 23);
    mul(r[HI], r[LO], P2H, P2L);
    add(r[HI], r[LO], P3H, P3L); h = r[HI]; l = r[LO];
    offset += 4;
  }
  for (; offset < length; offset++) {
    mul(0, bytes[offset], P5H, P5L);
    h = (h ^ r[HI]) >>> 0; l = (l ^ r[LO]) >>> 0;
    rotl(h, l, 11);
    mul(r[HI], r[LO], P1H, P1L); h = r[HI]; l = r[LO];
  }

  // Avalanche: h ^= h >> 33; h *= P2; h ^= h >> 29; h *= P3; h ^= h >> 32.
  l = (l ^ (h >>> 1)) >>> 0;
  mul(h, l, P2H, P2L); h = r[HI]; l = r[LO];
  l = (l ^ ((l >>> 29) | (h << 3))) >>> 0;
  h = (h ^ (h >>> 29)) >>> 0;
  mul(h, l, P3H, P3L); h = r[HI]; l = r[LO];
  r[HI] = h;
  r[LO] = (l ^ h) >>> 0;
}

/** The WebAssembly digest, or undefined for the JavaScript one. */
let wasm: Xxh64Wasm | undefined = xxh64Wasm();
/** Grown as needed; holds the UTF-8 bytes of the text being hashed (in the module's memory with WebAssembly). */
let buffer = wasm ? wasmInput(wasm) : new Uint8Array(256);
/** The module's digest, as (lo, hi). */
let wasmOut = wasm ? new Uint32Array(wasm.memory.buffer, 0, 2) : undefined;
/** The prefix whose bytes start `buffer`, and where they end. */
let lastPrefix: string | undefined;
let lastPrefixEnd = 0;

function wasmInput(module: Xxh64Wasm): Uint8Array {
  return new Uint8Array(module.memory.buffer, WASM_INPUT_OFFSET);
}

/**
 * Hash with WebAssembly (`wasm`, the default where it runs) or with the JavaScript code
 * (`js`); for tests, which check both against the same vectors. Returns the engine in use.
 */
export function setXxh64Engine(engine: 'wasm' | 'js'): 'wasm' | 'js' {
  wasm = engine === 'wasm' ? xxh64Wasm() : undefined;
  buffer = wasm ? wasmInput(wasm) : new Uint8Array(256);
  wasmOut = wasm ? new Uint32Array(wasm.memory.buffer, 0, 2) : undefined;
  lastPrefix = undefined;
  lastPrefixEnd = 0;
  return wasm ? 'wasm' : 'js';
}

/** Makes `buffer` hold at least `size` bytes, keeping its first `keep`. */
function reserve(size: number, keep: number): void {
  if (buffer.length >= size) return;
  if (wasm) {
    const pages = Math.ceil((WASM_INPUT_OFFSET + size - wasm.memory.buffer.byteLength) / 65536);
    wasm.memory.grow(pages); // in place: the bytes stay, the views must be made again
    buffer = wasmInput(wasm);
    wasmOut = new Uint32Array(wasm.memory.buffer, 0, 2);
    return;
  }
  const larger = new Uint8Array(Math.max(buffer.length * 2, size));
  larger.set(buffer.subarray(0, keep));
  buffer = larger;
}

/** XXH64 of `buffer[0, length)`; the digest lands in (r[HI], r[LO]). */
function digestBuffer(length: number, seedh: number, seedl: number): void {
  if (wasm) {
    wasm.digest(length, seedl, seedh);
    r[LO] = wasmOut![0];
    r[HI] = wasmOut![1];
  } else {
    digest(buffer, length, seedh, seedl);
  }
}

/** Writes the UTF-8 bytes of `text` to `buffer` from `at` (lone surrogates as U+FFFD, like TextEncoder); returns the end. */
function writeUtf8(text: string, at: number): number {
  reserve(at + text.length * 3, at);
  let i = at;
  for (let k = 0; k < text.length; k++) {
    let c = text.charCodeAt(k);
    if (c < 0x80) {
      buffer[i++] = c;
    } else if (c < 0x800) {
      buffer[i++] = 0xc0 | (c >> 6);
      buffer[i++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const next = text.charCodeAt(k + 1);
        if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
          const cp = 0x10000 + ((c - 0xd800) << 10) + (next - 0xdc00);
          k++;
          buffer[i++] = 0xf0 | (cp >> 18);
          buffer[i++] = 0x80 | ((cp >> 12) & 0x3f);
          buffer[i++] = 0x80 | ((cp >> 6) & 0x3f);
          buffer[i++] = 0x80 | (cp & 0x3f);
          continue;
        }
        c = 0xfffd;
      }
      buffer[i++] = 0xe0 | (c >> 12);
      buffer[i++] = 0x80 | ((c >> 6) & 0x3f);
      buffer[i++] = 0x80 | (c & 0x3f);
    }
  }
  return i;
}

/**
 * XXH64 (seed 0) of the UTF-8 bytes of `prefix + suffix`, as Go's
 * `xxhash.Sum64String` computes it, without building the joined string.
 */
export function xxh64Utf8(prefix: string, suffix = ''): Hash64 {
  // The fields of one schedule share the seed: encode it once.
  if (prefix !== lastPrefix) {
    lastPrefixEnd = writeUtf8(prefix, 0);
    lastPrefix = prefix;
  }
  const end = writeUtf8(suffix, lastPrefixEnd);
  digestBuffer(end, 0, 0);
  return { hi: r[HI], lo: r[LO] };
}

/**
 * The XXH64 digest of `input` as an unsigned 64-bit bigint.
 *
 * @param input the bytes to hash
 * @param seed  an unsigned 64-bit seed (values outside are wrapped modulo 2^64)
 * @default seed 0n
 */
export function xxh64(input: Uint8Array, seed: bigint = 0n): bigint {
  const seed64 = BigInt.asUintN(64, seed);
  const seedh = Number(seed64 >> 32n);
  const seedl = Number(seed64 & 0xffffffffn);
  if (wasm) {
    lastPrefix = undefined; // its bytes are overwritten
    reserve(input.byteLength, 0);
    buffer.set(input);
    digestBuffer(input.byteLength, seedh, seedl);
  } else {
    digest(input, input.byteLength, seedh, seedl);
  }
  return toBigInt({ hi: r[HI], lo: r[LO] });
}

/** XXH64 (seed 0 unless given) of the UTF-8 bytes of `text`, as Go's `xxhash.Sum64String` computes it. */
export function xxh64String(text: string, seed: bigint = 0n): bigint {
  if (seed === 0n) {
    return toBigInt(xxh64Utf8(text));
  }
  return xxh64(new TextEncoder().encode(text), seed);
}

/** The unsigned 64-bit value of a hash. */
export function toBigInt(hash: Hash64): bigint {
  return (BigInt(hash.hi) << 32n) | BigInt(hash.lo);
}
