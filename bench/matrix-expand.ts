/**
 * Benchmark: expanding a 100,000-cell matrix (the highest `maxCells`), the
 * worst case `Matrix.of` accepts, plus building its per-index ConfigMap
 * layout. Reports the median of several rounds after a warm-up.
 */
import { Matrix } from '../src/matrix';

const ROUNDS = 5;

/**
 * 10 × 100 × 100 = 100,000 combinations, one exclude and two includes so every
 * path runs. Values are short (about 6 bytes per cell): 100,000 cells fit into
 * a ConfigMap only below 10 bytes per cell.
 */
function expandLargest(): Matrix {
  const values = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  return Matrix.of(
    { region: values('r', 10), shard: values('', 100), tier: values('', 100) },
    {
      maxCells: Matrix.MAX_CELLS_LIMIT,
      exclude: [{ region: 'r0', shard: '0', tier: '0' }],
      include: [{ region: 'r0', shard: '0', tier: '0', canary: 'y' }, { tier: '1', pool: 'spot' }],
    },
  );
}

function timeMs<T>(fn: () => T): { ms: number; result: T } {
  const start = process.hrtime.bigint();
  const result = fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, result };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export function benchMatrixExpand(): Record<string, string> {
  expandLargest().configMapLayout(); // warm-up: JIT
  const expandTimes: number[] = [];
  const layoutTimes: number[] = [];
  let cells = 0;
  let dataBytes = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const expanded = timeMs(expandLargest);
    expandTimes.push(expanded.ms);
    cells = expanded.result.cellCount;
    const layout = timeMs(() => expanded.result.configMapLayout());
    layoutTimes.push(layout.ms);
    dataBytes = layout.result.dataBytes;
  }
  const expandMs = median(expandTimes);
  return {
    'cells': String(cells),
    'rounds (median reported)': String(ROUNDS),
    'Matrix.of expand, ms': expandMs.toFixed(1),
    'cells per second (expand)': Math.round(cells / (expandMs / 1000)).toString(),
    'configMapLayout, ms': median(layoutTimes).toFixed(1),
    'ConfigMap data bytes': String(dataBytes),
  };
}

if (require.main === module) {
  console.table(benchMatrixExpand());
}
