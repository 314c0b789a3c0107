import { BatchValidationError, Checked } from '../errors';
import { checkCellNamesDistinct, checkMaxCells, compareKeys, DEFAULT_MAX_CELLS, envNameOf, MAX_CELLS_LIMIT, sortedKeys } from './checks';
import { checkMatrixFitsInConfigMap, matrixConfigMapLayout, matrixDataBytes, MatrixConfigMapLayout } from './config-map';
import { Cell, COUNT_KEY, expandCount, expandKeys, expandMatrix, KEYS_KEY } from './expand';
import { MAX_CELL_NAME_LENGTH, matrixCellName, matrixEnvName } from './names';

/** Which factory made a matrix. */
export enum MatrixKind {
  /** `Matrix.count(n)`: cells `{index: "0"}` to `{index: "n-1"}`. */
  COUNT = 'Count',
  /** `Matrix.keys([...])`: one cell `{key: <entry>}` per list entry. */
  KEYS = 'Keys',
  /** `Matrix.of({...})`: the product of key → values, with include and exclude. */
  MATRIX = 'Matrix',
}

/** Size limits for every kind of matrix. */
export interface MatrixSizeOptions {
  /**
   * The most cells the matrix may have (after include and exclude). Raising
   * it is a deliberate choice: every cell is a pod.
   *
   * At most 100000 (`Matrix.MAX_CELLS_LIMIT`): up to there an Indexed Job
   * accepts `parallelism` equal to its completions and needs no
   * `maxFailedIndexes` with per-cell retries.
   *
   * @default 256 (`Matrix.DEFAULT_MAX_CELLS`, the cap of GitHub Actions and Tekton)
   */
  readonly maxCells?: number;
}

/** `include`, `exclude` and the cell cap of `Matrix.of`. */
export interface MatrixOptions extends MatrixSizeOptions {
  /**
   * Entries that extend cells or add cells, processed after `exclude` and in
   * order, as in GitHub Actions: an entry's pairs merge into every original
   * cell (a combination of the key → values product) whose values it does not
   * contradict, overwriting values that earlier entries added; an entry that
   * merges into no original cell becomes a cell of its own, after all product
   * cells and in include order. Entries never merge into appended cells.
   * Keys may be new (e.g. `{os: 'linux', experimental: 'true'}`).
   *
   * @default - no include entries
   */
  readonly include?: { [key: string]: string }[];

  /**
   * Entries that remove combinations by partial match, processed before
   * `include`: an entry removes every combination holding all of its pairs
   * (`{os: 'windows'}` removes every Windows cell). Entries may name matrix
   * keys only.
   *
   * @default - nothing is excluded
   */
  readonly exclude?: { [key: string]: string }[];
}

/** A matrix's cells with what is derived from them once. */
interface Expanded {
  readonly cells: readonly Cell[];
  readonly maxCells: number;
  readonly keyNames: string[];
}

/**
 * The cells a batch workload fans out over, expanded at synth time into a
 * deterministic table: cell `i` runs as completion index `i` of an Indexed Job.
 *
 * Three sources: a count, a key list, or key → values with GitHub Actions'
 * include/exclude. Keys are sorted bytewise, the last key varies fastest, and
 * each key's values keep their list order (Furiko's order, the same in every
 * jsii language, whose maps are unordered); appended include cells come last.
 *
 * Keys match `^[a-z0-9_-]+$` (at most 63 characters) and must stay distinct
 * as environment variables (`a-b` and `a_b` are both `MATRIX_A_B`); values
 * are non-empty strings; cells are distinct; the cell count is capped
 * (`maxCells`, default 256, at most 100000).
 */
export class Matrix {
  /** The default cell cap: 256, as in GitHub Actions and Tekton. */
  public static readonly DEFAULT_MAX_CELLS = DEFAULT_MAX_CELLS;

