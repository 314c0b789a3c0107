import * as fc from 'fast-check';
import { BatchValidationError } from '../../src/errors';
import { Matrix } from '../../src/matrix';

const RUNS = { numRuns: 300 };

type Entry = Record<string, string>;

interface Case {
  readonly values: Record<string, string[]>;
  readonly include: Entry[];
  readonly exclude: Entry[];
}

const MATRIX_KEYS = ['a', 'b', 'c-d', 'e_f', '9'];
const EXTRA_KEYS = ['x', 'y'];
const VALUES = ['1', '2', 'p', 'q', 'r'];

/** An entry over some of `keys`, with values that may or may not be listed. */
function entryOver(keys: string[]): fc.Arbitrary<Entry> {
  return fc.subarray(keys, { minLength: 1 })
    .chain(chosen => fc.tuple(...chosen.map(() => fc.constantFrom(...VALUES)))
      .map(vals => Object.fromEntries(chosen.map((key, i) => [key, vals[i]]))));
}

const caseArb: fc.Arbitrary<Case> = fc.subarray(MATRIX_KEYS).chain(keys => {
  const valuesArb = fc.tuple(...keys.map(() => fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 3 })))
    .map(lists => Object.fromEntries(keys.map((key, i) => [key, lists[i]])));
  const includeArb = fc.array(entryOver([...keys, ...EXTRA_KEYS]), { maxLength: 4 });
  const excludeArb = keys.length === 0 ? fc.constant<Entry[]>([]) : fc.array(entryOver(keys), { maxLength: 3 });
  return fc.record({ values: valuesArb, include: includeArb, exclude: excludeArb });
});

/** Bytewise key order, written out independently of the implementation. */
function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

function sameValues(a: Entry, b: Entry): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every(k => a[k] === b[k]);
}

/**
 * A naive model of GitHub's algorithm: the whole product (recursively, first
 * key slowest), filter, then merge-or-append. Returns undefined where two
 * appended cells are equal (the implementation must reject those).
 */
function model(c: Case): { cells: Entry[]; product: number; excluded: number; appended: number } | undefined {
  const keys = Object.keys(c.values).sort(byteOrder);
  const product = (i: number): Entry[] => i === keys.length ? [{}]
    : c.values[keys[i]].flatMap(v => product(i + 1).map(rest => ({ [keys[i]]: v, ...rest })));
  const all = keys.length === 0 ? [] : product(0);
  const matches = (cell: Entry, pattern: Entry) => Object.keys(pattern).every(k => cell[k] === pattern[k]);
  const originals = all.filter(cell => !c.exclude.some(pattern => matches(cell, pattern)));
  const cells = originals.map(cell => ({ ...cell }));
  const appendedCells: Entry[] = [];
  for (const entry of c.include) {
    const originalPart = Object.fromEntries(Object.entries(entry).filter(([k]) => keys.includes(k)));
    const targets = originals.map((o, i) => (matches(o, originalPart) ? i : -1)).filter(i => i >= 0);
    if (targets.length === 0) {
      if (appendedCells.some(other => sameValues(other, entry))) {
        return undefined;
      }
      appendedCells.push({ ...entry });
    }
    targets.forEach(i => Object.assign(cells[i], entry));
  }
  return { cells: [...cells, ...appendedCells], product: all.length, excluded: all.length - originals.length, appended: appendedCells.length };
}

/** The matrix, used once, so that a problem its factory keeps is thrown here. */
function expand(c: Case): Matrix {
  const matrix = Matrix.of(c.values, { include: c.include, exclude: c.exclude, maxCells: Matrix.MAX_CELLS_LIMIT });
  void matrix.cellCount;
  return matrix;
}

function nonEmpty(c: Case): boolean {
  return Object.keys(c.values).length > 0 || c.include.length > 0;
}

describe('Matrix.of properties', () => {
  test('cell count = product - excluded + appended, and the cells equal a naive model', () => {
    fc.assert(fc.property(caseArb.filter(nonEmpty), c => {
      const expected = model(c);
      if (expected === undefined) {
        expect(() => expand(c)).toThrow(/adds the same cell as include\[\d+\]/);
        return;
      }
      if (expected.cells.length === 0) {
        expect(() => expand(c)).toThrow('exclude: removes every cell');
        return;
      }
      const matrix = expand(c);
      expect(matrix.cellCount).toBe(expected.product - expected.excluded + expected.appended);
      expect(matrix.cells()).toEqual(expected.cells);
    }), RUNS);
  });

  test('every cell is unique', () => {
    fc.assert(fc.property(caseArb.filter(c => nonEmpty(c) && model(c) !== undefined && model(c)!.cells.length > 0), c => {
      const cells = expand(c).cells();
      const identities = cells.map(cell => JSON.stringify(Object.entries(cell).sort(([a], [b]) => byteOrder(a, b))));
      expect(new Set(identities).size).toBe(cells.length);
    }), RUNS);
  });

  test('order is stable: same output every time and whatever order the keys were written in', () => {
    fc.assert(fc.property(caseArb.filter(c => nonEmpty(c) && model(c) !== undefined && model(c)!.cells.length > 0), c => {
      const first = expand(c);
      const reversedValues = Object.fromEntries(Object.entries(c.values).reverse());
      const reversedInclude = c.include.map(entry => Object.fromEntries(Object.entries(entry).reverse()));
      const second = expand({ values: reversedValues, include: reversedInclude, exclude: c.exclude });
      expect(second.cells()).toEqual(first.cells());
      expect(second.cellNames()).toEqual(first.cellNames());
      expect(second.configMapLayout()).toEqual(first.configMapLayout());
      expect(expand(c).cells()).toEqual(first.cells());
    }), RUNS);
  });

  test('product cells come in odometer order: the last key varies fastest', () => {
    fc.assert(fc.property(caseArb.filter(c => Object.keys(c.values).length > 0), c => {
      const matrix = Matrix.of(c.values, { maxCells: Matrix.MAX_CELLS_LIMIT });
      const keys = Object.keys(c.values).sort(byteOrder);
      const positions = matrix.cells().map(cell => keys.map(k => c.values[k].indexOf(cell[k])));
      for (let i = 1; i < positions.length; i++) {
        const first = positions[i].findIndex((p, k) => p !== positions[i - 1][k]);
        expect(positions[i][first]).toBe(positions[i - 1][first] + 1);
        expect(positions[i].slice(first + 1).every(p => p === 0)).toBe(true);
      }
    }), RUNS);
  });

  test('cell names are distinct DNS labels of at most 24 characters', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 30 }), { minLength: 1, maxLength: 40 }), keys => {
      const names = Matrix.keys(keys).cellNames();
      expect(new Set(names).size).toBe(names.length);
      for (const name of names) {
        expect(name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
        expect(name.length).toBeLessThanOrEqual(24);
      }
    }), RUNS);
  });

  test('count(n) is index i at cell i; over the cap it fails', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 600 }), n => {
      if (n > Matrix.DEFAULT_MAX_CELLS) {
        expect(() => Matrix.count(n).cellCount).toThrow(BatchValidationError);
        return;
      }
      const cells = Matrix.count(n).cells();
      expect(cells.length).toBe(n);
      cells.forEach((cell, i) => expect(cell).toEqual({ index: String(i) }));
    }), { numRuns: 100 });
  });
});
