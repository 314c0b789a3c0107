import { BatchValidationError } from '../errors';
import {
  checkCellCount, checkEntry, checkEnvNamesDistinct, checkKey, checkValue, checkValueList, compareKeys, MAX_COMBINATIONS, sortedKeys,
} from './checks';

/** One cell: matrix key → value. Iterate it with `sortedKeys`. */
export type Cell = Readonly<Record<string, string>>;

/** The key each `Matrix.count` cell holds its index under. */
export const COUNT_KEY = 'index';

/** The key each `Matrix.keys` cell holds its list entry under (Furiko's `task.index_key`). */
export const KEYS_KEY = 'key';

/** Cells `{index: "0"}` … `{index: "n-1"}`. */
export function expandCount(count: number, maxCells: number): Cell[] {
  if (!Number.isInteger(count)) {
    throw new BatchValidationError('count', String(count), 'is not a whole number', 'Pass the number of cells as a whole number, e.g. 4.');
  }
  if (count < 1) {
    throw new BatchValidationError('count', String(count), 'must be at least 1', 'Pass the number of cells to run, at least 1.');
  }
  checkCellCount('count', count, maxCells);
  return Array.from({ length: count }, (_, i) => ({ [COUNT_KEY]: String(i) }));
}

/** Cells `{key: keys[0]}` … in list order. */
export function expandKeys(keys: readonly string[], maxCells: number): Cell[] {
  if (!Array.isArray(keys)) {
    throw new BatchValidationError('keys', String(keys), 'is not a list of keys', 'Write the keys as a list, e.g. ["users", "orders"].');
  }
  if (keys.length === 0) {
    throw new BatchValidationError('keys', '[]', 'is empty', 'List at least one key; each key becomes one cell.');
  }
  const firstIndex = new Map<string, number>();
  keys.forEach((key, i) => {
    checkValue(`keys[${i}]`, key);
    const earlier = firstIndex.get(key);
    if (earlier !== undefined) {
      throw new BatchValidationError(`keys[${i}]`, key, `repeats keys[${earlier}]`,
        'List each key once; a repeated key would run the same cell twice.');
    }
    firstIndex.set(key, i);
  });
  checkCellCount('keys', keys.length, maxCells);
  return keys.map(key => ({ [KEYS_KEY]: key }));
}

/** What `expandMatrix` needs besides the values. */
export interface MatrixSpec {
  readonly values: Readonly<Record<string, readonly string[]>>;
  readonly include: readonly Cell[];
  readonly exclude: readonly Cell[];
  readonly maxCells: number;
}

/**
 * A pattern on the original (product) keys, as positions into the sorted key
 * list and into each key's value list. `undefined` never matches: the entry
 * names a value the key does not list.
 */
type Pattern = ReadonlyArray<readonly [keyPosition: number, valuePosition: number]> | undefined;

/**
 * The cartesian product with GitHub Actions' exclude/include semantics.
 *
 * 1. Keys are sorted bytewise; the last key varies fastest; values keep list order.
 * 2. `exclude` removes every combination holding all pairs of an entry.
 * 3. Each `include` entry, in order, merges into every remaining original
 *    combination whose original keys it does not contradict (overwriting
 *    values earlier entries added); if it merges into none it is appended as a
 *    cell of its own. Appended cells never take merges.
 *
 * The exact cell count is known before any cell is built, so an over-cap
 * matrix fails without materializing it.
 */