  /**
   * The highest `maxCells`: 100000. Kubernetes caps an Indexed Job's
   * `parallelism` at 100000, and above 100000 completions per-index retries
   * need `maxFailedIndexes` (at most 10000) and parallelism of at most 10000.
   */
  public static readonly MAX_CELLS_LIMIT = MAX_CELLS_LIMIT;

  /** The key `Matrix.count` cells hold their index under: `index` (`${matrix.index}`, `MATRIX_INDEX`). */
  public static readonly COUNT_KEY = COUNT_KEY;

  /** The key `Matrix.keys` cells hold their entry under: `key` (`${matrix.key}`, `MATRIX_KEY`). */
  public static readonly KEYS_KEY = KEYS_KEY;

  /** The longest cell name `cellName` returns: 24 characters. */
  public static readonly MAX_CELL_NAME_LENGTH = MAX_CELL_NAME_LENGTH;

  /**
   * `count` cells, `{index: "0"}` to `{index: "<count-1>"}`, for work that
   * only needs to know its shard number (Furiko's `withCount`).
   *
   * @param count the number of cells, a whole number of at least 1
   */
  public static count(count: number, options: MatrixSizeOptions = {}): Matrix {
    return Matrix.checked(MatrixKind.COUNT, options, maxCells => expandCount(count, maxCells));
  }

  /**
   * One cell per list entry, in list order, each holding the entry under the
   * key `key` (`${matrix.key}`, `MATRIX_KEY`; Furiko's `withKeys`).
   *
   * @param keys non-empty, distinct strings, e.g. `['users', 'orders']`
   */
  public static keys(keys: string[], options: MatrixSizeOptions = {}): Matrix {
    return Matrix.checked(MatrixKind.KEYS, options, maxCells => expandKeys(keys, maxCells));
  }

  /**
   * The product of key → values, then `exclude`, then `include`, with GitHub
   * Actions' semantics (see `MatrixOptions`). With no keys, the include
   * entries are exactly the cells.
   *
   * `{key: ['a', 'b'], num: ['1', '2', '3']}` gives a1, a2, a3, b1, b2, b3.
   *
   * @param values matrix key → its values (non-empty, distinct); may be `{}` when `include` lists the cells
   */
  public static of(values: { [key: string]: string[] }, options: MatrixOptions = {}): Matrix {
    return Matrix.checked(MatrixKind.MATRIX, options,
      maxCells => expandMatrix({ values, include: options.include ?? [], exclude: options.exclude ?? [], maxCells }));
  }

  /**
   * The environment variable a key's value reaches containers under:
   * `MATRIX_<KEY>`, upper-cased, `-` written as `_`.
   *
   * @param key a matrix key, e.g. `node-version` (→ `MATRIX_NODE_VERSION`)
   */
  public static envName(key: string): string {
    return matrixEnvName(key);
  }

  /**
   * Expanded now, reported later: a bad matrix throws when the workload it is passed to uses
   * it, so the message carries that workload's construct path.
   */
  private static checked(kind: MatrixKind, options: MatrixSizeOptions, expand: (maxCells: number) => readonly Cell[]): Matrix {
    return new Matrix(kind, new Checked(() => {
      const maxCells = checkMaxCells(options.maxCells);
      const cells = expand(maxCells);
      return { cells, maxCells, keyNames: [...new Set(cells.flatMap(cell => Object.keys(cell)))].sort(compareKeys) };
    }));
  }

  /** Which factory made the matrix. */
  public readonly kind: MatrixKind;

  private readonly expanded: Checked<Expanded>;
  private names?: readonly string[];

  private constructor(kind: MatrixKind, expanded: Checked<Expanded>) {
    this.kind = kind;
    this.expanded = expanded;
  }

  /**
   * How many cells there are: the Indexed Job's completions.
   *
   * @throws BatchValidationError if the factory's arguments are not valid
   */
  public get cellCount(): number {
    return this._cellTable.length;
  }

  /**
   * Every key any cell has, sorted bytewise (include entries may add keys to some cells only).
   *
   * @throws BatchValidationError if the factory's arguments are not valid
   */
  public get keyNames(): string[] {
    return this.valid.keyNames;
  }

