import { Duration, Testing } from 'cdk8s';
import { BatchJob, BatchJobConstructProps, JobOption, PodFailureAction, PodFailureRule } from '../../src';
import { warningsOf } from '../../src/warnings';
import { validateManifest } from '../support/kube-schema';

function batchJob(props: Partial<BatchJobConstructProps> = {}, name = 'job'): any {
  const chart = Testing.chart();
  new BatchJob(chart, 'bj', {
    metadata: { name },
    containers: [{ name: 'main', image: 'registry.example/app:1.0', args: ['run'] }],
    ...props,
  });
  const objects = validateManifest(Testing.synth(chart));
  const jobs = objects.filter((o) => o.kind === 'Job');
  expect(jobs).toHaveLength(1);
  return jobs[0];
}

describe('BatchJob', () => {
  test('defaults: one completion, one pod at a time, three attempts, restartPolicy Never, NonIndexed', () => {
    const job = batchJob();
    expect(job.spec).toMatchObject({ completions: 1, parallelism: 1, backoffLimit: 2 });
    expect(job.spec.completionMode).toBeUndefined();
    expect(job.spec.suspend).toBeUndefined();
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.metadata.labels).toEqual({ 'cdk8s-batch.dev/kind': 'BatchJob', 'cdk8s-batch.dev/workload': 'job' });
    expect(job.spec.template.metadata.labels).toEqual({ 'cdk8s-batch.dev/workload': 'job' });
    expect(job.spec.template.spec.containers[0].securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false });
  });

  test('completions and parallelism (seed 002 normal-job)', () => {
    const job = batchJob({ completions: 6, parallelism: 2 });
    expect(job.spec).toMatchObject({ completions: 6, parallelism: 2 });
  });

  test('work queue: parallelism without completions', () => {
    const chart = Testing.chart();
    const bj = new BatchJob(chart, 'q', { workQueue: true, parallelism: 3, containers: [{ image: 'worker:1' }] });
    const job = Testing.synth(chart)[0];
    expect(job.spec.parallelism).toBe(3);
    expect('completions' in job.spec).toBe(false);
    expect(bj.completions).toBeUndefined();
    expect(bj.parallelism).toBe(3);
  });

  test('the shared Job settings: deadline, TTL, attempts, pod failure rules, pending timeout, config', () => {
    const job = batchJob({
      maxAttempts: 4,
      activeDeadline: Duration.minutes(10),
      ttlAfterFinished: Duration.hours(1),
      pendingTimeout: Duration.minutes(5),
      podFailureRules: [PodFailureRule.onExitCodes({ action: PodFailureAction.FAIL_JOB, exitCodes: [42] })],
      config: { MODE: 'fast' },
    });
    expect(job.spec).toMatchObject({ backoffLimit: 3, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 3600 });
    expect(job.spec.podFailurePolicy.rules[0]).toMatchObject({ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } });
    expect(job.metadata.annotations).toEqual({ 'cdk8s-batch.dev/pending-timeout-seconds': '300' });
    expect(job.spec.template.spec.containers[0].envFrom[0].configMapRef.name).toMatch(/^job-config-[0-9a-f]{10}$/);
  });

  test('options: ${option.*} and ${workload.*} substituted at synth, with optionValues over defaults', () => {
    const options = [JobOption.string({ name: 'who', default: 'world' }), JobOption.int({ name: 'n', default: 1 })];
    const args = ['hello ${option.who} ${option.n} from ${workload.name}', '$${NUMBER}'];
    const plain = batchJob({ options, containers: [{ name: 'main', image: 'x:1', args }] });
    expect(plain.spec.template.spec.containers[0].args).toEqual(['hello world 1 from job', '${NUMBER}']);
    const valued = batchJob({ options, optionValues: { who: 'Alice' }, containers: [{ name: 'main', image: 'x:1', args }] });
    expect(valued.spec.template.spec.containers[0].args).toEqual(['hello Alice 1 from job', '${NUMBER}']);
  });

  test('the pending timeout warns at synth without a BatchController', () => {
    const chart = Testing.chart();
    const emitted = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const bj = new BatchJob(chart, 'bj', { pendingTimeout: Duration.minutes(1), containers: [{ image: 'x:1' }] });
      Testing.synth(chart);
      expect(warningsOf(bj)).toEqual([expect.stringMatching(/^pendingTimeout is carried out by the cdk8s-batch companion controller/)]);
    } finally {
      emitted.mockRestore();
    }
  });
});

describe('BatchJob: bad input', () => {
  const base = { containers: [{ image: 'x:1' }] };
  test.each([
    [{ completions: 0 }, 'test/bj: completions: must be a whole number from 1 to 1000000 (got "0"). Use e.g. completions: 2.'],
    [{ parallelism: 1.5 }, 'test/bj: parallelism: must be a whole number from 1 to 1000000 (got "1.5"). Use e.g. parallelism: 2.'],
    [{ workQueue: true, completions: 4 }, 'test/bj: completions: cannot be combined with workQueue (a work queue Job is complete when its workers have drained the queue, not after a count) (got "4"). Remove completions for a work queue, or remove workQueue for a fixed number of completions.'],
    [{ podFailureRules: [PodFailureRule.onExitCodes({ action: PodFailureAction.FAIL_INDEX, exitCodes: [1] })] }, 'test/bj: podFailureRules: needs per-cell retries, which only matrix workloads have (got "FailIndex"). Use PodFailureAction.FAIL_JOB, or give the workload a matrix.'],
  ])('%j', (props, message) => {
    expect(() => new BatchJob(Testing.chart(), 'bj', { ...base, ...props })).toThrow(message);
  });

  test('a name longer than 63 characters', () => {
    expect(() => new BatchJob(Testing.chart(), 'bj', { ...base, metadata: { name: 'a'.repeat(64) } }))
      .toThrow(/test\/bj: metadata\.name: .*63/);
  });

  test('an unknown option value', () => {
    expect(() => new BatchJob(Testing.chart(), 'bj', {
      ...base, options: [JobOption.string({ name: 'who', default: 'x' })], optionValues: { wh0: 'y' },
    })).toThrow(/test\/bj: optionValues: a value is not valid:\n {2}option "wh0": is not a defined option/);
  });
});
