/**
 * Each matrix delivery mode on the real control plane, in a namespace that enforces Pod
 * Security `restricted`:
 * - the emitted objects are admitted (server-side dry-run, strict field validation); files
 *   only and one Job per cell emit no `fileKeyRef`, the field a server without EnvFiles
 *   rejects (matrix-old-server.e2e.test.ts runs them on such a server);
 * - the same matrix runs on the rig's real node (kubelet + containerd) in every mode, and
 *   every pod prints its cell as it sees it (files, `MATRIX_<KEY>`, `${matrix.KEY}` in args);
 *   the output is compared with the expansion cell by cell, so the three modes deliver the
 *   same values per index. Values hold spaces, `#`, `=`, `$`, double quotes, unicode and line
 *   breaks in every mode, and a single quote where the mode carries one.
 */
import { Chart, Testing } from 'cdk8s';
import { KubernetesVersion, Matrix, MatrixDelivery, ParallelMatrixJob } from '../../src';
import { BUSYBOX_IMAGE, jobCondition, jobPods, onRealNode, podLogs, waitForJobFinished } from './support/real-node';
import { apply, applyServerDryRun, createNamespace, deleteNamespace, listObjects } from './support/rig';

const RESTRICTED = { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' };
/** Every mode carries these (a trailing line break is left out: kubectl logs keeps it, but a reader would not see it). */
const COMMON = ['a  b', '#x=1', '$HOME $(X) ${y} $$', 'say "hi"', 'grüße ✓ 日本', 'two\nlines'];
/** Only files and one Job per cell carry a single quote (the env file writes values single-quoted). */
const QUOTED = ['it\'s'];

interface Mode {
  readonly what: string;
  readonly delivery: MatrixDelivery;
  readonly target: KubernetesVersion;
  readonly values: string[];
  /** Whether the pods get MATRIX_<KEY> and ${matrix.KEY} in args. */
  readonly env: boolean;
}

const MODES: Mode[] = [
  { what: 'env files, target 1.35', delivery: MatrixDelivery.envFiles(), target: KubernetesVersion.V1_35, values: COMMON, env: true },
  { what: 'files only, target 1.33', delivery: MatrixDelivery.files(), target: KubernetesVersion.V1_33, values: [...COMMON, ...QUOTED], env: false },
  { what: 'one Job per cell, target 1.29', delivery: MatrixDelivery.jobPerCell(), target: KubernetesVersion.V1_29, values: [...COMMON, ...QUOTED], env: true },
];

/**
 * The script each pod runs: the file of each key, then (env modes) `MATRIX_<KEY>` and the
 * value `${matrix.v}` put in as `$1`. No `$(` in it: the kubelet would expand that.
 */
function printCell(env: boolean): string[] {
  const lines = ['printf "FILE v=%s|\\n" "`cat /etc/cdk8s-batch/matrix/v`"'];
  if (env) lines.push('printf "ENV MATRIX_V=%s|\\n" "$MATRIX_V"', 'printf "ARG %s|\\n" "$1"');
  return ['sh', '-c', lines.join('; '), 'sh', ...(env ? ['${matrix.v}'] : [])];
}

function expectedCell(value: string, env: boolean): string {
  return [`FILE v=${value}|`, ...(env ? [`ENV MATRIX_V=${value}|`, `ARG ${value}|`] : [])].join('\n') + '\n';
}

function synth(mode: Mode, name: string): { objects: any[]; job: ParallelMatrixJob } {
  const chart = new Chart(Testing.app(), 'c');
  const job = new ParallelMatrixJob(chart, 'm', {
    metadata: { name },
    matrix: Matrix.of({ v: mode.values }),
    matrixDelivery: mode.delivery,
    kubernetesVersion: mode.target,
    maxAttempts: 1, // a wrong cell must show, not be retried away
    containers: [{ name: 'main', image: 'busybox:1.36.1', command: printCell(mode.env), securityContext: { user: 65532, group: 65532 } }],
  });
  return { objects: chart.toJson(), job };
}

let ns: string;
beforeAll(async () => { ns = await createNamespace('e2e-mdeliv', RESTRICTED); });
afterAll(() => deleteNamespace(ns));

test.each(MODES)('$what: the objects are admitted, with fileKeyRef only for env files', (mode) => {
  const { objects } = synth(mode, `dry-${mode.delivery.mode.toLowerCase()}`);
  const kinds = objects.map((o) => o.kind);
  if (mode.delivery.mode === 'JobPerCell') {
    expect(kinds).toEqual(mode.values.map(() => 'Job'));
  } else {
    expect(kinds).toEqual(['ConfigMap', 'Job']);
  }
  expect(JSON.stringify(objects).includes('fileKeyRef')).toBe(mode.delivery.mode === 'EnvFiles');
  expect(() => applyServerDryRun(objects, ns)).not.toThrow();
});

test('on the real node, every mode delivers the same value to each cell index', async () => {
  const runs = MODES.map((mode) => ({ mode, ...synth(mode, `real-${mode.delivery.mode.toLowerCase()}`) }));
  // All three at once: the node runs them side by side, the waits overlap.
  for (const run of runs) apply(onRealNode(run.objects, { '*': BUSYBOX_IMAGE }), ns);
  const outputs: Record<string, Record<number, string>> = {};
  for (const { mode, objects, job } of runs) {
    const byIndex: Record<number, string> = {};
    for (const object of objects.filter((o) => o.kind === 'Job')) {
      const finished = await waitForJobFinished(ns, object.metadata.name, 300_000);
      expect({ job: object.metadata.name, complete: !!jobCondition(finished, 'Complete') }).toEqual({ job: object.metadata.name, complete: true });
      for (const pod of jobPods(ns, object.metadata.name).filter((p: any) => p.status.phase === 'Succeeded')) {
        // Indexed: the completion index; one Job per cell: the cell label the Job's pods carry.
        const index = Number(pod.metadata.labels['batch.kubernetes.io/job-completion-index'] ?? pod.metadata.labels['cdk8s-batch.dev/matrix-cell']);
        byIndex[index] = podLogs(ns, pod.metadata.name);
      }
    }
    const matrix = job.matrix;
    expect(Object.keys(byIndex).map(Number).sort((a, b) => a - b)).toEqual([...Array(matrix.cellCount).keys()]);
    for (let i = 0; i < matrix.cellCount; i++) {
      expect({ mode: mode.what, cell: i, out: byIndex[i] }).toEqual({ mode: mode.what, cell: i, out: expectedCell(matrix.cell(i).v, mode.env) });
    }
    outputs[mode.what] = byIndex;
  }
  // The same cell index reads the same file in every mode (the values every mode carries come first).
  for (let i = 0; i < COMMON.length; i++) {
    const files = Object.values(outputs).map((byIndex) => byIndex[i].split('|\n')[0]);
    expect({ cell: i, files }).toEqual({ cell: i, files: [`FILE v=${COMMON[i]}`, `FILE v=${COMMON[i]}`, `FILE v=${COMMON[i]}`] });
  }
  // One Job per cell leaves no ConfigMap behind; the Indexed modes one each, labelled with the workload.
  const configMaps = listObjects('configmaps', ns, 'cdk8s-batch.dev/workload').map((c: any) => c.metadata.labels['cdk8s-batch.dev/workload']).sort();
  expect(configMaps.filter((w: string) => w.startsWith('real-'))).toEqual(['real-envfiles', 'real-files']);
}, 600_000);