  /**
   * The cell cap this matrix was checked against.
   *
   * @throws BatchValidationError if the factory's arguments are not valid
   */
  public get maxCells(): number {
    return this.valid.maxCells;
  }

  /**
   * The cells in index order; shared, never mutated.
   * @internal
   */
  public get _cellTable(): readonly Cell[] {
    return this.valid.cells;
  }

  /**
   * Throws the problem the factory found, with the field under the workload's `matrix` prop
   * (`matrix include[1]: ...`): a workload calls it first, where it locates errors.
   *
   * @internal
   */
  public _check(): void {
    if (this.expanded.problem) {
      const { field, value, problem, fix } = this.expanded.problem;
      throw new BatchValidationError(field.startsWith('matrix') ? field : `matrix ${field}`, value, problem, fix);
    }
  }

  private get valid(): Expanded {
    return this.expanded.value;
  }

  /**
   * All cells in index order: cell `i` is completion index `i`. Each maps
   * key → value; iterate keys in `keyNames` order rather than the map's own
   * (unordered in most jsii languages; JavaScript lists keys such as `9` first).
   */
  public cells(): { [key: string]: string }[] {
    return this._cellTable.map(cell => ({ ...cell }));
  }

  /**
   * The cell at `index`, key → value.
   *
   * @param index a completion index, 0 to `cellCount - 1`
   */
  public cell(index: number): { [key: string]: string } {
    return { ...this.cellAt(index) };
  }

  /**
   * The cell's values as environment variables, `MATRIX_<KEY>` → value.
   *
   * @param index a completion index, 0 to `cellCount - 1`
   */
  public cellEnv(index: number): { [name: string]: string } {
    const cell = this.cellAt(index);
    const env: Record<string, string> = {};
    for (const key of sortedKeys(cell)) {
      env[envNameOf(key)] = cell[key];
    }
    return env;
  }

  /**
   * A short DNS-label name for the cell, derived from its values only (not
   * its index), e.g. `cat-apple-suvxfexo`: a slug of the values of at most 15
   * characters, `-`, and 8 base32 characters of the XXH64 of the cell. Adding
   * cells to a matrix does not rename the others. At most 24 characters.
   *
   * @param index a completion index, 0 to `cellCount - 1`
   */
  public cellName(index: number): string {
    this.cellAt(index);
    return this.cellNames()[index];
  }

  /** Every cell's `cellName`, in index order; checked to be distinct. */
  public cellNames(): string[] {
    if (this.names === undefined) {
      const names = this._cellTable.map(matrixCellName);
      checkCellNamesDistinct(names);
      this.names = names;
    }
    return [...this.names];
  }

  /** The bytes the cell values take in a ConfigMap, which Kubernetes limits to 1,048,576. */
  public configMapDataBytes(): number {
    return matrixDataBytes(this._cellTable);
  }

  /** Fails with a `BatchValidationError` when the cell values do not fit into one ConfigMap (1,048,576 bytes). */
  public checkFitsInConfigMap(): void {
    checkMatrixFitsInConfigMap(this._cellTable);
  }

  /**
   * ConfigMap `data` and volume `items` that, with a volume mount's
   * `subPathExpr: $(JOB_COMPLETION_INDEX)`, give each pod exactly its own
   * cell's values as files `<mountPath>/<key>`. Fails when the values exceed
   * what a ConfigMap holds.
   */
  public configMapLayout(): MatrixConfigMapLayout {
    return matrixConfigMapLayout(this._cellTable);
  }

  private cellAt(index: number): Cell {
    if (!Number.isInteger(index) || index < 0 || index >= this.cellCount) {
      throw new BatchValidationError('index', String(index), `is not a cell index of this matrix (0 to ${this.cellCount - 1})`,
        `Pass a whole number from 0 to ${this.cellCount - 1}.`);
    }
    return this._cellTable[index];
  }
}
