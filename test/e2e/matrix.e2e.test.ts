/**
 * Matrix workloads on the real control plane: the API server accepts the Indexed Job with
 * the cell delivery (and keeps fileKeyRef, subPathExpr, successPolicy and
 * backoffLimitPerIndex), and the real Job controller runs one pod per cell on kwok, completing
 * the Job when every index succeeded and failing it fast when a cell fails.
 */
import { App, Chart, Testing } from 'cdk8s';
import { MatrixChart } from '../../examples/matrix';
import { Completion, Matrix, ParallelMatrixJob, ParallelMatrixJobProps } from '../../src';
import { intoNamespace } from './support/examples';
import { apply, applyServerDryRun, createNamespace, deleteNamespace, getObject, listObjects, waitFor } from './support/rig';

function condition(job: any, type: string): boolean {
  return (job?.status?.conditions ?? []).some((c: any) => c.type === type && c.status === 'True');
}

function matrixJob(ns: string, props: Partial<ParallelMatrixJobProps> & { matrix: Matrix }): any[] {
  const chart = new Chart(new App(), 'c', { namespace: ns });
  new ParallelMatrixJob(chart, 'job', {
    metadata: { name: 'cells' },
    containers: [{ name: 'main', image: 'registry.example/cell:1.0', args: ['run', '${matrix.index}'] }],
    ...props,
  });
  return chart.toJson();
}

describe('matrix example', () => {
  let ns: string;
  beforeAll(async () => { ns = await createNamespace('e2e-matrix'); });
  afterAll(() => deleteNamespace(ns));

  test('passes server-side dry-run, and the API server keeps the matrix fields', () => {
    const objects = intoNamespace(Testing.synth(new MatrixChart(Testing.app(), 'matrix')), ns);
    const out = applyServerDryRun(objects, ns);
    const returned = out.split(/^---$/m).join('\n');
    for (const field of ['fileKeyRef:', 'subPathExpr: $(JOB_COMPLETION_INDEX).goos', 'backoffLimitPerIndex: 2', 'completionMode: Indexed', 'maxFailedIndexes: 0']) {
      expect(returned).toContain(field);
    }
  });

  test('successPolicy is kept (AnySuccessful)', () => {
    const objects = matrixJob(ns, { matrix: Matrix.count(3), completion: Completion.anySuccessful() });
    const out = applyServerDryRun(objects, ns);
    expect(out).toContain('successPolicy:');
    expect(out).toContain('succeededCount: 1');
  });
});

test('applied for real, every cell runs on kwok and the Job completes with every index succeeded', async () => {
  const ns = await createNamespace('e2e-matrix-run');
  try {
    apply(matrixJob(ns, {
      matrix: Matrix.of({ goos: ['linux', 'darwin', 'windows'], goarch: ['amd64', 'arm64'] }),
      maxParallel: 3,
      containers: [{ name: 'main', image: 'registry.example/cell:1.0', args: ['build', '${matrix.goos}', '${matrix.goarch}'] }],
    }), ns);
    const job = await waitFor(() => {
      const got = getObject('job', 'cells', ns);
      return condition(got, 'Complete') ? got : undefined;
    }, 120_000, { intervalMs: 2000, description: 'the matrix Job completes' });
    expect(job.status.succeeded).toBe(6);
    expect(job.status.completedIndexes).toBe('0-5');
    const pods = listObjects('pods', ns, 'batch.kubernetes.io/job-name=cells');
    const indexes = new Set(pods.filter((p: any) => p.status.phase === 'Succeeded')
      .map((p: any) => p.metadata.labels['batch.kubernetes.io/job-completion-index']));
    expect([...indexes].sort()).toEqual(['0', '1', '2', '3', '4', '5']);
    // The pods the Job controller created carry the cell delivery as synthesized.
    const pod = pods[0];
    expect(pod.spec.initContainers[0].name).toBe('cdk8s-batch-cell');
    expect(pod.spec.containers[0].env.find((e: any) => e.name === 'MATRIX_GOOS').valueFrom.fileKeyRef)
      .toMatchObject({ volumeName: 'cdk8s-batch-cell', path: 'cell.env', key: 'MATRIX_GOOS' });
    expect(pod.spec.containers[0].env.find((e: any) => e.name === 'JOB_COMPLETION_INDEX')).toBeDefined();
  } finally {
    deleteNamespace(ns);
  }
});

test('with failing pods, AllSuccessful with fail-fast fails the Job', async () => {
  const ns = await createNamespace('e2e-matrix-fail');
  try {
    apply(matrixJob(ns, {
      matrix: Matrix.count(4),
      maxParallel: 1,
      maxAttempts: 1,
      podMetadata: { annotations: { 'e2e.cdk8s-batch.dev/exit-code': '3' } },
    }), ns);
    const job = await waitFor(() => {
      const got = getObject('job', 'cells', ns);
      return condition(got, 'Failed') ? got : undefined;
    }, 120_000, { intervalMs: 2000, description: 'the matrix Job fails' });
    const failed = job.status.conditions.find((c: any) => c.type === 'Failed');
    expect(failed.reason).toBe('MaxFailedIndexesExceeded');
    expect(job.status.failedIndexes).toBe('0');
    expect(job.status.succeeded ?? 0).toBe(0);
  } finally {
    deleteNamespace(ns);
  }
});
