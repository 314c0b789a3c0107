import { BatchValidationError } from '../errors';

/** DESIGN §5: matrix keys are lower-case, so they read the same in `${matrix.KEY}`, env names and file names. */
const KEY_PATTERN = /^[a-z0-9_-]+$/;

/**
 * Longest matrix key. The key becomes a file name and part of a ConfigMap key
 * (`<index>.<key>`, at most 253 characters); 63 keeps both far inside their
 * limits and matches a Kubernetes label name.
 */
export const MAX_KEY_LENGTH = 63;

/** What GitHub Actions and Tekton cap a matrix at; a safe default for a Job's fan-out. */
export const DEFAULT_MAX_CELLS = 256;

/**
 * The highest `maxCells` accepted. An Indexed Job's `parallelism` may not
 * exceed 100000, and above 100000 completions Kubernetes requires
 * `maxFailedIndexes` (at most 10000) and caps parallelism at 10000 whenever
 * per-index retries are on. Up to 100000 cells every completion strategy works
 * with all cells running at once, and the index has at most 5 digits.
 */
export const MAX_CELLS_LIMIT = 100_000;

/**
 * How many combinations `Matrix.of` walks at most to apply `exclude`. The cap
 * applies after exclude (as in GitHub Actions), so the product may exceed it,
 * but a product in the billions would hang synthesis rather than fail. Without
 * exclude no walk is needed: the cell count is the product.
 */
export const MAX_COMBINATIONS = 1_000_000;

/** Orders keys by UTF-16 code units, which equals bytewise (Go `sort.Strings`) order for the ASCII keys allowed. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A record's keys in bytewise order. Iterate cells through this, never through
 * `Object.keys` alone: JavaScript lists integer-like keys such as `9` first.
 */
export function sortedKeys(record: Readonly<Record<string, string>>): string[] {
  return Object.keys(record).sort(compareKeys);
}

export function checkMaxCells(maxCells: number | undefined): number {
  const value = maxCells ?? DEFAULT_MAX_CELLS;
  if (!Number.isInteger(value) || value < 1 || value > MAX_CELLS_LIMIT) {
    throw new BatchValidationError('maxCells', String(value), `must be a whole number from 1 to ${MAX_CELLS_LIMIT}`,
      `Keep the default of ${DEFAULT_MAX_CELLS}, or raise it up to ${MAX_CELLS_LIMIT}, the most cells an Indexed Job runs at full parallelism.`);
  }
  return value;
}

export function checkKey(field: string, key: string): void {
  if (!KEY_PATTERN.test(key)) {
    throw new BatchValidationError(field, key, 'is not a valid matrix key',
      'Use lower-case letters, digits, "_" and "-" only (^[a-z0-9_-]+$), e.g. "node-version".');
  }
  if (key.length > MAX_KEY_LENGTH) {
    throw new BatchValidationError(field, key, `is longer than ${MAX_KEY_LENGTH} characters`,
      'Shorten the key; it becomes a file name and part of a ConfigMap key.');
  }
}

export function checkValue(field: string, value: string): void {
  // Types stop this in TypeScript and jsii languages, not in JavaScript or data read from JSON/YAML (`node: [18, 20]`).
  if (typeof value !== 'string') {
    throw new BatchValidationError(field, String(value), `is a ${typeof value}, not a string`,
      `Write the value as a string, e.g. "${String(value)}".`);
  }
  if (value === '') {
    throw new BatchValidationError(field, value, 'is empty',
      'Use a non-empty string; an empty value cannot be told apart from a missing one.');
  }
}

/** Non-empty values, each listed once (a repeated value would run the same cell twice). */
export function checkValueList(field: string, values: readonly string[]): void {
  if (!Array.isArray(values)) {
    throw new BatchValidationError(field, String(values), 'is not a list of values', 'Write the values as a list, e.g. ["a", "b"].');
  }
  if (values.length === 0) {
    throw new BatchValidationError(field, '[]', 'has no values', 'List at least one value, or remove the key.');
  }
  const firstIndex = new Map<string, number>();
  values.forEach((value, i) => {
    checkValue(`${field}[${i}]`, value);
    const earlier = firstIndex.get(value);
    if (earlier !== undefined) {
      throw new BatchValidationError(`${field}[${i}]`, value, `repeats ${field}[${earlier}]`,
        'List each value once; a repeated value would run the same cell twice.');
    }
    firstIndex.set(value, i);
  });
}

/** An include or exclude entry: at least one pair, valid keys, non-empty values. */
export function checkEntry(field: string, entry: Readonly<Record<string, string>>): void {
  const keys = sortedKeys(entry);
  if (keys.length === 0) {
    throw new BatchValidationError(field, '{}', 'is empty', 'Give the entry at least one key and value, or remove it.');
  }
  for (const key of keys) {
    checkKey(`${field} key`, key);
    checkValue(`${field}.${key}`, entry[key]);
  }
}

/** `MATRIX_<KEY>`: upper-cased, `-` written as `_` (env names with `-` cannot be read by most shells). */
export function envNameOf(key: string): string {
  return `MATRIX_${key.toUpperCase().replace(/-/g, '_')}`;
}

/** Keys such as `node-version` and `node_version` would share one env var; reject the pair. */
export function checkEnvNamesDistinct(field: string, keys: readonly string[]): void {
  const owner = new Map<string, string>();
  for (const key of [...new Set(keys)].sort(compareKeys)) {
    const name = envNameOf(key);
    const other = owner.get(name);
    if (other !== undefined) {
      throw new BatchValidationError(field, key, `becomes the environment variable ${name}, as the key "${other}" does`,
        'Rename one of the two keys; "-" and "_" are the same in environment variable names.');
    }
    owner.set(name, key);
  }
}

/** @param cellCount may be a bigint: a product of value lists can exceed 2^53 */
export function checkCellCount(field: string, cellCount: number | bigint, maxCells: number): void {
  if (BigInt(cellCount) > BigInt(maxCells)) {
    throw new BatchValidationError(field, `${cellCount} cells`, `has more cells than maxCells allows (${maxCells})`,
      `Raise maxCells (up to ${MAX_CELLS_LIMIT}), or split the work across several workloads.`);
  }
}

/** UTF-8 byte length, as Kubernetes (Go `len`) measures strings; lone surrogates count as U+FFFD. */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) {
      bytes += 1;
    } else if (unit < 0x800) {
      bytes += 2;
    } else if (isHighSurrogate(unit) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else {
      bytes += 3;
    }
  }
  return bytes;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xD800 && unit <= 0xDBFF;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xDC00 && unit <= 0xDFFF;
}

/**
 * Fails when two cells got the same name. With 40 bits of hash this needs a
 * collision among at most 100000 cells (odds below 1 in 200), but a silent
 * clash would make two Jobs one, so it is checked.
 */
export function checkCellNamesDistinct(names: readonly string[]): void {
  const firstIndex = new Map<string, number>();
  names.forEach((name, i) => {
    const earlier = firstIndex.get(name);
    if (earlier !== undefined) {
      throw new BatchValidationError('matrix', name, `gives cells ${earlier} and ${i} the same name`,
        'Change a value of one of the two cells; cell names hash the values.');
    }
    firstIndex.set(name, i);
  });
}
