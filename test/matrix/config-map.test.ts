import { BatchValidationError } from '../../src/errors';
import {
  CELL_SUB_PATH_EXPR, checkMatrixFitsInConfigMap, CONFIG_MAP_MAX_DATA_BYTES, Matrix, MatrixConfigMapLayout, matrixCellPath,
  matrixConfigMapLayout, matrixDataBytes, matrixDataKey, maxCellsInConfigMap,
} from '../../src/matrix';
import { utf8ByteLength } from '../../src/matrix/checks';

/** Kubernetes' ConfigMap key rule (`IsConfigMapKey`). */
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

/**
 * What kubelet shows pod `index` at the mount point: the ConfigMap volume
 * projects each item's data key to its path (failing on a key missing from the
 * ConfigMap), then the mount's `subPathExpr`, with `$(JOB_COMPLETION_INDEX)`
 * expanded, selects one directory of the volume.
 */
function filesSeenByPod(layout: MatrixConfigMapLayout, index: number): Record<string, string> {
  const volume = new Map<string, string>();
  for (const item of layout.items) {
    if (!(item.key in layout.data)) {
      throw new Error(`configmap references non-existent config key: ${item.key}`);
    }
    volume.set(item.path, layout.data[item.key]);
  }
  const subPath = layout.subPathExpr.replace('$(JOB_COMPLETION_INDEX)', String(index));
  const seen: Record<string, string> = {};
  for (const [path, content] of volume) {
    if (path.startsWith(`${subPath}/`)) {
      seen[path.slice(subPath.length + 1)] = content;
    }
  }
  return seen;
}

describe('per-index ConfigMap layout', () => {
  const matrix = Matrix.of({ fruit: ['apple', 'pear'], animal: ['cat', 'dog'] }, {
    include: [{ color: 'pink', animal: 'cat' }, { fruit: 'banana' }],
  });
  const layout = matrix.configMapLayout();

  test('data and items, cell by cell, keys bytewise', () => {
    expect(Object.entries(layout.data)).toEqual([
      ['0.animal', 'cat'], ['0.color', 'pink'], ['0.fruit', 'apple'],
      ['1.animal', 'cat'], ['1.color', 'pink'], ['1.fruit', 'pear'],
      ['2.animal', 'dog'], ['2.fruit', 'apple'],
      ['3.animal', 'dog'], ['3.fruit', 'pear'],
      ['4.fruit', 'banana'],
    ]);
    expect(layout.items).toEqual([
      { key: '0.animal', path: '0/animal' }, { key: '0.color', path: '0/color' }, { key: '0.fruit', path: '0/fruit' },
      { key: '1.animal', path: '1/animal' }, { key: '1.color', path: '1/color' }, { key: '1.fruit', path: '1/fruit' },
      { key: '2.animal', path: '2/animal' }, { key: '2.fruit', path: '2/fruit' },
      { key: '3.animal', path: '3/animal' }, { key: '3.fruit', path: '3/fruit' },
      { key: '4.fruit', path: '4/fruit' },
    ]);
    expect(Object.keys(layout.data)).toEqual(layout.items.map(item => item.key));
    expect(layout.subPathExpr).toBe('$(JOB_COMPLETION_INDEX)');
    expect(CELL_SUB_PATH_EXPR).toBe('$(JOB_COMPLETION_INDEX)');
  });

  test.each([
    [0, { animal: 'cat', color: 'pink', fruit: 'apple' }],
    [1, { animal: 'cat', color: 'pink', fruit: 'pear' }],
    [2, { animal: 'dog', fruit: 'apple' }],
    [3, { animal: 'dog', fruit: 'pear' }],
    [4, { fruit: 'banana' }],
  ])('pod %d sees exactly its own cell as files', (index, files) => {
    expect(filesSeenByPod(layout, index)).toEqual(files);
    expect(filesSeenByPod(layout, index)).toEqual(matrix.cell(index));
  });

  test('index 1 does not see cells 10 to 19 (paths are split at "/", not by prefix)', () => {
    const twelve = Matrix.count(12).configMapLayout();
    expect(filesSeenByPod(twelve, 1)).toEqual({ index: '1' });
    expect(filesSeenByPod(twelve, 11)).toEqual({ index: '11' });
    expect(filesSeenByPod(twelve, 12)).toEqual({});
  });

  test('data keys are valid ConfigMap keys; paths are relative and free of ".."', () => {
    const odd = Matrix.of({ '-a': ['x'], '_b': ['y'], '9': ['z'], [`k${'e'.repeat(62)}`]: ['long key'] }, { maxCells: 1 });
    for (const item of odd.configMapLayout().items) {
      expect(item.key).toMatch(CONFIG_MAP_KEY);
      expect(item.key.length).toBeLessThanOrEqual(253);
      expect(item.path.startsWith('/')).toBe(false);
      expect(item.path.split('/').includes('..')).toBe(false);
    }
  });

  test('helpers name keys and paths', () => {
    expect(matrixDataKey(12, 'node-version')).toBe('12.node-version');
    expect(matrixCellPath(12, 'node-version')).toBe('12/node-version');
  });

  test('sizes: values in UTF-8 bytes, items as JSON', () => {
    expect(layout.dataBytes).toBe(3 + 4 + 5 + 3 + 4 + 4 + 3 + 5 + 3 + 4 + 6);
    expect(layout.itemsJsonBytes).toBe(JSON.stringify(layout.items).length);
    expect(matrixConfigMapLayout(matrix.cells())).toEqual(layout);
  });
});

