import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ANNOTATION_ADMITTED_AT, ANNOTATION_CONCURRENCY, LABEL_JOB_RUN, LABEL_WORKLOAD } from '../../src/contract/keys';
import { FakeApi } from './support/fake-api';
import { FakeClock } from './support/fake-clock';
import { Harness, startHarness } from './support/harness';
import { cronJob, finish, job, jobRun, jobTemplate, NS } from './support/objects';
import { ApiError } from '../src/kube/api';
import { Condition, CRONJOBS, CronJob, Job, JOB_RUNS, JOB_TEMPLATES, JobRun, JOBS } from '../src/kube/types';

function run(api: FakeApi, name: string): JobRun {
  const obj = api.object<JobRun>(JOB_RUNS, NS, name);
  assert.ok(obj, `JobRun ${name} exists`);
  return obj;
}

function conditionsOf(r: JobRun): Record<string, Pick<Condition, 'status' | 'reason' | 'message'>> {
  return Object.fromEntries((r.status?.conditions ?? []).map((c) => [c.type, { status: c.status, reason: c.reason, message: c.message }]));
}

function createdJobs(api: FakeApi): string[] {
  return api.writes('create', 'jobs').map((c) => c.name!);
}

describe('JobRun', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  async function start(seed: (api: FakeApi) => void): Promise<{ api: FakeApi; clock: FakeClock }> {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    seed(api);
    h = await startHarness({ api, clock });
    return { api, clock };
  }

  test('creates the Job with values validated, rendered and substituted, owned by the JobRun, and follows it to the end', async () => {
    const { api } = await start((a) => {
      a.seed(JOB_TEMPLATES, jobTemplate());
      a.seed(JOB_RUNS, jobRun('greet-alice', { values: { username: '  Alice  ', region: 'amer' } }));
    });
    const created = api.object<Job>(JOBS, NS, 'greet-alice')!;
    const owner = run(api, 'greet-alice');
    assert.deepEqual(created.spec?.template && (created.spec.template as any).spec.containers[0].args,
      ['echo', 'Hello, Alice!', '--region=amer', `--out=/${NS}/greet`]);
    assert.equal(created.spec?.suspend, undefined);
    assert.deepEqual(created.metadata.labels, { [LABEL_WORKLOAD]: 'greet', [LABEL_JOB_RUN]: 'greet-alice' });
    assert.deepEqual((created.spec!.template as any).metadata.labels, { [LABEL_WORKLOAD]: 'greet', [LABEL_JOB_RUN]: 'greet-alice' });
    assert.deepEqual(created.metadata.ownerReferences, [{
      apiVersion: 'cdk8s-batch.dev/v1alpha1', kind: 'JobRun', name: 'greet-alice', uid: owner.metadata.uid, controller: true,
    }]);

    assert.equal(owner.status?.phase, 'Running');
    assert.equal(owner.status?.jobName, 'greet-alice');
    assert.deepEqual(owner.status?.values, { username: 'Alice', region: 'amer', top: '10' });
    assert.deepEqual(conditionsOf(owner), { Accepted: { status: 'True', reason: 'Started', message: 'Created Job greet-alice.' } });
    assert.equal(api.events('JobCreated').length, 1);
    assert.equal(api.events('JobCreated')[0].regarding.kind, 'JobRun');

    api.update<Job>(JOBS, NS, 'greet-alice', (j) => {
      j.status = { startTime: '2026-01-05T09:00:00Z', completionTime: '2026-01-05T09:01:00Z' };
      finish(j);
    });
    await h!.settle();
    const done = run(api, 'greet-alice');
    assert.equal(done.status?.phase, 'Succeeded');
    assert.equal(done.status?.startTime, '2026-01-05T09:00:00Z');
    assert.equal(done.status?.completionTime, '2026-01-05T09:01:00Z');
    assert.deepEqual(conditionsOf(done).Complete, { status: 'True', reason: 'JobComplete', message: 'Job greet-alice completed.' });
    assert.equal(conditionsOf(done).Accepted.status, 'True');
    assert.deepEqual(createdJobs(api), ['greet-alice']);
  });

  test('bad values: Failed with every problem in the condition, an Event, and no Job', async () => {
    const { api } = await start((a) => {
      a.seed(JOB_TEMPLATES, jobTemplate());
      a.seed(JOB_RUNS, jobRun('greet-bad', { values: { region: 'mars', top: '500', colour: 'red' } }));
    });
    const r = run(api, 'greet-bad');
    assert.equal(r.status?.phase, 'Failed');
    const expected = 'option "colour": is not a defined option (got "red"). Use one of the defined options "username", "region", "top" (names are case-sensitive). '
      + 'option "region": must be one of "emea", "amer" (got "mars"). Pick one of the listed values; this option does not allow custom values. '
      + 'option "top": is greater than the maximum 100 (got "500"). Write a number from 1 to 100.';
    assert.deepEqual(conditionsOf(r), {
      Accepted: { status: 'False', reason: 'InvalidValues', message: expected },
      Failed: { status: 'True', reason: 'InvalidValues', message: expected },
    });
    assert.deepEqual(createdJobs(api), []);
    assert.equal(api.events('InvalidValues')[0].type, 'Warning');
    assert.equal(api.events('InvalidValues')[0].note, expected);
  });

  test('Forbid: refuses while a run of the workload is active; of two JobRuns created together only the older starts', async () => {
    const { api } = await start((a) => {
      a.seed(JOB_TEMPLATES, jobTemplate({ policy: 'Forbid' }));
      a.seed(JOB_RUNS, jobRun('second', { created: '2026-01-05T09:00:01Z' }));
      a.seed(JOB_RUNS, jobRun('first', { created: '2026-01-05T09:00:00Z' }));
    });
    assert.deepEqual(createdJobs(api), ['first']);
    assert.equal(run(api, 'first').status?.phase, 'Running');
    const refused = run(api, 'second');
    assert.equal(refused.status?.phase, 'Refused');
    assert.deepEqual(conditionsOf(refused), {
      Accepted: {
        status: 'False',
        reason: 'Forbidden',
        message: 'Workload greet has the Forbid concurrency policy and a run is active (first). '
          + 'Create a new JobRun once it finishes, or set spec.force: true to start anyway.',
      },
    });
    assert.equal(api.events('Refused').length, 1);

    // Once the active run finished, a new JobRun starts; the refused one stays refused.
    api.update<Job>(JOBS, NS, 'first', (j) => finish(j));
    api.seed(JOB_RUNS, jobRun('third', { created: '2026-01-05T09:05:00Z' }));
    await h!.settle();
    assert.deepEqual(createdJobs(api), ['first', 'third']);
    assert.equal(run(api, 'second').status?.phase, 'Refused');
  });

  test('Forbid counts scheduled Jobs of the workload too; force starts anyway', async () => {
    const { api } = await start((a) => {
      a.seed(JOB_TEMPLATES, jobTemplate({ policy: 'Forbid' }));
      a.seed(JOBS, job({ name: 'greet-29012345', workload: 'greet', suspend: false, enqueue: false }));
      a.seed(JOB_RUNS, jobRun('refused', { created: '2026-01-05T09:00:00Z' }));
      a.seed(JOB_RUNS, jobRun('forced', { created: '2026-01-05T09:00:01Z', force: true }));
    });
    assert.equal(run(api, 'refused').status?.phase, 'Refused');
    assert.match(conditionsOf(run(api, 'refused')).Accepted.message!, /a run is active \(greet-29012345\)/);
    assert.equal(run(api, 'forced').status?.phase, 'Running');
    assert.deepEqual(createdJobs(api), ['forced']);
  });

  test('Enqueue: the Job is created suspended with the Enqueue annotations and admitted by the Enqueue rule in turn', async () => {
    const { api } = await start((a) => {
      a.seed(JOB_TEMPLATES, jobTemplate({ policy: 'Enqueue', maxConcurrency: 1 }));
      a.seed(JOB_RUNS, jobRun('one', { created: '2026-01-05T09:00:00Z' }));
      a.seed(JOB_RUNS, jobRun('two', { created: '2026-01-05T09:00:01Z' }));
    });
    const two = api.object<Job>(JOBS, NS, 'two')!;
    assert.equal(two.spec?.suspend, true);
    assert.equal(two.metadata.annotations?.[ANNOTATION_CONCURRENCY], 'Enqueue');
    assert.equal(api.object<Job>(JOBS, NS, 'one')!.spec?.suspend, false);
    assert.ok(api.object<Job>(JOBS, NS, 'one')!.metadata.annotations?.[ANNOTATION_ADMITTED_AT]);
    assert.equal(run(api, 'one').status?.phase, 'Running');
    assert.equal(run(api, 'two').status?.phase, 'Queued');
    assert.deepEqual(conditionsOf(run(api, 'two')).Accepted, {
      status: 'True', reason: 'Queued', message: 'Created Job two, suspended: it waits in the queue of workload greet (Enqueue, at most 1 running).',
    });

    api.update<Job>(JOBS, NS, 'one', (j) => finish(j));
    await h!.settle();
    assert.equal(api.object<Job>(JOBS, NS, 'two')!.spec?.suspend, false);
    assert.equal(run(api, 'two').status?.phase, 'Running');
    assert.equal(run(api, 'one').status?.phase, 'Succeeded');
  });

  test('Enqueue with force: starts at once, without the queue annotations', async () => {
    const { api } = await start((a) => {
      a.seed(JOB_TEMPLATES, jobTemplate({ policy: 'Enqueue' }));
      a.seed(JOB_RUNS, jobRun('now', { force: true }));
    });
    const now = api.object<Job>(JOBS, NS, 'now')!;
    assert.equal(now.spec?.suspend, undefined);
    assert.equal(now.metadata.annotations, undefined);
    assert.equal(run(api, 'now').status?.phase, 'Running');
  });

  test('Replace: deletes the active Job of the workload, then starts; that run ends as JobDeleted', async () => {
    const { api } = await start((a) => {
      a.seed(JOB_TEMPLATES, jobTemplate({ policy: 'Replace' }));
      a.seed(JOB_RUNS, jobRun('old', { created: '2026-01-05T09:00:00Z' }));
    });
    assert.equal(run(api, 'old').status?.phase, 'Running');
    api.seed(JOB_RUNS, jobRun('new', { created: '2026-01-05T09:01:00Z' }));
    await h!.settle();
    assert.equal(api.object<Job>(JOBS, NS, 'old'), undefined);
    assert.deepEqual(api.writes('delete', 'jobs').map((c) => [c.name, c.body.propagationPolicy]), [['old', 'Background']]);
    assert.equal(run(api, 'new').status?.phase, 'Running');
    assert.equal(run(api, 'old').status?.phase, 'Failed');
    assert.equal(conditionsOf(run(api, 'old')).Failed.reason, 'JobDeleted');
    assert.match(api.events('Replaced')[0].note, /^Deleted the active Jobs of workload greet \(old\) before starting this run/);
  });

  test('waits for a missing template (Pending, Accepted Unknown) and starts when it appears', async () => {
    const { api } = await start((a) => a.seed(JOB_RUNS, jobRun('early')));
    assert.equal(run(api, 'early').status?.phase, 'Pending');
    assert.deepEqual(conditionsOf(run(api, 'early')), {
      Accepted: { status: 'Unknown', reason: 'TemplateNotFound', message: `JobTemplate ${NS}/greet does not exist. The run starts when it appears.` },
    });
    api.seed(JOB_TEMPLATES, jobTemplate());
    await h!.settle();
    assert.equal(run(api, 'early').status?.phase, 'Running');
    assert.deepEqual(createdJobs(api), ['early']);
  });

  test('a CronJob source: the Job is the CronJob\'s Job template; values are refused since it has no options', async () => {
    const cron: CronJob = cronJob({ name: 'nightly' });
    cron.spec!.concurrencyPolicy = 'Forbid';
    cron.spec!.jobTemplate = {
      metadata: { labels: { [LABEL_WORKLOAD]: 'nightly' } },
      spec: { backoffLimit: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'alpine', args: ['literal ${HOME.x}'] }] } } },
    };
    const { api } = await start((a) => {
      a.seed(CRONJOBS, cron);
      a.seed(JOB_RUNS, jobRun('nightly-now', { kind: 'CronJob', template: 'nightly' }));
      a.seed(JOB_RUNS, jobRun('nightly-values', { kind: 'CronJob', template: 'nightly', values: { x: '1' } }));
    });
    const created = api.object<Job>(JOBS, NS, 'nightly-now')!;
    // Not substituted again: the CronJob's spec is final (its `$${` escapes were already applied).
    assert.deepEqual((created.spec!.template as any).spec.containers[0].args, ['literal ${HOME.x}']);
    assert.equal(run(api, 'nightly-values').status?.phase, 'Failed');
    assert.equal(conditionsOf(run(api, 'nightly-values')).Failed.message,
      'option "x": is not a defined option (got "1"). Remove it; this workload defines no options.');
  });

  test('a JobRun name that cannot be a Job name fails with InvalidName', async () => {
    const { api } = await start((a) => {
      a.seed(JOB_TEMPLATES, jobTemplate());
      a.seed(JOB_RUNS, jobRun('greet.alice'));
    });
    assert.deepEqual(conditionsOf(run(api, 'greet.alice')).Failed, {
      status: 'True',
      reason: 'InvalidName',
      message: `JobRun ${NS}/greet.alice: name: is not a lowercase RFC 1123 label (lower case letters, digits and "-", starting and ending with a letter or digit) (got "greet.alice"). Use a name such as "nightly-report".`,
    });
    assert.deepEqual(createdJobs(api), []);
  });

  test('a template referring to an option it does not define fails the run with InvalidTemplate', async () => {
    const { api } = await start((a) => {
      a.seed(JOB_TEMPLATES, jobTemplate({ args: ['${option.missing}'] }));
      a.seed(JOB_RUNS, jobRun('broken'));
    });
    const failed = conditionsOf(run(api, 'broken')).Failed;
    assert.equal(failed.reason, 'InvalidTemplate');
    assert.match(failed.message!, /^JobTemplate team-a\/greet: spec\.template\.spec\.template\.spec\.containers\[0\]\.args\[0\]: refers to option "missing", which is not defined/);
  });

  test('a Job of that name that is not the run\'s: Failed with JobExists, the Job untouched', async () => {
    const { api } = await start((a) => {
      a.seed(JOB_TEMPLATES, jobTemplate());
      a.seed(JOBS, job({ name: 'taken', workload: 'other', enqueue: false, suspend: false }));
      a.seed(JOB_RUNS, jobRun('taken'));
    });
    assert.equal(conditionsOf(run(api, 'taken')).Failed.reason, 'JobExists');
    assert.deepEqual(api.writes(undefined, 'jobs'), []);
  });

  test('a Job of that name outside any workload (not cached): the create fails, the API server says whose it is, JobExists', async () => {
    const foreign = job({ name: 'plain', enqueue: false, suspend: false });
    delete foreign.metadata.labels;
    const { api } = await start((a) => {
      a.seed(JOB_TEMPLATES, jobTemplate());
      a.seed(JOBS, foreign);
      a.seed(JOB_RUNS, jobRun('plain'));
    });
    assert.deepEqual(createdJobs(api), ['plain']);
    assert.deepEqual(conditionsOf(run(api, 'plain')).Failed, {
      status: 'True',
      reason: 'JobExists',
      message: `A Job named plain already exists in ${NS} and does not belong to this JobRun. Create the JobRun under another name.`,
    });
    assert.equal(api.object<Job>(JOBS, NS, 'plain')!.metadata.ownerReferences, undefined);
  });

  test('a Job suspended by hand shows as Suspended, and Running again when resumed', async () => {
    const { api } = await start((a) => {
      a.seed(JOB_TEMPLATES, jobTemplate());
      a.seed(JOB_RUNS, jobRun('paused'));
    });
    api.update<Job>(JOBS, NS, 'paused', (j) => { j.spec!.suspend = true; });
    await h!.settle();
    assert.equal(run(api, 'paused').status?.phase, 'Suspended');
    api.update<Job>(JOBS, NS, 'paused', (j) => { j.spec!.suspend = false; });
    await h!.settle();
    assert.equal(run(api, 'paused').status?.phase, 'Running');
  });

  test('a Job deleted before it finished fails the run with JobDeleted', async () => {
    const { api } = await start((a) => {
      a.seed(JOB_TEMPLATES, jobTemplate());
      a.seed(JOB_RUNS, jobRun('gone'));
    });
    api.remove(JOBS, NS, 'gone');
    await h!.settle();
    assert.equal(run(api, 'gone').status?.phase, 'Failed');
    assert.equal(conditionsOf(run(api, 'gone')).Failed.message,
      'Job gone was deleted before it finished (by hand, by the Enqueue queue cap, or replaced by another run).');
  });

  test('a failing status write (500, then 409) is retried without creating the Job twice', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOB_TEMPLATES, jobTemplate());
    api.seed(JOB_RUNS, jobRun('flaky'));
    let failures = 0;
    api.intercept = (call) => {
      if (call.resource === 'jobruns' && call.subresource === 'status' && failures < 2) {
        failures++;
        if (failures === 1) throw new ApiError(500, 'etcdserver: request timed out');
        // Someone else changes the JobRun between our read and our write.
        api.update<JobRun>(JOB_RUNS, NS, 'flaky', (r) => { r.metadata.labels = { touched: 'yes' }; });
        throw new ApiError(409, 'the object has been modified', 'Conflict');
      }
    };
    h = await startHarness({ api, clock });
    for (let i = 0; i < 20 && run(api, 'flaky').status?.phase !== 'Running'; i++) {
      await clock.advance(1000);
      await h.settle();
    }
    assert.equal(failures, 2);
    assert.equal(run(api, 'flaky').status?.phase, 'Running');
    assert.deepEqual(createdJobs(api), ['flaky']);
  });

  test('a JobRun created while the watch is broken is handled after the watch restarts; a restarted controller creates nothing twice', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOB_TEMPLATES, jobTemplate());
    api.seed(JOB_RUNS, jobRun('before'));
    h = await startHarness({ api, clock, informerRestartBaseMs: 100, informerRestartMaxMs: 100 });
    api.breakWatches();
    api.seed(JOB_RUNS, jobRun('during'));
    for (let i = 0; i < 20 && !api.object(JOBS, NS, 'during'); i++) {
      await clock.advance(200);
      await h.settle();
    }
    assert.deepEqual(createdJobs(api), ['before', 'during']);

    await h.stop();
    h = await startHarness({ api, clock });
    assert.deepEqual(createdJobs(api), ['before', 'during']);
    assert.equal(run(api, 'during').status?.phase, 'Running');
  });

  test('a Job the API server rejects (422) fails only its run, with the server\'s message; the younger run starts', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOB_TEMPLATES, jobTemplate());
    api.seed(JOB_RUNS, jobRun('bad', { created: '2026-01-05T09:00:00Z', values: { username: 'x' } }));
    api.seed(JOB_RUNS, jobRun('good', { created: '2026-01-05T09:00:01Z' }));
    const message = 'Job.batch "bad" is invalid: spec.template.spec.containers[0].args[1]: Invalid value: "--region=amer": denied by policy';
    api.intercept = (call) => {
      if (call.verb === 'create' && call.resource === 'jobs' && call.name === 'bad') {
        throw new ApiError(422, `POST /apis/batch/v1/namespaces/${NS}/jobs: 422 ${message}`, 'Invalid', { kind: 'Status', code: 422, reason: 'Invalid', message });
      }
    };
    h = await startHarness({ api, clock });
    assert.equal(run(api, 'good').status?.phase, 'Running');
    const bad = run(api, 'bad');
    assert.equal(bad.status?.phase, 'Failed');
    const expected = `The API server rejected Job ${NS}/bad: ${message}`;
    assert.deepEqual(conditionsOf(bad), {
      Accepted: { status: 'False', reason: 'JobRejected', message: expected },
      Failed: { status: 'True', reason: 'JobRejected', message: expected },
    });
    assert.equal(api.events('JobRejected')[0].note, expected);
    // Tried once: a permanent answer is not asked again.
    assert.deepEqual(createdJobs(api), ['bad', 'good']);
    await clock.advance(60_000);
    await h.settle();
    assert.deepEqual(createdJobs(api), ['bad', 'good']);
  });

  test('a quota denial (403 exceeded quota) or a 5xx retries that run alone with back-off; the younger run starts at once', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOB_TEMPLATES, jobTemplate());
    api.seed(JOB_RUNS, jobRun('quota', { created: '2026-01-05T09:00:00Z' }));
    api.seed(JOB_RUNS, jobRun('flaky', { created: '2026-01-05T09:00:01Z' }));
    api.seed(JOB_RUNS, jobRun('fine', { created: '2026-01-05T09:00:02Z' }));
    let quotaLeft = 3;
    let flakyLeft = 1;
    const attempts: Record<string, number[]> = { quota: [], flaky: [] };
    api.intercept = (call) => {
      if (call.verb !== 'create' || call.resource !== 'jobs') return;
      if (call.name === 'quota') {
        attempts.quota.push(clock.now());
        if (quotaLeft-- > 0) {
          const message = 'jobs.batch "quota" is forbidden: exceeded quota: team-a, requested: count/jobs.batch=1, used: count/jobs.batch=5, limited: count/jobs.batch=5';
          throw new ApiError(403, `403 ${message}`, 'Forbidden', { kind: 'Status', code: 403, reason: 'Forbidden', message });
        }
      }
      if (call.name === 'flaky') {
        attempts.flaky.push(clock.now());
        if (flakyLeft-- > 0) throw new ApiError(503, 'etcdserver: leader changed');
      }
    };
    h = await startHarness({ api, clock, retryBaseMs: 1000, retryMaxMs: 60_000 });
    assert.equal(run(api, 'fine').status?.phase, 'Running');
    // Their names are recorded; their Jobs wait for the retry.
    assert.equal(conditionsOf(run(api, 'quota')).Accepted.reason, 'Creating');
    assert.equal(conditionsOf(run(api, 'flaky')).Accepted.reason, 'Creating');
    for (let i = 0; i < 30 && run(api, 'quota').status?.phase !== 'Running'; i++) {
      await clock.advance(500);
      await h.settle();
    }
    assert.equal(run(api, 'quota').status?.phase, 'Running');
    assert.equal(run(api, 'flaky').status?.phase, 'Running');
    // Back-off per run: 1 s, 2 s, 4 s (±10 %) between the quota run's attempts; one retry of the flaky run.
    const gaps = attempts.quota.slice(1).map((t, i) => t - attempts.quota[i]);
    assert.equal(gaps.length, 3);
    [1000, 2000, 4000].forEach((want, i) => assert.ok(gaps[i] >= want * 0.9 && gaps[i] <= want * 1.1 + 500, `gap ${i}: ${gaps[i]} ms`));
    assert.equal(attempts.flaky.length, 2);
    assert.deepEqual(createdJobs(api).filter((n) => n === 'quota'), ['quota', 'quota', 'quota', 'quota']);
  });

  test('a queued Job created while the Jobs watch was down and deleted before it resumed (410, in-place relist) does not stall the queue', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOB_TEMPLATES, jobTemplate({ policy: 'Enqueue', maxConcurrency: 1 }));
    api.seed(JOB_RUNS, jobRun('one', { created: '2026-01-05T09:00:00Z' }));
    h = await startHarness({ api, clock, informerRestartBaseMs: 100, informerRestartMaxMs: 100 });
    assert.equal(api.object<Job>(JOBS, NS, 'one')!.spec?.suspend, false);

    // The Jobs watch breaks and cannot come back; the JobRuns watch can.
    let jobsWatchDown = true;
    api.intercept = (call) => {
      if (jobsWatchDown && call.resource === 'jobs' && call.name === 'watch') throw new ApiError(503, 'watch: service unavailable');
    };
    api.breakWatches();
    api.seed(JOB_RUNS, jobRun('two', { created: '2026-01-05T09:00:01Z' }));
    api.seed(JOB_RUNS, jobRun('three', { created: '2026-01-05T09:00:02Z' }));
    for (let i = 0; i < 20 && !api.object(JOBS, NS, 'three'); i++) {
      await clock.advance(200);
      await h.settle();
    }
    assert.deepEqual(createdJobs(api), ['one', 'two', 'three']);
    // Someone deletes the queued Job 'two' while the watch is down, and etcd compacts.
    api.remove(JOBS, NS, 'two');
    api.compact();
    jobsWatchDown = false;
    await clock.advance(1000);
    await h.settle();

    api.update<Job>(JOBS, NS, 'one', (j) => finish(j));
    for (let i = 0; i < 20 && api.object<Job>(JOBS, NS, 'three')!.spec?.suspend !== false; i++) {
      await clock.advance(200);
      await h.settle();
    }
    assert.equal(api.object<Job>(JOBS, NS, 'three')!.spec?.suspend, false);
    assert.ok(api.object<Job>(JOBS, NS, 'three')!.metadata.annotations?.[ANNOTATION_ADMITTED_AT]);
    // No patch was ever sent to the deleted Job: the LIST told the controller it was gone.
    assert.deepEqual(api.writes('patch', 'jobs').map((c) => c.name), ['one', 'three']);
    assert.equal(run(api, 'two').status?.phase, 'Failed');
    assert.equal(conditionsOf(run(api, 'two')).Failed.reason, 'JobDeleted');
  });

  test('the Job name is recorded before the create: a Job created, then deleted before the status write got through, is not created again', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOB_TEMPLATES, jobTemplate());
    api.seed(JOB_RUNS, jobRun('once'));
    let failing = true;
    api.intercept = (call) => {
      if (failing && call.resource === 'jobruns' && call.subresource === 'status' && call.body?.status?.phase === 'Running') {
        // The Job ran and its TTL deleted it while our status write failed.
        failing = false;
        api.remove(JOBS, NS, 'once');
        throw new ApiError(500, 'etcdserver: request timed out');
      }
    };
    h = await startHarness({ api, clock });
    for (let i = 0; i < 20 && run(api, 'once').status?.phase !== 'Failed'; i++) {
      await clock.advance(1000);
      await h.settle();
    }
    assert.deepEqual(createdJobs(api), ['once']);
    const r = run(api, 'once');
    assert.equal(r.status?.phase, 'Failed');
    assert.equal(r.status?.jobName, 'once');
    assert.equal(conditionsOf(r).Failed.reason, 'JobDeleted');
    // The first status write was the name, before the Job existed.
    const statusWrites = api.writes('patch', 'jobruns').map((c) => c.body.status);
    assert.deepEqual([statusWrites[0].phase, statusWrites[0].jobName, statusWrites[0].conditions[0].reason], ['Pending', 'once', 'Creating']);
    const firstCreate = api.calls.findIndex((c) => c.verb === 'create' && c.resource === 'jobs');
    const firstStatus = api.calls.findIndex((c) => c.verb === 'patch' && c.resource === 'jobruns');
    assert.ok(firstStatus < firstCreate);
  });

  /** A run whose Job name an instance recorded (`Creating`, at `at`) before it stopped, with no Job. */
  function recordedThenStopped(name: string, at: string): JobRun {
    const r = jobRun(name, { created: '2026-01-05T09:00:00Z' });
    r.status = {
      phase: 'Pending',
      jobName: name,
      conditions: [{ type: 'Accepted', status: 'Unknown', reason: 'Creating', message: `Creating Job ${name}.`, lastTransitionTime: at }],
    };
    return r;
  }

  test('a takeover: a run whose name the stopped leader recorded, but whose Job it never created, is created by the new leader', async () => {
    const { api } = await start((a) => {
      a.seed(JOB_TEMPLATES, jobTemplate({ policy: 'Enqueue', maxConcurrency: 1 }));
      // The clock stands at 10:00:00; the old leader recorded the name 20 s ago, then was killed.
      a.seed(JOB_RUNS, recordedThenStopped('killed-between', '2026-01-05T09:59:40Z'));
    });
    assert.deepEqual(createdJobs(api), ['killed-between']);
    const r = run(api, 'killed-between');
    assert.notEqual(r.status?.phase, 'Failed');
    assert.equal(api.object<Job>(JOBS, NS, 'killed-between')!.spec?.suspend, false, 'admitted from the queue');
  });

  test('a takeover: a missing Job is not created again when its name was recorded over 5 minutes ago, or for a Replace workload', async () => {
    const { api } = await start((a) => {
      a.seed(JOB_TEMPLATES, jobTemplate());
      a.seed(JOB_TEMPLATES, jobTemplate({ name: 'swap', policy: 'Replace' }));
      a.seed(JOB_RUNS, recordedThenStopped('long-ago', '2026-01-05T09:54:59Z'));
      const replace = recordedThenStopped('replaced', '2026-01-05T09:59:50Z');
      replace.spec!.templateRef = { name: 'swap' };
      a.seed(JOB_RUNS, replace);
    });
    assert.deepEqual(createdJobs(api), []);
    for (const name of ['long-ago', 'replaced']) {
      const r = run(api, name);
      assert.equal(r.status?.phase, 'Failed', name);
      assert.equal(conditionsOf(r).Failed.reason, 'JobDeleted', name);
    }
  });

  test('a run whose create failed transiently is created once it may be (its recorded name does not count as started)', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOB_TEMPLATES, jobTemplate());
    api.seed(JOB_RUNS, jobRun('later'));
    let left = 2;
    api.intercept = (call) => {
      if (call.verb === 'create' && call.resource === 'jobs' && left-- > 0) throw new ApiError(500, 'etcdserver: leader changed');
    };
    h = await startHarness({ api, clock });
    assert.deepEqual(conditionsOf(run(api, 'later')).Accepted, { status: 'Unknown', reason: 'Creating', message: 'Creating Job later.' });
    for (let i = 0; i < 20 && run(api, 'later').status?.phase !== 'Running'; i++) {
      await clock.advance(1000);
      await h.settle();
    }
    assert.equal(run(api, 'later').status?.phase, 'Running');
    assert.deepEqual(conditionsOf(run(api, 'later')), { Accepted: { status: 'True', reason: 'Started', message: 'Created Job later.' } });
    assert.deepEqual(createdJobs(api), ['later', 'later', 'later']);
    assert.equal(api.objects(JOBS, NS).length, 1);
  });

  test('Events are sent without holding up the reconcile: a recorder that never answers does not stop a run', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOB_TEMPLATES, jobTemplate());
    api.seed(JOB_RUNS, jobRun('quick'));
    const sent: string[] = [];
    h = await startHarness({
      api, clock, eventRecorder: { record: (e) => { sent.push(e.reason); return new Promise<void>(() => undefined); } },
    });
    assert.equal(run(api, 'quick').status?.phase, 'Running');
    assert.deepEqual(sent, ['JobCreated']);
  });

  test('Enqueue queue cap: a JobRun that would queue beyond maxQueued is Refused with reason QueueFull, and no Job is made', async () => {
    const { api } = await start((a) => {
      a.seed(JOB_TEMPLATES, jobTemplate({ policy: 'Enqueue', maxConcurrency: 1, maxQueued: 1 }));
      a.seed(JOB_RUNS, jobRun('one', { created: '2026-01-05T09:00:00Z' }));
      a.seed(JOB_RUNS, jobRun('two', { created: '2026-01-05T09:00:01Z' }));
      a.seed(JOB_RUNS, jobRun('three', { created: '2026-01-05T09:00:02Z' }));
    });
    assert.deepEqual(createdJobs(api), ['one', 'two']);
    assert.equal(run(api, 'two').status?.phase, 'Queued');
    const message = 'The queue of workload greet is full: 1 Jobs wait, max-queued 1. '
      + 'Create a new JobRun once the queue is shorter, or raise maxQueued in Concurrency.enqueue().';
    assert.equal(run(api, 'three').status?.phase, 'Refused');
    assert.deepEqual(conditionsOf(run(api, 'three')), { Accepted: { status: 'False', reason: 'QueueFull', message } });
    assert.deepEqual(api.events('QueueFull').map((e) => [e.type, e.regarding.name, e.note]), [['Warning', 'three', message]]);
  });

  test('Enqueue without maxQueued: the default cap (1000) is named in the refusal', async () => {
    const { api } = await start((a) => {
      a.seed(JOB_TEMPLATES, jobTemplate({ policy: 'Enqueue', maxConcurrency: 1 }));
      a.seed(JOBS, job({ name: 'busy', workload: 'greet', suspend: false, maxConcurrency: 1 }));
      for (let i = 0; i < 1000; i++) {
        a.seed(JOBS, job({ name: `q${String(i).padStart(4, '0')}`, workload: 'greet', created: '2026-01-05T08:00:00Z', maxConcurrency: 1 }));
      }
      a.seed(JOB_RUNS, jobRun('late', { created: '2026-01-05T09:00:00Z' }));
    });
    assert.deepEqual(createdJobs(api), []);
    assert.deepEqual(conditionsOf(run(api, 'late')).Accepted, {
      status: 'False',
      reason: 'QueueFull',
      message: 'The queue of workload greet is full: 1000 Jobs wait, the default max-queued 1000. '
        + 'Create a new JobRun once the queue is shorter, or raise maxQueued in Concurrency.enqueue().',
    });
  });

  test('history: finished JobRuns beyond the limit are deleted, oldest completion first; unfinished ones are kept', async () => {
    const done = (name: string, completed: string, phase = 'Succeeded'): JobRun => ({
      ...jobRun(name, { created: '2026-01-05T08:00:00Z' }),
      status: { phase, completionTime: completed },
    });
    const { api } = await start((a) => {
      a.seed(JOB_TEMPLATES, jobTemplate());
      a.seed(JOB_RUNS, done('d1', '2026-01-05T09:00:03Z'));
      a.seed(JOB_RUNS, done('d2', '2026-01-05T09:00:01Z', 'Failed'));
      a.seed(JOB_RUNS, done('d3', '2026-01-05T09:00:02Z', 'Refused'));
      a.seed(JOB_RUNS, jobRun('live', { created: '2026-01-05T08:00:00Z' }));
    });
    // Default limit 100: nothing deleted.
    assert.deepEqual(api.writes('delete', 'jobruns'), []);
    await h!.stop();
    h = await startHarness({ api, clock: h!.clock, jobRunHistoryLimit: 1 });
    await h.settle();
    assert.deepEqual(api.writes('delete', 'jobruns').map((w) => w.name), ['d2', 'd3']);
    assert.ok(api.object(JOB_RUNS, NS, 'd1'));
    assert.ok(api.object(JOB_RUNS, NS, 'live'));
    assert.equal(api.object(JOB_RUNS, NS, 'd2'), undefined);
  });
});
