import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  BatchController, BatchJob, KubernetesVersion, Matrix, ParallelMatrixJob, ParameterizedJob, RunKind, Schedule, ScheduledBatch,
} from '../../src';
import { warningsOf } from '../../src/warnings';
import { validateManifest } from '../support/kube-schema';

const containers = [{ name: 'main', image: 'registry.example/app:1.0', args: ['run'] }];

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('did not throw');
}

describe('retryDelay: what the constructs emit', () => {
  test('BatchJob: every pod starts behind the retry-delay gate and carries the delay; maxAttempts stays backoffLimit + 1', () => {
    const chart = Testing.chart();
    new BatchJob(chart, 'bj', { metadata: { name: 'flaky' }, containers, maxAttempts: 3, retryDelay: Duration.seconds(30) });
    const [job] = validateManifest(Testing.synth(chart)).filter((o) => o.kind === 'Job');
    expect(job.spec.backoffLimit).toBe(2);
    expect(job.spec.template.spec.schedulingGates).toEqual([{ name: 'cdk8s-batch.dev/retry-delay' }]);
    expect(job.spec.template.metadata.annotations).toEqual({ 'cdk8s-batch.dev/retry-delay-seconds': '30' });
    // Pod Security restricted still holds: a gate does not touch it.
    expect(job.spec.template.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(job.spec.template.spec.containers[0].securityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    // The Job itself carries nothing new: the pod holds what the controller reads.
    expect(job.metadata.annotations).toBeUndefined();
  });

  test('without retryDelay nothing changes: no gate, no annotation', () => {
    const chart = Testing.chart();
    new BatchJob(chart, 'bj', { metadata: { name: 'plain' }, containers });
    const [job] = Testing.synth(chart);
    expect(job.spec.template.spec.schedulingGates).toBeUndefined();
    expect(job.spec.template.metadata.annotations).toBeUndefined();
  });

  test('ScheduledBatch (CronJob template and JobTemplate), ParameterizedJob runs and a ParallelMatrixJob all carry it', () => {
    const chart = Testing.chart();
    new BatchController(chart, 'controller');
    new ScheduledBatch(chart, 'sb', { metadata: { name: 'nightly' }, schedule: Schedule.daily(), containers, retryDelay: Duration.minutes(2) });
    const pj = new ParameterizedJob(chart, 'pj', { metadata: { name: 'adhoc' }, containers, retryDelay: Duration.seconds(5) });
    pj.addRun('run', { kind: RunKind.JOB, name: 'adhoc-1' });
    new ParallelMatrixJob(chart, 'pm', { metadata: { name: 'cells' }, matrix: Matrix.count(3), containers, retryDelay: Duration.seconds(7) });
    const objects = validateManifest(Testing.synth(chart));
    const templates = [
      objects.find((o) => o.kind === 'CronJob').spec.jobTemplate.spec.template,
      ...objects.filter((o) => o.kind === 'JobTemplate').map((o) => o.spec.template.spec.template),
      ...objects.filter((o) => o.kind === 'Job').map((o) => o.spec.template),
    ];
    expect(templates).toHaveLength(4);
    for (const t of templates) {
      expect(t.spec.schedulingGates).toEqual([{ name: 'cdk8s-batch.dev/retry-delay' }]);
    }
    expect(templates.map((t) => t.metadata.annotations['cdk8s-batch.dev/retry-delay-seconds'])).toEqual(['120', '5', '5', '7']);
    // One Indexed Job over the matrix: the controller keeps the delay per index.
    const matrixJob = objects.find((o) => o.kind === 'Job' && o.metadata.name === 'cells');
    expect(matrixJob.spec.completionMode).toBe('Indexed');
  });

  test('synthesizes the same bytes twice', () => {
    const build = () => {
      const app = Testing.app();
      const chart = new Chart(app, 'c');
      new BatchJob(chart, 'bj', { metadata: { name: 'flaky' }, containers, retryDelay: Duration.seconds(30) });
      return app.synthYaml();
    };
    expect(build()).toBe(build());
  });

  test('warns at synth without a BatchController, not with one', () => {
    const emitted = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const chart = Testing.chart();
      const bj = new BatchJob(chart, 'bj', { containers, retryDelay: Duration.seconds(10) });
      Testing.synth(chart);
      expect(warningsOf(bj)).toEqual([
        'retryDelay is carried out by the cdk8s-batch companion controller, and this app has no BatchController. ' +
        'Add a BatchController to the app, or set the context "cdk8s-batch.dev/controller": "external" if it is installed elsewhere.',
      ]);
      const withController = Testing.chart();
      new BatchController(withController, 'controller');
      const quiet = new BatchJob(withController, 'bj', { containers, retryDelay: Duration.seconds(10) });
      Testing.synth(withController);
      expect(warningsOf(quiet)).toEqual([]);
    } finally {
      emitted.mockRestore();
    }
  });

  test('needs Kubernetes 1.30 (pod scheduling gates)', () => {
    const chart = Testing.chart();
    new BatchJob(chart, 'bj', { containers, retryDelay: Duration.seconds(10), kubernetesVersion: KubernetesVersion.V1_29 });
    expect(errorOf(() => Testing.synth(chart))).toContain(
      'retryDelay needs Kubernetes 1.30 (pod `schedulingGates` (the controller holds each retry behind a gate)); the target is 1.29 ' +
      '(context "cdk8s-batch.dev/kubernetes-version" or kubernetesVersion): remove retryDelay (Kubernetes\' own back-off of 10 s, ' +
      'doubling up to 6 min, still spaces the retries), or raise the target.');
    const ok = Testing.chart();
    new BatchJob(ok, 'bj', { containers, retryDelay: Duration.seconds(10), kubernetesVersion: KubernetesVersion.V1_30 });
    expect(() => Testing.synth(ok)).not.toThrow();
  });
});

describe('retryDelay: bad input, with the path, the field, the value and the fix', () => {
  test.each([
    ['zero', { retryDelay: Duration.seconds(0) },
      'test/bj: retryDelay: must be a whole number of seconds, at least 1 (got "0 seconds"). Use e.g. Duration.minutes(5).'],
    ['a fraction of a second', { retryDelay: Duration.millis(1500) },
      'test/bj: retryDelay: must be a whole number of seconds, at least 1 (got "1.5 seconds"). Use e.g. Duration.minutes(5).'],
    ['more than a week', { retryDelay: Duration.days(8) },
      'test/bj: retryDelay: must be at most 604800 seconds (got "691200 seconds"). Use e.g. Duration.minutes(5); at most Duration.seconds(604800).'],
    ['restartPolicy OnFailure', { retryDelay: Duration.seconds(30), restartPolicy: kplus.RestartPolicy.ON_FAILURE },
      'test/bj: retryDelay: cannot be kept: with OnFailure the kubelet restarts the container inside the same pod (with its own back-off), ' +
      'so there is no new pod to hold back (got "30 seconds with restartPolicy OnFailure"). ' +
      'Remove restartPolicy (it defaults to Never: a new pod per attempt) or remove retryDelay.'],
  ])('%s', (_name, props, message) => {
    expect(errorOf(() => new BatchJob(Testing.chart(), 'bj', { containers, ...props }))).toBe(message);
  });
});
