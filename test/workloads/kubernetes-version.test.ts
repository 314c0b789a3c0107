import * as fs from 'fs';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import {
  BatchController, Completion, KubernetesVersion, Matrix, MatrixDelivery, ParallelMatrixJob, PodFailureAction, PodFailureRule,
  Schedule, ScheduledBatch,
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

const ENV_1_33 = 'matrixDelivery: matrix environment variables from env files (MatrixDelivery.envFiles()) needs Kubernetes 1.35 ' +
  '(`env[].valueFrom.fileKeyRef` (EnvFiles)); the target is 1.33 (context "cdk8s-batch.dev/kubernetes-version" or kubernetesVersion): ' +
  'use matrixDelivery: MatrixDelivery.files() (the default on 1.33 and 1.34: read the cell from /etc/cdk8s-batch/matrix/<key>) or ' +
  'MatrixDelivery.jobPerCell() (MATRIX_<KEY> and ${matrix.KEY} as literal values, any version), or raise the target.';

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
      'Read the value from /etc/cdk8s-batch/matrix/<key> in the container, or use matrixDelivery: MatrixDelivery.envFiles() (Kubernetes 1.35 or later) ' +
      'or MatrixDelivery.jobPerCell() (any version).');
  });

  test('on 1.31 a ScheduledBatch with a matrix fails: its Indexed Job needs 1.33, and one Job per cell is not for a CronJob', () => {
    const chart = Testing.chart();
    chart.node.setContext(KubernetesVersion.CONTEXT_KEY, '1.31');
    new ScheduledBatch(chart, 'nightly', { schedule: Schedule.daily(), matrix: Matrix.count(2), containers: [main] });
    expect(errorOf(() => Testing.synth(chart))).toContain('[test/nightly] matrixDelivery: a matrix as one Indexed Job (MatrixDelivery.files(), MatrixDelivery.envFiles()) ' +
      'needs Kubernetes 1.33 (Job `backoffLimitPerIndex`); the target is 1.31 (context "cdk8s-batch.dev/kubernetes-version" or kubernetesVersion): ' +
      'use matrixDelivery: MatrixDelivery.jobPerCell() (a ParallelMatrixJob\'s default below 1.33: one Job per cell, retried with backoffLimit), ' +
      'or raise the target; a ScheduledBatch with a matrix needs 1.33.');
    const other = Testing.chart();
    expect(errorOf(() => new ScheduledBatch(other, 'nightly', {
      schedule: Schedule.daily(), matrix: Matrix.count(2), containers: [main], matrixDelivery: MatrixDelivery.jobPerCell(),
    }))).toBe('test/nightly: matrixDelivery: is for a ParallelMatrixJob: a ScheduledBatch\'s CronJob creates one Job per run (got "MatrixDelivery.jobPerCell()"). ' +
      'Use MatrixDelivery.files() or MatrixDelivery.envFiles() (one Indexed Job per run, Kubernetes 1.33 or later), or one ParallelMatrixJob with MatrixDelivery.jobPerCell().');
  });

  test('a ParallelMatrixJob picks its delivery from the target: 1.29 one Job per cell, 1.33 files, 1.35 env files', () => {
    const kinds = (version: string) => {
      const chart = Testing.chart();
      chart.node.setContext(KubernetesVersion.CONTEXT_KEY, version);
      new ParallelMatrixJob(chart, 'm', { metadata: { name: 'm' }, matrix: Matrix.count(3), containers: [main] });
      return Testing.synth(chart).map((o) => `${o.kind}/${o.spec?.completionMode ?? '-'}/${o.spec?.template?.spec?.initContainers?.length ?? 0}`);
    };
    expect(kinds('1.29')).toEqual(['Job/-/0', 'Job/-/0', 'Job/-/0']);
    expect(kinds('1.33')).toEqual(['ConfigMap/-/0', 'Job/Indexed/0']);
    expect(kinds('1.35')).toEqual(['ConfigMap/-/0', 'Job/Indexed/1']);
  });

  test.each([
    ['Completion.anySuccessful()', Completion.anySuccessful(), 'completion: Completion.anySuccessful() needs Kubernetes 1.33 (Job `successPolicy` (one Indexed Job)); ' +
      'the target is 1.29 (context "cdk8s-batch.dev/kubernetes-version" or kubernetesVersion): ' +
      'use completion: Completion.allSuccessful({ failFast: false }) and let the program of each cell decide, or raise the target.'],
    ['Completion.allSuccessful()', Completion.allSuccessful(), 'completion: Completion.allSuccessful() with fail-fast needs Kubernetes 1.33 (Job `maxFailedIndexes` (one Indexed Job)); ' +
      'the target is 1.29 (context "cdk8s-batch.dev/kubernetes-version" or kubernetesVersion): ' +
      'use completion: Completion.allSuccessful({ failFast: false }) (every cell runs to its end), or raise the target.'],
  ])('on 1.29, %s fails at synth with the construct path, the field, the version and the fix', (_what, completion, expected) => {
    const chart = Testing.chart();
    chart.node.setContext(KubernetesVersion.CONTEXT_KEY, '1.29');
    new ParallelMatrixJob(chart, 'm', { metadata: { name: 'm' }, matrix: Matrix.count(2), containers: [main], completion });
    expect(errorOf(() => Testing.synth(chart))).toContain(`[test/m] ${expected}`);
    const ok = Testing.chart();
    ok.node.setContext(KubernetesVersion.CONTEXT_KEY, '1.29');
    new ParallelMatrixJob(ok, 'm', { metadata: { name: 'm' }, matrix: Matrix.count(2), containers: [main], completion: Completion.allSuccessful({ failFast: false }) });
    expect(Testing.synth(ok).map((o) => o.spec.backoffLimit)).toEqual([2, 2]);
  });

  test('on 1.29 an Indexed delivery chosen explicitly fails naming matrixDelivery', () => {
    const chart = Testing.chart();
    chart.node.setContext(KubernetesVersion.CONTEXT_KEY, '1.29');
    new ParallelMatrixJob(chart, 'm', { metadata: { name: 'm' }, matrix: Matrix.count(2), containers: [main], matrixDelivery: MatrixDelivery.files() });
    expect(errorOf(() => Testing.synth(chart))).toContain('[test/m] matrixDelivery: a matrix as one Indexed Job (MatrixDelivery.files(), MatrixDelivery.envFiles()) needs Kubernetes 1.33');
  });

  test('with one Job per cell on a 1.33+ target, fail-fast or any-successful completion fails at construction with the fix', () => {
    expect(errorOf(() => new ParallelMatrixJob(Testing.chart(), 'm', {
      matrix: Matrix.count(2), containers: [main], matrixDelivery: MatrixDelivery.jobPerCell(), completion: Completion.anySuccessful(),
    }))).toBe('test/m: completion: needs one Indexed Job (successPolicy), and MatrixDelivery.jobPerCell() runs one Job per cell, each to its end ' +
      '(got "Completion.anySuccessful()"). Use completion: Completion.allSuccessful({ failFast: false }), or matrixDelivery: MatrixDelivery.files() or MatrixDelivery.envFiles().');
  });

  test('the BatchController\'s admission policies need 1.30: an error with the fix, or admissionPolicies: false', () => {
    const chart = Testing.chart();
    chart.node.setContext(KubernetesVersion.CONTEXT_KEY, '1.29');
    new BatchController(chart, 'controller');
    expect(errorOf(() => Testing.synth(chart))).toContain('[test/controller] admissionPolicies: BatchController admission policies needs Kubernetes 1.30 ' +
      '(`ValidatingAdmissionPolicy` and its bindings (admissionregistration.k8s.io/v1)); the target is 1.29 (context "cdk8s-batch.dev/kubernetes-version" or kubernetesVersion): ' +
      'set admissionPolicies: false and let only those who may create Jobs create JobTemplates and JobRuns ' +
      '(without the policies the controller runs any JobTemplate\'s pod for whoever may create a JobRun), or raise the target.');
    const off = Testing.chart();
    off.node.setContext(KubernetesVersion.CONTEXT_KEY, '1.29');
    new BatchController(off, 'controller', { admissionPolicies: false });
    expect(Testing.synth(off).filter((o) => o.kind.startsWith('ValidatingAdmissionPolicy'))).toEqual([]);
    const own = Testing.chart();
    own.node.setContext(KubernetesVersion.CONTEXT_KEY, '1.29');
    new BatchController(own, 'controller', { kubernetesVersion: KubernetesVersion.V1_30 });
    expect(Testing.synth(own).filter((o) => o.kind === 'ValidatingAdmissionPolicy').map((o) => o.metadata.name)).toEqual([
      'cdk8s-batch-requester-rights', 'cdk8s-batch-replace-jobtemplate', 'cdk8s-batch-replace-cronjob',
      'cdk8s-batch-replace-job', 'cdk8s-batch-kill-at',
    ]);
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
