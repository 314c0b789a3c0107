import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { parse } from 'yaml';
import { runCliAsync } from './cli-async';
import { runCli } from './run-cli-subprocess';
import { ANNOTATION_KILL_AT, ANNOTATION_KILL_REQUESTED_BY, ANNOTATION_KILLED_AT, ANNOTATION_KILLED_BY } from '../../../src/contract/keys';
import { FakeApi } from '../support/fake-api';
import { FakeClock } from '../support/fake-clock';
import { FAKE_USER, serveFakeApi, ServedApi } from '../support/http-api';
import { Job, JOB_RUNS, JobRun, JOBS } from '../../src/kube/types';

const NOW = { CDK8S_BATCH_NOW: '2026-12-01T09:30:00Z' };

describe('cdk8s-batch run --at / --in', () => {
  test('--at writes spec.startAfter in UTC', () => {
    const r = runCli(['run', 'greet', '-f', 'runs', '--dry-run', '--no-prompt', '--name', 'eve', '--at', '2026-12-24T22:00:00+09:00'], { env: NOW });
    assert.equal(r.stderr, '');
    assert.equal(parse(r.stdout).spec.startAfter, '2026-12-24T13:00:00Z');
  });

  test('--in adds the delay to now', () => {
    const r = runCli(['run', 'greet', '-f', 'runs', '--dry-run', '--no-prompt', '--name', 'later', '--in', '2h30m'], { env: NOW });
    assert.equal(r.stderr, '');
    assert.equal(parse(r.stdout).spec.startAfter, '2026-12-01T12:00:00Z');
  });

  test('a time in the past is accepted (the run starts at once)', () => {
    const r = runCli(['run', 'greet', '-f', 'runs', '--dry-run', '--no-prompt', '--name', 'past', '--at', '2020-01-01T00:00:00Z'], { env: NOW });
    assert.equal(parse(r.stdout).spec.startAfter, '2020-01-01T00:00:00Z');
  });

  const bad: Array<[string[], string]> = [
    [['--in', '2 hours'], 'error: --in: is not a delay (got "2 hours"). Write whole numbers with units d, h, m, s in that order, e.g. 2h, 1h30m or 90s.\n'],
    [['--in', '4000d'], 'error: --in: is more than ten years (got "4000d"). Write a shorter delay, or a time with --at.\n'],
    [['--at', 'tomorrow'], 'error: --at: is not an RFC 3339 time with a zone offset (got "tomorrow"). Write e.g. 2026-03-07T12:00:00Z or 2026-03-07T13:00:00+01:00.\n'],
    [['--at', '2026-12-24T22:00:00Z', '--in', '2h'], 'error: --at and --in: give one of them (got --at "2026-12-24T22:00:00Z" and --in "2h"). Use --at for a time, --in for a delay from now.\n'],
  ];
  for (const [flags, message] of bad) {
    test(`rejects ${flags.join(' ')} with exit 2`, () => {
      const r = runCli(['run', 'greet', '-f', 'runs', '--dry-run', '--no-prompt', ...flags], { env: NOW });
      assert.equal(r.stderr, message);
      assert.equal(r.code, 2);
    });
  }
});