export function expandMatrix(spec: MatrixSpec): Cell[] {
  const keys = checkSpec(spec);
  const lists = keys.map(key => spec.values[key]);
  const valuePositions = lists.map(list => new Map(list.map((value, i) => [value, i])));
  const keyPositions = new Map(keys.map((key, i) => [key, i]));
  const patternOf = (entry: Cell): Pattern => toPattern(entry, keyPositions, valuePositions);
  const excludes = spec.exclude.map(patternOf);
  const includes = spec.include.map(patternOf);

  const tally = excludes.length === 0 ? tallyWithoutExclude(lists, includes) : tallyByEnumeration(lists, excludes, includes);
  checkAppendedDistinct(spec.include, tally.includeMerges);
  const appendedEntries = spec.include.filter((_, j) => !tally.includeMerges[j]);
  const cellCount = tally.survivors + BigInt(appendedEntries.length);
  if (cellCount === 0n) {
    throw new BatchValidationError('exclude', JSON.stringify(spec.exclude), 'removes every cell',
      'Loosen the exclude entries, or add include entries.');
  }
  checkCellCount('matrix', cellCount, spec.maxCells);

  const originals = buildSurvivors(keys, lists, excludes);
  const merged = mergeIncludes(originals, spec.include, tally.includeMerges, new Set(keys));
  return [...merged, ...appendedEntries.map(sortedCell)];
}

/** Validates everything that needs no expansion; returns the matrix keys, sorted bytewise. */
function checkSpec(spec: MatrixSpec): string[] {
  const keys = Object.keys(spec.values).sort(compareKeys);
  for (const key of keys) {
    checkKey('matrix key', key);
    checkValueList(`matrix.${key}`, spec.values[key]);
  }
  spec.include.forEach((entry, i) => checkEntry(`include[${i}]`, entry));
  spec.exclude.forEach((entry, i) => {
    checkEntry(`exclude[${i}]`, entry);
    checkExcludeKeys(`exclude[${i}]`, entry, keys);
  });
  checkEnvNamesDistinct('matrix key', [...keys, ...spec.include.flatMap(entry => Object.keys(entry))]);
  if (keys.length === 0 && spec.include.length === 0) {
    throw new BatchValidationError('matrix', '{}', 'has no keys and no include entries',
      'Give at least one key with its values, or list include entries.');
  }
  return keys;
}

/** GitHub Actions rejects exclude keys outside the matrix: such an entry could never match and is surely a typo. */
function checkExcludeKeys(field: string, entry: Cell, keys: readonly string[]): void {
  for (const key of sortedKeys(entry)) {
    if (!keys.includes(key)) {
      const known = keys.length === 0 ? 'the matrix has none' : keys.map(k => `"${k}"`).join(', ');
      throw new BatchValidationError(field, key, 'names a key the matrix does not have',
        `Exclude by matrix keys only (${known}); include entries are never excluded.`);
    }
  }
}

function toPattern(entry: Cell, keyPositions: ReadonlyMap<string, number>, valuePositions: ReadonlyArray<ReadonlyMap<string, number>>): Pattern {
  const pairs: Array<readonly [number, number]> = [];
  for (const [key, value] of Object.entries(entry)) {
    const keyPosition = keyPositions.get(key);
    if (keyPosition === undefined) {
      continue; // not an original key: never contradicts
    }
    const valuePosition = valuePositions[keyPosition].get(value);
    if (valuePosition === undefined) {
      return undefined;
    }
    pairs.push([keyPosition, valuePosition]);
  }
  return pairs;
}

function matches(pattern: Pattern, odometer: readonly number[]): boolean {
  return pattern !== undefined && pattern.every(([k, v]) => odometer[k] === v);
}

/** How many original cells survive exclude, and which include entries merge into at least one of them. */
interface Tally {
  readonly survivors: bigint;
  readonly includeMerges: boolean[];
}

/** Without exclude every combination survives: an entry merges unless it names an unlisted value. */
function tallyWithoutExclude(lists: ReadonlyArray<readonly string[]>, includes: readonly Pattern[]): Tally {
  const survivors = lists.length === 0 ? 0n : lists.reduce((product, list) => product * BigInt(list.length), 1n);
  return { survivors, includeMerges: includes.map(pattern => survivors > 0n && pattern !== undefined) };
}

/**
 * Counts survivors by walking the product without building cells. Bounded by
 * `MAX_COMBINATIONS`, since a product in the billions would hang synthesis.
 */
