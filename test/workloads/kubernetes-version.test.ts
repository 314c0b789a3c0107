import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import {
  KubernetesVersion, Matrix, MatrixDelivery, ParallelMatrixJob, PodFailureAction, PodFailureRule, Schedule, ScheduledBatch,
} from '../../src';
import { kubernetesFeatureTable } from '../../src/kube/kubernetes-version';

const main = { name: 'main', image: 'registry.example/app:1.0' };
const failFast = [PodFailureRule.onExitCodes({ action: PodFailureAction.FAIL_JOB, exitCodes: [42] })];

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

const ENV_1_33 = 'matrix environment variables (`MATRIX_<KEY>`, `${matrix.KEY}` in command, args, env) needs Kubernetes 1.35 ' +
  '(`env[].valueFrom.fileKeyRef` (EnvFiles)); the target is 1.33 (context "cdk8s-batch.dev/kubernetes-version" or kubernetesVersion): ' +
  'use matrixDelivery: MatrixDelivery.files() (the default below 1.35) and read the cell from /etc/cdk8s-batch/matrix/<key>, or raise the target.';

describe('target Kubernetes version', () => {
  test('KubernetesVersion.of reads "1.<minor>" and rejects the rest with the fix', () => {
    expect(KubernetesVersion.of('1.31').toString()).toBe('1.31');
    expect(KubernetesVersion.of('v1.33.4').minor).toBe(33);
    // A bad version is kept until used, so that the workload it is passed to names its path.
    expect(errorOf(() => KubernetesVersion.of('131').minor)).toBe('kubernetesVersion: is not a Kubernetes version (got "131"). Write it as "1.<minor>", e.g. "1.31".');
    expect(errorOf(() => KubernetesVersion.of('1.26').toString())).toBe(
      'kubernetesVersion: is older than Kubernetes 1.27, the oldest cdk8s-batch supports (cdk8s-plus-27\'s) (got "1.26"). Target 1.27 or later.');
    const chart = Testing.chart();
    expect(errorOf(() => new ScheduledBatch(chart, 'nightly', { schedule: Schedule.daily(), containers: [main], kubernetesVersion: KubernetesVersion.of('131') })))
      .toBe('test/nightly: kubernetesVersion: is not a Kubernetes version (got "131"). Write it as "1.<minor>", e.g. "1.31".');
  });

  test('the default is 1.35, where every feature is available', () => {
    expect(KubernetesVersion.DEFAULT.toString()).toBe('1.35');
    const chart = Testing.chart();
    new ParallelMatrixJob(chart, 'm', { matrix: Matrix.count(2), containers: [main], podFailureRules: failFast });
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('on a 1.33 target (context of the app) a matrix Job delivers the cells as files only', () => {
    const app = Testing.app();
    app.node.setContext('cdk8s-batch.dev/kubernetes-version', '1.33');
    const chart = new Chart(app, 'c');
    new ParallelMatrixJob(chart, 'm', {
      metadata: { name: 'm' }, matrix: Matrix.of({ msg: ['it\'s', 'two\nlines'] }), containers: [{ ...main, name: 'main' }],
    });
    const [configMap, job] = Testing.synth(chart);
    expect(configMap.data).toEqual({ '0.msg': 'it\'s', '1.msg': 'two\nlines' });
    const spec = job.spec.template.spec;
    expect(spec.initContainers).toBeUndefined();
    expect(spec.containers[0].env).toBeUndefined();
    expect(spec.containers[0].volumeMounts).toEqual([
      { name: 'cdk8s-batch-matrix', mountPath: '/etc/cdk8s-batch/matrix/msg', subPathExpr: '$(JOB_COMPLETION_INDEX).msg', readOnly: true },
    ]);
    expect(spec.volumes).toEqual([{ name: 'cdk8s-batch-matrix', configMap: { name: configMap.metadata.name } }]);
    expect(job.spec.backoffLimitPerIndex).toBe(2);
  });

  test('on 1.33, MatrixDelivery.envFiles() fails naming the feature, the version and the alternative', () => {
    const app = Testing.app();
    app.node.setContext('cdk8s-batch.dev/kubernetes-version', '1.33');
    const chart = new Chart(app, 'c');
    new ParallelMatrixJob(chart, 'm', { metadata: { name: 'm' }, matrix: Matrix.count(2), containers: [main], matrixDelivery: MatrixDelivery.envFiles() });
    const message = errorOf(() => Testing.synth(chart));
    expect(message).toContain(`[c/m] ${ENV_1_33}`);
    expect(message).not.toContain('backoffLimitPerIndex');
  });

  test('with files only, ${matrix.KEY} in args fails with the field and the fix', () => {
    const chart = Testing.chart();
    new ParallelMatrixJob(chart, 'm', {
      metadata: { name: 'm' },
      matrix: Matrix.keys(['a', 'b']),
      matrixDelivery: MatrixDelivery.files(),
      containers: [{ ...main, args: ['--key', '${matrix.key}'] }],
    });
    expect(errorOf(() => Testing.synth(chart))).toContain(
      'spec.template.spec.containers[0].args[1]: refers to the matrix, and MatrixDelivery.files() delivers the cell only as files (got "${matrix.key}"). ' +
      'Read the value from /etc/cdk8s-batch/matrix/<key> in the container, or use matrixDelivery: MatrixDelivery.envFiles() (Kubernetes 1.35 or later).');
  });

  test('on 1.31 the per-cell retries are named too', () => {
    const chart = Testing.chart();
    chart.node.setContext(KubernetesVersion.CONTEXT_KEY, '1.31');
    new ScheduledBatch(chart, 'nightly', { schedule: Schedule.daily(), matrix: Matrix.count(2), containers: [main] });
    const message = errorOf(() => Testing.synth(chart));
    expect(message).toContain('matrix Jobs (retries per cell, Completion) needs Kubernetes 1.33 ' +
      '(Job `backoffLimitPerIndex`, `maxFailedIndexes`, `successPolicy`); the target is 1.31');
  });

  test('podFailureRules need 1.31; the prop overrides the context', () => {
    const chart = Testing.chart();
    chart.node.setContext(KubernetesVersion.CONTEXT_KEY, '1.35');
    new ScheduledBatch(chart, 'x', {
      schedule: Schedule.daily(), containers: [main], podFailureRules: failFast, kubernetesVersion: KubernetesVersion.V1_29,
    });
    expect(errorOf(() => Testing.synth(chart))).toContain(
      'podFailureRules needs Kubernetes 1.31 (Job `podFailurePolicy`); the target is 1.29 (context "cdk8s-batch.dev/kubernetes-version" or kubernetesVersion): ' +
      'remove podFailureRules (every failed pod then counts against maxAttempts), or raise the target.');
  });

  test('a workload without version-dependent features synthesizes on 1.27', () => {
    const chart = Testing.chart();
    chart.node.setContext(KubernetesVersion.CONTEXT_KEY, '1.27');
    new ScheduledBatch(chart, 'x', { schedule: Schedule.daily(), containers: [main] });
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test('a bad context value names the context key', () => {
    const chart = Testing.chart();
    chart.node.setContext(KubernetesVersion.CONTEXT_KEY, 'latest');
    new ScheduledBatch(chart, 'x', { schedule: Schedule.daily(), containers: [main] });
    expect(errorOf(() => Testing.synth(chart))).toContain(
      'context "cdk8s-batch.dev/kubernetes-version": is not a Kubernetes version (got "latest"). Write it as "1.<minor>", e.g. "1.31".');
  });

  test('docs/kubernetes-versions.md holds the table the checks use', () => {
    const doc = fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'kubernetes-versions.md'), 'utf8');
    expect(doc).toContain(`${kubernetesFeatureTable()}\n`);
  });
});