describe('cdk8s-batch kill', () => {
  let served: ServedApi | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
  });

  function runningJob(name: string, startTime: string, extra: Partial<Job['spec']> = {}): Job {
    return {
      apiVersion: 'batch/v1', kind: 'Job',
      metadata: { name, namespace: 'batch', labels: { 'cdk8s-batch.dev/workload': 'nightly' } },
      spec: { suspend: false, ...extra }, status: { startTime, active: 1 },
    } as Job;
  }

  test('a running Job: activeDeadlineSeconds = the seconds it has run, the kill recorded', async () => {
    const api = new FakeApi(new FakeClock('2026-12-01T09:30:00Z'));
    api.seed(JOBS, runningJob('nightly-1', '2026-12-01T09:25:00Z'));
    served = await serveFakeApi(api, 'batch');
    const r = await runCliAsync(['kill', 'nightly-1', '--kubeconfig', served.kubeconfig], { env: NOW });
    assert.equal(r.code, 0, r.stderr);
    const job = api.object<Job>(JOBS, 'batch', 'nightly-1')!;
    assert.equal((job.spec as any).activeDeadlineSeconds, 300);
    assert.equal(job.metadata.annotations?.[ANNOTATION_KILLED_AT], '2026-12-01T09:30:00Z');
    assert.equal(job.metadata.annotations?.[ANNOTATION_KILLED_BY], FAKE_USER);
    assert.match(r.stdout, /^run batch\/nightly-1 killed by fake-user@example\.com\. Job nightly-1: activeDeadlineSeconds set to 300; the Job controller fails it with DeadlineExceeded and stops its pods\.\n/);
  });

  test('a Job with a shorter deadline keeps it', async () => {
    const api = new FakeApi(new FakeClock('2026-12-01T09:30:00Z'));
    api.seed(JOBS, runningJob('short', '2026-12-01T09:25:00Z', { activeDeadlineSeconds: 120 } as any));
    served = await serveFakeApi(api, 'batch');
    const r = await runCliAsync(['kill', 'short', '--kubeconfig', served.kubeconfig], { env: NOW });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((api.object<Job>(JOBS, 'batch', 'short')!.spec as any).activeDeadlineSeconds, 120);
  });

  test('a queued Job is deleted and its JobRun marked', async () => {
    const api = new FakeApi(new FakeClock('2026-12-01T09:30:00Z'));
    api.seed(JOBS, { ...runningJob('q', '2026-12-01T09:25:00Z', { suspend: true }), status: {} } as Job);
    api.seed(JOB_RUNS, { apiVersion: 'cdk8s-batch.dev/v1alpha1', kind: 'JobRun', metadata: { name: 'q', namespace: 'batch' },
      spec: { templateRef: { name: 'nightly' } }, status: { phase: 'Queued', jobName: 'q' } } as JobRun);
    served = await serveFakeApi(api, 'batch');
    const r = await runCliAsync(['kill', 'q', '--kubeconfig', served.kubeconfig], { env: NOW });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(api.object(JOBS, 'batch', 'q'), undefined);
    assert.equal(api.object<JobRun>(JOB_RUNS, 'batch', 'q')!.metadata.annotations?.[ANNOTATION_KILLED_AT], '2026-12-01T09:30:00Z');
    assert.match(r.stdout, /Job q was queued \(suspended, no pods\): deleted \(propagation Background\)\./);
  });

  test('a finished Job or an unknown run: exit 1 saying so', async () => {
    const api = new FakeApi(new FakeClock('2026-12-01T09:30:00Z'));
    const done = runningJob('done', '2026-12-01T09:25:00Z');
    (done.status as any).conditions = [{ type: 'Complete', status: 'True' }];
    api.seed(JOBS, done);
    served = await serveFakeApi(api, 'batch');
    const finished = await runCliAsync(['kill', 'done', '--kubeconfig', served.kubeconfig], { env: NOW });
    assert.equal(finished.code, 1);
    assert.equal(finished.stderr, 'error: Job batch/done has finished already: nothing to kill.\n');
    const unknown = await runCliAsync(['kill', 'nope', '--kubeconfig', served.kubeconfig], { env: NOW });
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, 'error: no JobRun or Job named "nope" in namespace batch. List the runs with: cdk8s-batch get WORKLOAD -n batch\n');
  });

  test('--at asks the controller: kill-at and kill-requested-by (the authenticated user) on the Job, nothing killed now', async () => {
    const api = new FakeApi(new FakeClock('2026-12-01T09:30:00Z'));
    api.seed(JOBS, runningJob('nightly-1', '2026-12-01T09:25:00Z'));
    served = await serveFakeApi(api, 'batch');
    const r = await runCliAsync(['kill', 'nightly-1', '--at', '2026-12-01T20:00:00+09:00', '--kubeconfig', served.kubeconfig], { env: NOW });
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'run batch/nightly-1 will be killed at 2026-12-01T11:00:00Z, as fake-user@example.com asked: the companion controller '
      + 'kills Job nightly-1 then (a running Job fails with DeadlineExceeded, a queued one is deleted) and records it in a Killed Event.\n');
    const job = api.object<Job>(JOBS, 'batch', 'nightly-1')!;
    assert.equal(job.metadata.annotations?.[ANNOTATION_KILL_AT], '2026-12-01T11:00:00Z');
    assert.equal(job.metadata.annotations?.[ANNOTATION_KILL_REQUESTED_BY], FAKE_USER);
    assert.equal(job.metadata.annotations?.[ANNOTATION_KILLED_AT], undefined);
    assert.equal((job.spec as any).activeDeadlineSeconds, undefined);
    // get and status show the kill to come.
    const status = await runCliAsync(['status', 'nightly-1', '--kubeconfig', served.kubeconfig], { env: NOW });
    assert.match(status.stdout, /\nKill at: +2026-12-01T11:00:00Z \(asked by fake-user@example\.com; the controller kills the run then\)\n/);
    const get = await runCliAsync(['get', 'nightly', '--kubeconfig', served.kubeconfig], { env: NOW });
    assert.match(get.stdout, /\nnightly-1 +other +Running \(kill at 2026-12-01T11:00:00Z\) +2026-12-01T09:25:00Z/);
  });

  test('--in adds the delay to now; a time in the past says the kill is at once', async () => {
    const api = new FakeApi(new FakeClock('2026-12-01T09:30:00Z'));
    api.seed(JOBS, runningJob('a', '2026-12-01T09:25:00Z'));
    api.seed(JOBS, runningJob('b', '2026-12-01T09:25:00Z'));
    served = await serveFakeApi(api, 'batch');
    const later = await runCliAsync(['kill', 'a', '--in', '1h30m', '--kubeconfig', served.kubeconfig], { env: NOW });
    assert.equal(later.code, 0, later.stderr);
    assert.equal(api.object<Job>(JOBS, 'batch', 'a')!.metadata.annotations?.[ANNOTATION_KILL_AT], '2026-12-01T11:00:00Z');
    const past = await runCliAsync(['kill', 'b', '--at', '2020-01-01T00:00:00Z', '--kubeconfig', served.kubeconfig], { env: NOW });
    assert.equal(past.code, 0, past.stderr);
    assert.match(past.stdout, /^run batch\/b will be killed at 2020-01-01T00:00:00Z \(in the past: at once\), as fake-user@example\.com asked/);
  });

  test('--at on a JobRun without a Job yet, or on a finished Job: exit 1 saying so', async () => {
    const api = new FakeApi(new FakeClock('2026-12-01T09:30:00Z'));
    api.seed(JOB_RUNS, { apiVersion: 'cdk8s-batch.dev/v1alpha1', kind: 'JobRun', metadata: { name: 'waiting', namespace: 'batch' },
      spec: { templateRef: { name: 'nightly' } }, status: { phase: 'Queued' } } as JobRun);
    const done = runningJob('done', '2026-12-01T09:25:00Z');
    (done.status as any).conditions = [{ type: 'Failed', status: 'True' }];
    api.seed(JOBS, done);
    served = await serveFakeApi(api, 'batch');
    const waiting = await runCliAsync(['kill', 'waiting', '--in', '1h', '--kubeconfig', served.kubeconfig], { env: NOW });
    assert.equal(waiting.code, 1);
    assert.equal(waiting.stderr, 'error: JobRun batch/waiting has no Job yet (Queued): kill --at acts on a run\'s Job. '
      + 'Kill it now with: cdk8s-batch kill waiting -n batch, or ask again once it has started.\n');
    const finished = await runCliAsync(['kill', 'done', '--in', '1h', '--kubeconfig', served.kubeconfig], { env: NOW });
    assert.equal(finished.code, 1);
    assert.equal(finished.stderr, 'error: Job batch/done has finished already: nothing to kill.\n');
  });

  const badKill: Array<[string[], string]> = [
    [['--in', '2 hours'], 'error: --in: is not a delay (got "2 hours"). Write whole numbers with units d, h, m, s in that order, e.g. 2h, 1h30m or 90s.\n'],
    [['--at', 'tomorrow'], 'error: --at: is not an RFC 3339 time with a zone offset (got "tomorrow"). Write e.g. 2026-03-07T12:00:00Z or 2026-03-07T13:00:00+01:00.\n'],
    [['--at', '2026-12-24T22:00:00Z', '--in', '2h'], 'error: --at and --in: give one of them (got --at "2026-12-24T22:00:00Z" and --in "2h"). Use --at for a time, --in for a delay from now.\n'],
  ];
  for (const [flags, message] of badKill) {
    test(`kill rejects ${flags.join(' ')} with exit 2, before connecting`, () => {
      const r = runCli(['kill', 'nightly-1', '--kubeconfig', '/nonexistent', ...flags], { env: NOW });
      assert.equal(r.stderr, message);
      assert.equal(r.code, 2);
    });
  }
});