function tallyByEnumeration(lists: ReadonlyArray<readonly string[]>, excludes: readonly Pattern[], includes: readonly Pattern[]): Tally {
  const combinations = lists.reduce((product, list) => product * BigInt(list.length), 1n);
  if (combinations > BigInt(MAX_COMBINATIONS)) {
    throw new BatchValidationError('matrix', `${combinations} combinations`,
      `has more combinations before exclude than can be expanded (${MAX_COMBINATIONS})`,
      'Split the matrix across several workloads, or drop values instead of excluding them.');
  }
  const includeMerges = includes.map(() => false);
  let survivors = 0n;
  const odometer = lists.map(() => 0);
  do {
    if (!excludes.some(pattern => matches(pattern, odometer))) {
      survivors++;
      includes.forEach((pattern, j) => {
        includeMerges[j] = includeMerges[j] || matches(pattern, odometer);
      });
    }
  } while (advance(odometer, lists));
  return { survivors, includeMerges };
}

/** The combinations left after exclude, in odometer order (last key fastest). Call only once the count is within the cap. */
function buildSurvivors(keys: readonly string[], lists: ReadonlyArray<readonly string[]>,
  excludes: readonly Pattern[]): Array<Record<string, string>> {
  const cells: Array<Record<string, string>> = [];
  if (keys.length === 0) {
    return cells;
  }
  const odometer = keys.map(() => 0);
  do {
    if (!excludes.some(pattern => matches(pattern, odometer))) {
      cells.push(cellAt(keys, lists, odometer));
    }
  } while (advance(odometer, lists));
  return cells;
}

function cellAt(keys: readonly string[], lists: ReadonlyArray<readonly string[]>, odometer: readonly number[]): Record<string, string> {
  const cell: Record<string, string> = {};
  keys.forEach((key, k) => {
    cell[key] = lists[k][odometer[k]];
  });
  return cell;
}

/** Turns the odometer one step; false after the last combination. */
function advance(odometer: number[], lists: ReadonlyArray<readonly string[]>): boolean {
  for (let k = odometer.length - 1; k >= 0; k--) {
    odometer[k]++;
    if (odometer[k] < lists[k].length) {
      return true;
    }
    odometer[k] = 0;
  }
  return false;
}

/** Appended entries become cells as written, so two equal ones would run the same cell twice. */
function checkAppendedDistinct(include: readonly Cell[], includeMerges: readonly boolean[]): void {
  const firstIndex = new Map<string, number>();
  include.forEach((entry, j) => {
    if (includeMerges[j]) {
      return;
    }
    const identity = cellIdentity(entry);
    const earlier = firstIndex.get(identity);
    if (earlier !== undefined) {
      throw new BatchValidationError(`include[${j}]`, JSON.stringify(sortedCell(entry)), `adds the same cell as include[${earlier}]`,
        'Remove one of the two entries.');
    }
    firstIndex.set(identity, j);
  });
}

/** Merges each merging include entry, in order, into the original cells it does not contradict. */
function mergeIncludes(cells: Array<Record<string, string>>, include: readonly Cell[], includeMerges: readonly boolean[],
  originalKeys: ReadonlySet<string>): Cell[] {
  const touched = new Set<Record<string, string>>();
  include.forEach((entry, j) => {
    if (!includeMerges[j]) {
      return;
    }
    const originalPairs = Object.entries(entry).filter(([key]) => originalKeys.has(key));
    for (const cell of cells) {
      if (originalPairs.every(([key, value]) => cell[key] === value)) {
        Object.assign(cell, entry);
        touched.add(cell);
      }
    }
  });
  return cells.map(cell => (touched.has(cell) ? sortedCell(cell) : cell));
}

/**
 * The cell with its keys inserted in bytewise order, so output does not depend on how an entry
 * was written (JavaScript still lists integer-like keys first).
 */
export function sortedCell(cell: Cell): Cell {
  const sorted: Record<string, string> = {};
  for (const key of sortedKeys(cell)) {
    sorted[key] = cell[key];
  }
  return sorted;
}

/** A string equal for two cells exactly when they hold the same pairs. */
export function cellIdentity(cell: Cell): string {
  return JSON.stringify(sortedKeys(cell).map(key => [key, cell[key]]));
}
