/**
 * Each matrix delivery mode emits objects a real kube-apiserver accepts (server-side
 * dry-run, strict field validation) in a namespace that enforces Pod Security `restricted`,
 * with values holding spaces, `#`, `=`, `$` and unicode (and, for files only, quotes and line
 * breaks). Files only emits no `fileKeyRef`, the field a server without EnvFiles rejects.
 */
import { Chart, Testing } from 'cdk8s';
import { KubernetesVersion, Matrix, MatrixDelivery, ParallelMatrixJob } from '../../src';
import { applyServerDryRun, createNamespace, deleteNamespace } from './support/rig';

const RESTRICTED = { 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted' };
const PLAIN = ['a b', '#x=1', '$HOME $(X) ${y}', 'grüße ✓'];

function synth(delivery: MatrixDelivery, values: string[], target: KubernetesVersion): any[] {
  const app = Testing.app();
  const chart = new Chart(app, 'c');
  new ParallelMatrixJob(chart, 'm', {
    metadata: { name: `m-${delivery.mode.toLowerCase()}` },
    matrix: Matrix.of({ v: values }),
    matrixDelivery: delivery,
    kubernetesVersion: target,
    containers: [{ name: 'main', image: 'busybox:1.36.1', command: ['cat', '/etc/cdk8s-batch/matrix/v'] }],
  });
  return chart.toJson();
}

let ns: string;
beforeAll(async () => { ns = await createNamespace('e2e-mdeliv', RESTRICTED); });
afterAll(() => deleteNamespace(ns));

test.each([
  ['files only, target 1.33', MatrixDelivery.files(), [...PLAIN, 'it\'s "q"', 'two\nlines'], KubernetesVersion.V1_33],
  ['env files, target 1.35', MatrixDelivery.envFiles(), [...PLAIN, '"q"'], KubernetesVersion.V1_35],
])('%s: the ConfigMap and the Job are admitted', (_what, delivery, values, target) => {
  const objects = synth(delivery, values, target).map((o) => ({ ...o, metadata: { ...o.metadata, namespace: ns } }));
  expect(objects.map((o) => o.kind)).toEqual(['ConfigMap', 'Job']);
  const job = objects[1];
  const usesFileKeyRef = JSON.stringify(job).includes('fileKeyRef');
  expect(usesFileKeyRef).toBe(delivery.mode === 'EnvFiles');
  expect(() => applyServerDryRun(objects, ns)).not.toThrow();
});
