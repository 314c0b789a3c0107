/**
 * XXH64 as a WebAssembly module (./xxh64.wat): native 64-bit multiplies instead of the 16-bit
 * partial products of the JavaScript code in ./xxh64.ts, about 4x the hashes per second there
 * (bench/README.md). Compiled and instantiated synchronously on first use (the module is 626
 * bytes); `undefined` where WebAssembly is unavailable (e.g. `node --jitless`) or the platform is
 * big-endian, and the JavaScript code hashes instead. Same digests either way
 * (test/schedule/xxh64.test.ts runs every vector on both).
 *
 * The bytes are `wat2wasm src/schedule/xxh64.wat` (wabt 1.0.39), base64; to regenerate:
 * `npx -y -p wabt@1.0.39 node -e "require('wabt')().then(w => console.log(Buffer.from(w.parseWat('x', require('fs').readFileSync('src/schedule/xxh64.wat', 'utf8')).toBinary({}).buffer).toString('base64')))"`
 */
const MODULE_BASE64 = 'AGFzbQEAAAABDQJgAn5+AX5gA39/fwADBAMAAAEFAwEAAQcTAgZtZW1vcnkCAAZkaWdlc3QAAgq4BAMhACAAIAFCz9bTvtLHq9lCfnxCH4lCh5Wvr5i23puef34LIwAgAEIAIAEQAIVCh5Wvr5i23puef35C49zKlfzO8vWFf3wL7wMDAX4DfwV+IAKtQiCGIAGthCEDQRAhBEEQIABqIQUgAEEgTwRAIAVBIGshBiADQtbrgu7q/Yn14AB8IQggA0LP1tO+0ser2UJ8IQkgAyEKIANCh5Wvr5i23puef30hCwNAIAggBCkDABAAIQggCSAEKQMIEAAhCSAKIAQpAxAQACEKIAsgBCkDGBAAIQsgBEEgaiEEIAQgBk0NAAsgCEIBiSAJQgeJfCAKQgyJIAtCEol8fCEHIAcgCBABIQcgByAJEAEhByAHIAoQASEHIAcgCxABIQcFIANCxc/ZsvHluuonfCEHCyAHIACtfCEHAkADQCAEQQhqIAVLDQEgB0IAIAQpAwAQAIVCG4lCh5Wvr5i23puef35C49zKlfzO8vWFf3whByAEQQhqIQQMAAsLIARBBGogBU0EQCAHIAQ1AgBCh5Wvr5i23puef36FQheJQs/W077Sx6vZQn5C+fPd8Zn2masWfCEHIARBBGohBAsCQANAIAQgBU8NASAHIAQxAABCxc/ZsvHluuonfoVCC4lCh5Wvr5i23puef34hByAEQQFqIQQMAAsLIAcgB0IhiIUhByAHQs/W077Sx6vZQn4hByAHIAdCHYiFIQcgB0L5893xmfaZqxZ+IQcgByAHQiCIhSEHQQAgBzcDAAs=';

/** The exports of ./xxh64.wat. */
export interface Xxh64Wasm {
  /** A `WebAssembly.Memory` (typed here: the library's TypeScript libs do not declare WebAssembly). */
  readonly memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  /** XXH64 of memory[16, 16 + length) with the seed (seedHi << 32 | seedLo); the digest goes to memory[0, 8), little-endian. */
  digest(length: number, seedLo: number, seedHi: number): void;
}

/** Where the input starts in the module's memory. */
export const WASM_INPUT_OFFSET = 16;

let instance: Xxh64Wasm | null | undefined;

/** The module's instance, made on first call; `undefined` when WebAssembly cannot be used here. */
export function xxh64Wasm(): Xxh64Wasm | undefined {
  if (instance === undefined) {
    instance = null;
    try {
      const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
      const wasm = (globalThis as { WebAssembly?: any }).WebAssembly;
      if (littleEndian && typeof wasm === 'object') {
        const module = new wasm.Module(Buffer.from(MODULE_BASE64, 'base64'));
        instance = new wasm.Instance(module).exports as Xxh64Wasm;
      }
    } catch {
      instance = null;
    }
  }
  return instance ?? undefined;
}
