/**
 * Benchmark: synthesizing a 10,000-cell ParallelMatrixJob (cap raised) to YAML, against a
 * baseline in the same run: a 100-cell job of the same shape (the ratio shows how synth
 * time grows with the cell count). Reports time and output bytes.
 */
import { App, Chart } from 'cdk8s';
import { Matrix, ParallelMatrixJob } from '../src';

const ROUNDS = 3;

function synth(cells: number): number {
  const app = new App();
  const chart = new Chart(app, 'bench');
  const shards = Array.from({ length: cells / 10 }, (_, i) => `s${i}`);
  new ParallelMatrixJob(chart, 'job', {
    metadata: { name: 'matrix-bench' },
    matrix: Matrix.of({ region: ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6', 'r7', 'r8', 'r9'], shard: shards }, { maxCells: cells }),
    maxParallel: 50,
    containers: [{ name: 'main', image: 'registry.example/worker:1.0', args: ['--region=${matrix.region}', '--shard=${matrix.shard}'] }],
  });
  return app.synthYaml().length;
}

function timed(cells: number): { ms: number; bytes: number } {
  const start = process.hrtime.bigint();
  const bytes = synth(cells);
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, bytes };
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
}

export function benchMatrixJob(): Record<string, string> {
  synth(100); synth(10_000); // warm-up
  const small: number[] = []; const large: number[] = [];
  let smallBytes = 0; let largeBytes = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const s = timed(100); small.push(s.ms); smallBytes = s.bytes;
    const l = timed(10_000); large.push(l.ms); largeBytes = l.bytes;
  }
  return {
    'rounds (median reported)': String(ROUNDS),
    '100-cell job synth, ms': median(small).toFixed(0),
    '10,000-cell job synth, ms': median(large).toFixed(0),
    'ratio 10,000 / 100 cells': (median(large) / median(small)).toFixed(1),
    'YAML bytes (100 / 10,000 cells)': `${smallBytes} / ${largeBytes}`,
  };
}

if (require.main === module) {
  console.table(benchMatrixJob());
}
