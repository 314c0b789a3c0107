import * as fc from 'fast-check';
import { setXxh64Engine, toBigInt, xxh64, xxh64String, xxh64Utf8 } from '../../src/schedule/xxh64';
import { xxh64 as referenceXxh64 } from '../support/xxh64-bigint';

const PRIME32 = 2654435761n;
const PRIME64 = 11400714785074694797n;

/**
 * The sanity buffer of xxHash's own self-test: byte i is the top byte of
 * PRIME32 * PRIME64^i (mod 2^64). Source: Cyan4973/xxHash `cli/xsum_sanity_check.c`
 * (`XSUM_fillTestBuffer`).
 */
function sanityBuffer(length: number): Uint8Array {
  const buffer = new Uint8Array(length);
  let generator = PRIME32;
  for (let i = 0; i < length; i++) {
    buffer[i] = Number(generator / 2n ** 56n);
    generator = BigInt.asUintN(64, generator * PRIME64);
  }
  return buffer;
}

// Every vector on both engines: the WebAssembly module (the default where it runs) and the
// JavaScript code on 32-bit halves (the fallback).
describe.each(['wasm', 'js'] as const)('%s engine', engine => {
  beforeAll(() => {
    expect(setXxh64Engine(engine)).toBe(engine);
  });
  afterAll(() => {
    setXxh64Engine('wasm');
  });

  describe('xxh64', () => {
    // Cyan4973/xxHash `cli/xsum_sanity_check.c`, table XSUM_XXH64_testdata (length, seed, hash).
    // 0, 1, 4 and 14 bytes take the short paths; 222 bytes runs six 32-byte stripes plus a tail.
    test.each([
      [0, 0n, 0xEF46DB3751D8E999n],
      [0, PRIME32, 0xAC75FDA2929B17EFn],
      [1, 0n, 0xE934A84ADB052768n],
      [1, PRIME32, 0x5014607643A9B4C3n],
      [4, 0n, 0x9136A0DCA57457EEn],
      [14, 0n, 0x8282DCC4994E35C8n],
      [14, PRIME32, 0xC3BD6BF63DEB6DF0n],
      [222, 0n, 0xB641AE8CB691C174n],
      [222, PRIME32, 0x20CB8AB7AE10C14An],
    ])('xxHash sanity vector: %d bytes, seed %d', (length, seed, expected) => {
      expect(xxh64(sanityBuffer(length), seed)).toBe(expected);
    });

    // cespare/xxhash/v2 `xxhash_test.go` TestSum (the Go package Furiko hashes with, seed 0).
    test.each([
      ['', 0xef46db3751d8e999n],
      ['a', 0xd24ec4f1a98c6e5bn],
      ['as', 0x1c330fb2d66be179n],
      ['asd', 0x631c37ce72a97393n],
      ['asdf', 0x415872f599cea71en],
      // 63 bytes: one stripe, then 8-, 4- and 1-byte tails ("exercises all code paths").
      ['Call me Ishmael. Some years ago--never mind how long precisely-', 0x02a2e85470d6fd96n],
    ])('cespare/xxhash vector %j', (text, expected) => {
      expect(xxh64String(text)).toBe(expected);
    });

    // ziglang/zig `lib/std/hash/xxhash.zig`, test "xxhash64" (seed 0): 26, 62 and 80 bytes cross the 32-byte stripe.
    test.each([
      ['abc', 0x44bc2cf5ad770999n],
      ['message digest', 0x066ed728fceeb3ben],
      ['abcdefghijklmnopqrstuvwxyz', 0xcfe1f278fa89835cn],
      ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 0xaaa46907d3047814n],
      ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', 0xe04a477f19ee145dn],
    ])('zig std vector %j', (text, expected) => {
      expect(xxh64String(text)).toBe(expected);
    });

    // furiko-io/cronexpr `cronexpr_hash_test.go` TestHashString.
    test.each([
      ['myid1', 316181436714908099n],
      ['myid2', 8964299977724969587n],
      ['myid3', 12738036773875955645n],
    ])('Furiko HashString vector %j', (text, expected) => {
      expect(xxh64String(text)).toBe(expected);
    });

    // Bytes 0, 1, ..., n-1 on both sides of the 32-byte stripe and of two stripes. Computed with
    // cespare/xxhash v2.3.0 (Go) `Sum64`; the 100- and 256-byte values also appear as published
    // vectors in other XXH64 ports.
    test.each([
      [31, 0xc346d2b59b4d8ee1n],
      [32, 0xcbf59c5116ff32b4n],
      [33, 0x0c535d1acafb8eadn],
      [63, 0xe26aa9e2a95f8e4fn],
      [64, 0xf7c67301db6713f0n],
      [65, 0xc31eb63b2ae4465bn],
      [100, 0x6ac1e58032166597n],
      [255, 0x0f7d97507caad693n],
      [256, 0x1facbe8406cd904bn],
    ])('byte sequence 0..%d-1', (length, expected) => {
      expect(xxh64(Uint8Array.from({ length }, (_, i) => i))).toBe(expected);
    });

    test('hashes the UTF-8 bytes of a string', () => {
      const text = 'données/東京/🚀';
      expect(xxh64String(text)).toBe(xxh64(new TextEncoder().encode(text)));
      expect(xxh64String('é')).not.toBe(xxh64(new Uint8Array([0xe9])));
    });

    test('reads a view into a larger buffer from its own offset', () => {
      const whole = sanityBuffer(300);
      const view = whole.subarray(10, 232);
      expect(xxh64(view)).toBe(xxh64(Uint8Array.from(view)));
    });

    test('every length from 0 to 100 gives a distinct unsigned 64-bit value', () => {
      const seen = new Set<bigint>();
      for (let length = 0; length <= 100; length++) {
        const hash = xxh64(sanityBuffer(length));
        expect(hash >= 0n && hash < 2n ** 64n).toBe(true);
        seen.add(hash);
      }
      expect(seen.size).toBe(101);
    });

    test('wraps seeds into 64 bits', () => {
      expect(xxh64(sanityBuffer(14), PRIME32 + 2n ** 64n)).toBe(0xC3BD6BF63DEB6DF0n);
    });
  });

  describe('the 32-bit halves equal the former BigInt implementation', () => {
    test('on random bytes and seeds', () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (bytes, seed) => {
        expect(xxh64(bytes, seed)).toBe(referenceXxh64(bytes, seed));
      }), { numRuns: 3000 });
    });

    test('on random strings, lone surrogates included, hashed as TextEncoder encodes them', () => {
      fc.assert(fc.property(fc.oneof(fc.string({ maxLength: 120, unit: 'binary' }), fc.string({ maxLength: 60, unit: 'grapheme' })), text => {
        expect(xxh64String(text)).toBe(referenceXxh64(new TextEncoder().encode(text)));
        expect(toBigInt(xxh64Utf8(text, ':minute'))).toBe(referenceXxh64(new TextEncoder().encode(`${text}:minute`)));
      }), { numRuns: 3000 });
    });
  });

  test('xxh64Utf8 reuses the encoded prefix only while it is the same string', () => {
    const encode = (text: string) => new TextEncoder().encode(text);
    const long = 'ü'.repeat(200); // grows the buffer while a prefix is kept
    for (const [prefix, suffix] of [['a/b', ':minute'], ['a/b', ':hour'], ['a/bc', ':hour'], ['a/b', ':day-of-month'], [long, ':minute'], [long, ''], ['', ':x']]) {
      expect(toBigInt(xxh64Utf8(prefix, suffix))).toBe(referenceXxh64(encode(prefix + suffix)));
    }
  });

  test('inputs beyond the first buffer (64 KiB of module memory) grow it and keep the encoded prefix', () => {
    const big = sanityBuffer(200_000);
    expect(xxh64(big)).toBe(referenceXxh64(big));
    const prefix = 'x'.repeat(70_000);
    expect(toBigInt(xxh64Utf8(prefix, ':minute'))).toBe(referenceXxh64(new TextEncoder().encode(`${prefix}:minute`)));
    expect(toBigInt(xxh64Utf8(prefix, ':hour'))).toBe(referenceXxh64(new TextEncoder().encode(`${prefix}:hour`)));
  });
});