describe('ConfigMap size limit', () => {
  test('utf8ByteLength counts like Go len()', () => {
    expect(utf8ByteLength('')).toBe(0);
    expect(utf8ByteLength('abc')).toBe(3);
    expect(utf8ByteLength('é')).toBe(2);
    expect(utf8ByteLength('日本')).toBe(6);
    expect(utf8ByteLength('😀')).toBe(4);
    expect(utf8ByteLength('\uD800')).toBe(3); // a lone surrogate becomes U+FFFD
    expect(utf8ByteLength('\uD800x')).toBe(4);
    for (const text of ['aé日😀', 'x'.repeat(100), '\u07FF\u0800\uFFFF']) {
      expect(utf8ByteLength(text)).toBe(new TextEncoder().encode(text).length);
    }
  });

  test('how many cells fit for typical value sizes', () => {
    expect(CONFIG_MAP_MAX_DATA_BYTES).toBe(1048576);
    expect(maxCellsInConfigMap(1)).toBe(1048576);
    expect(maxCellsInConfigMap(10)).toBe(104857); // above the 100000-cell cap: the cap binds first
    expect(maxCellsInConfigMap(11)).toBe(95325); // one key of 11 bytes: below the cap
    expect(maxCellsInConfigMap(48)).toBe(21845); // 3 keys × 16 bytes
    expect(maxCellsInConfigMap(160)).toBe(6553); // 5 keys × 32 bytes
    expect(maxCellsInConfigMap(256)).toBe(4096);
    expect(maxCellsInConfigMap(4096)).toBe(256); // the default cap: up to 4 KiB per cell
    expect(maxCellsInConfigMap(4097)).toBe(255);
    expect(maxCellsInConfigMap(2_000_000)).toBe(0);
  });

  test.each([0, -1, 1.5, NaN])('maxCellsInConfigMap rejects %p', (bytes) => {
    expect(() => maxCellsInConfigMap(bytes)).toThrow(
      `bytesPerCell: must be a whole number of at least 1 (got "${bytes}"). Pass the UTF-8 length of one cell's values together.`);
  });

  /** 256 distinct values of `bytes` bytes each. */
  function keysOfSize(bytes: number): string[] {
    return Array.from({ length: 256 }, (_, i) => String(i).padStart(bytes, 'x'));
  }

  test('exactly 1 MiB of values fits', () => {
    const matrix = Matrix.keys(keysOfSize(4096));
    expect(matrix.configMapDataBytes()).toBe(1048576);
    expect(matrixDataBytes(matrix.cells())).toBe(1048576);
    expect(() => matrix.checkFitsInConfigMap()).not.toThrow();
    expect(matrix.configMapLayout().dataBytes).toBe(1048576);
  });

  test('one byte more is reported, with the size and what would fit', () => {
    const values = keysOfSize(4096);
    values[1] = 'é' + values[1].slice(1); // a 2-byte character for a 1-byte one
    const matrix = Matrix.keys(values);
    expect(matrix.configMapDataBytes()).toBe(1048577);
    const message = 'matrix: holds more cell values than a ConfigMap can (1048576 bytes) (got "1048577 bytes"). '
      + 'Shorten the values (now 4097 bytes per cell on average) or use fewer cells; at that size 255 cells fit.';
    expect(() => matrix.checkFitsInConfigMap()).toThrow(message);
    expect(() => checkMatrixFitsInConfigMap(matrix.cells())).toThrow(BatchValidationError);
    expect(() => matrix.configMapLayout()).toThrow(message);
  });

  test('a 100000-cell count matrix fits (its index values average under 5 bytes)', () => {
    const matrix = Matrix.count(100000, { maxCells: 100000 });
    // 10 one-digit, 90 two-digit, 900 three-digit, 9000 four-digit, 90000 five-digit values
    expect(matrix.configMapDataBytes()).toBe(10 + 180 + 2700 + 36000 + 450000);
  });
});
