import { BatchValidationError } from '../errors';
import { sortedKeys, utf8ByteLength } from './checks';
import type { Cell } from './expand';

/**
 * The most bytes a ConfigMap's values may hold: Kubernetes sums the lengths of
 * all `data` values (and decoded `binaryData`) and rejects the object above
 * 1 MiB (`MaxSecretSize`). Keys are not counted here.
 */
export const CONFIG_MAP_MAX_DATA_BYTES = 1_048_576;

/**
 * What Kubernetes puts into a matrix pod's `$(JOB_COMPLETION_INDEX)`: the cell
 * index, in decimal without padding. As a volume mount's `subPathExpr` it picks
 * the cell's directory.
 */
export const CELL_SUB_PATH_EXPR = '$(JOB_COMPLETION_INDEX)';

/** One entry of a ConfigMap volume's `items`: project the data key `key` to the file `path`. */
export interface MatrixVolumeItem {
  /** The ConfigMap data key, `<index>.<key>`, e.g. `3.fruit`. */
  readonly key: string;
  /** The file inside the volume, `<index>/<key>`, e.g. `3/fruit`. */
  readonly path: string;
}

/**
 * Every cell's values in one ConfigMap, laid out so that each pod of the
 * Indexed Job reads exactly its own cell as files, without a shell.
 *
 * Use: a ConfigMap with `data`; a pod volume from it with `items`; a volume
 * mount with `subPathExpr: $(JOB_COMPLETION_INDEX)` (see `subPathExpr`) at,
 * say, `/etc/matrix`. The pod with index `i` then sees `/etc/matrix/<key>`
 * holding its cell's value, one file per key of its cell and nothing else.
 *
 * The `items` live in the pod template of the Job, so they grow the Job
 * object, `itemsJsonBytes` bytes. The Job and the ConfigMap must each stay
 * under etcd's request limit (1.5 MiB by default), which bounds this layout to
 * a few tens of thousands of cell values. The same `data` also works without
 * `items`: one volume mount per key with `subPathExpr:
 * $(JOB_COMPLETION_INDEX).<key>` (as `mountPath` `/etc/matrix/<key>`) keeps
 * the pod template's size independent of the cell count.
 */
export interface MatrixConfigMapLayout {
  /** ConfigMap `data`: `<index>.<key>` → value, cells in index order, keys bytewise. */
  readonly data: { [key: string]: string };
  /** ConfigMap volume `items`, one per data key, in the same order. */
  readonly items: MatrixVolumeItem[];
  /** The volume mount's `subPathExpr`: `$(JOB_COMPLETION_INDEX)`. */
  readonly subPathExpr: string;
  /** The bytes Kubernetes counts against the 1 MiB ConfigMap limit: the UTF-8 length of all values. */
  readonly dataBytes: number;
  /** The size of `items` as JSON, which the Job's pod template carries. */
  readonly itemsJsonBytes: number;
}

/** The ConfigMap data key holding cell `index`'s value for `key`, e.g. `3.fruit` (ConfigMap keys allow `.`, not `/`). */
export function matrixDataKey(index: number, key: string): string {
  return `${index}.${key}`;
}

/** The file the value appears as inside the volume, e.g. `3/fruit`; `subPathExpr` selects the `3`. */
export function matrixCellPath(index: number, key: string): string {
  return `${index}/${key}`;
}

/** The bytes a matrix's cell values take in a ConfigMap (what Kubernetes checks against 1 MiB). */
export function matrixDataBytes(cells: readonly Cell[]): number {
  let bytes = 0;
  for (const cell of cells) {
    for (const key in cell) {
      bytes += utf8ByteLength(cell[key]);
    }
  }
  return bytes;
}

/**
 * Fails with a `BatchValidationError` when the matrix's values exceed what one
 * ConfigMap holds (1,048,576 bytes), naming the size and the average per cell.
 */
export function checkMatrixFitsInConfigMap(cells: readonly Cell[]): void {
  checkDataBytes(matrixDataBytes(cells), cells.length);
}

function checkDataBytes(bytes: number, cellCount: number): void {
  if (bytes > CONFIG_MAP_MAX_DATA_BYTES) {
    const perCell = Math.ceil(bytes / cellCount);
    throw new BatchValidationError('matrix', `${bytes} bytes`,
      `holds more cell values than a ConfigMap can (${CONFIG_MAP_MAX_DATA_BYTES} bytes)`,
      `Shorten the values (now ${perCell} bytes per cell on average) or use fewer cells; at that size ${maxCellsInConfigMap(perCell)} cells fit.`);
  }
}

/**
 * How many cells of `bytesPerCell` bytes of values fit into one ConfigMap:
 * `floor(1048576 / bytesPerCell)`. For example 10 bytes per cell → 104857
 * (the 100000-cell cap binds first), 48 (3 keys × 16 bytes) → 21845,
 * 256 → 4096, 4096 → 256 (the default cap).
 *
 * @param bytesPerCell the UTF-8 bytes of one cell's values together, at least 1
 */
export function maxCellsInConfigMap(bytesPerCell: number): number {
  if (!Number.isInteger(bytesPerCell) || bytesPerCell < 1) {
    throw new BatchValidationError('bytesPerCell', String(bytesPerCell), 'must be a whole number of at least 1',
      'Pass the UTF-8 length of one cell\'s values together.');
  }
  return Math.floor(CONFIG_MAP_MAX_DATA_BYTES / bytesPerCell);
}

/**
 * The ConfigMap `data` and volume `items` that deliver each cell's values to
 * its pod (see `MatrixConfigMapLayout`). Fails like
 * `checkMatrixFitsInConfigMap` when the values exceed 1 MiB.
 */
export function matrixConfigMapLayout(cells: readonly Cell[]): MatrixConfigMapLayout {
  const dataBytes = matrixDataBytes(cells);
  checkDataBytes(dataBytes, cells.length);
  const data: Record<string, string> = {};
  const items: MatrixVolumeItem[] = [];
  cells.forEach((cell, index) => {
    for (const key of sortedKeys(cell)) {
      const dataKey = matrixDataKey(index, key);
      data[dataKey] = cell[key];
      items.push({ key: dataKey, path: matrixCellPath(index, key) });
    }
  });
  return {
    data,
    items,
    subPathExpr: CELL_SUB_PATH_EXPR,
    dataBytes,
    itemsJsonBytes: JSON.stringify(items).length,
  };
}
