/**
 * After the API server was away (a restart of kube-apiserver or etcd), the controller resumes
 * within seconds of its return, however long the outage: watches resume with a bounded
 * backoff, one watch that gets through restarts the others, a restarted watch resyncs, and a
 * reconcile that failed because the API server was away is retried soon, not after a backoff
 * that grew during the outage. What the chaos tier (test/e2e/chaos.e2e.test.ts) shows on the
 * real control plane, here with the fake API and fake clock.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { LABEL_WORKLOAD } from '../../src/contract/keys';
import { FakeApi } from './support/fake-api';
import { FakeClock, flush } from './support/fake-clock';
import { fakeListWatch, Harness, startHarness } from './support/harness';
import { finish, job, jobRun, jobTemplate, NS } from './support/objects';
import { ApiError, isUnavailable } from '../src/kube/api';
import { Informer, InformerEventType } from '../src/kube/informer';
import { Job, JOB_RUNS, JOB_TEMPLATES, JobRun, JOBS } from '../src/kube/types';
import { WorkQueue } from '../src/runtime/workqueue';

/** Every request fails as if nothing listened on the API server's port. */
const refused = () => {
  throw new ApiError(0, 'connect ECONNREFUSED 127.0.0.1:6443');
};

/** The API server goes away for `ms`: watches break, every request is refused meanwhile. */
async function outage(api: FakeApi, clock: FakeClock, ms: number, meanwhile: () => void = () => undefined): Promise<void> {
  api.intercept = refused;
  api.breakWatches();
  await flush();
  meanwhile();
  await clock.advance(ms);
  api.intercept = undefined;
}

async function jobInformer(api: FakeApi, clock: FakeClock) {
  const factory = await fakeListWatch(api);
  // The defaults: restart backoff 1 s to 10 s.
  const informer = new Informer<Job>(() => factory<Job>(JOBS, { labelSelector: LABEL_WORKLOAD }), { name: 'jobs', clock });
  const events: Array<[InformerEventType, string]> = [];
  informer.onEvent((type, obj) => events.push([type, obj.metadata.name!]));
  informer.start();
  await informer.waitForSync();
  return { informer, events };
}

describe('reconnecting after the API server was away', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  test('unavailable: transport failures, 429 and 5xx; not a refusal or a conflict', () => {
    for (const code of [0, 429, 500, 502, 503, 504]) assert.equal(isUnavailable(new ApiError(code, 'x')), true, String(code));
    for (const code of [400, 401, 403, 404, 409, 422]) assert.equal(isUnavailable(new ApiError(code, 'x')), false, String(code));
    assert.equal(isUnavailable(new Error('no code')), false);
  });

  test('a watch resumes within 15 s of the API server\'s return, however long the outage, and resyncs', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOBS, job({ name: 'a' }));
    const { informer, events } = await jobInformer(api, clock);
    // Ten minutes away: an unbounded exponential backoff would now wait minutes.
    await outage(api, clock, 10 * 60_000);
    assert.equal(informer.isWatching, false);
    const back = clock.now();
    api.seed(JOBS, job({ name: 'b' }));
    for (let i = 0; i < 150 && !informer.isWatching; i++) await clock.advance(100);
    assert.equal(informer.isWatching, true);
    assert.ok(clock.now() - back <= 15_000, `resumed ${clock.now() - back} ms after the return`);
    // The change made meanwhile, then every cached object again (the resync).
    assert.deepEqual(events.slice(1), [['add', 'b'], ['update', 'a'], ['update', 'b']]);
    await informer.stop();
  });

  test('retryNow() restarts a watch waiting out its backoff at once; a running watch is left alone', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOBS, job({ name: 'a' }));
    const { informer } = await jobInformer(api, clock);
    await outage(api, clock, 60_000);
    assert.equal(informer.isWatching, false);
    informer.retryNow();
    await flush();
    assert.equal(informer.isWatching, true, 'no clock advance needed');
    const watchesOpened = api.watchQueries.length;
    informer.retryNow();
    await flush();
    assert.equal(api.watchQueries.length, watchesOpened);
    assert.equal(api.openWatches, 1);
    await informer.stop();
  });

  test('the manager: once one watch gets through, every informer resumes at once', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    h = await startHarness({ api, clock });
    assert.equal(api.openWatches, 5);
    await outage(api, clock, 5 * 60_000);
    assert.equal(api.openWatches, 0);
    // The next timer that fires is one informer's restart: it gets through and kicks the others.
    await clock.advanceTo(clock.nextTimerAt()!);
    assert.equal(api.openWatches, 5);
  });

  test('a Job finished while the API server was away: the next queued Job is admitted within 15 s of its return', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOBS, job({ name: 'j0', created: '2026-01-05T09:00:00Z', maxConcurrency: 1 }));
    api.seed(JOBS, job({ name: 'j1', created: '2026-01-05T09:00:01Z', maxConcurrency: 1 }));
    // The production retry backoff (50 ms to 5 minutes), not the harness's short one.
    h = await startHarness({ api, clock, retryBaseMs: 50, retryMaxMs: 5 * 60_000 });
    assert.equal(api.object<Job>(JOBS, NS, 'j0')!.spec!.suspend, false);
    assert.equal(api.object<Job>(JOBS, NS, 'j1')!.spec!.suspend, true);
    await outage(api, clock, 3 * 60_000, () => api.update<Job>(JOBS, NS, 'j0', (j) => finish(j)));
    const back = clock.now();
    for (let i = 0; i < 150 && api.object<Job>(JOBS, NS, 'j1')!.spec!.suspend; i++) await clock.advance(100);
    assert.equal(api.object<Job>(JOBS, NS, 'j1')!.spec!.suspend, false);
    assert.ok(clock.now() - back <= 15_000, `admitted ${clock.now() - back} ms after the return`);
  });

  test('a reconcile that failed throughout an outage is retried within 5 s of the return (not after its grown backoff)', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOB_TEMPLATES, jobTemplate());
    h = await startHarness({ api, clock, retryBaseMs: 50, retryMaxMs: 5 * 60_000 });
    // Only Job creation fails (etcd away behind a running API server: 503 on writes); the
    // watches stay up, so nothing but the retry brings the run back.
    api.intercept = (call) => {
      if (call.verb === 'create' && call.resource === 'jobs') throw new ApiError(503, 'etcdserver: request timed out');
    };
    api.seed(JOB_RUNS, jobRun('during-outage'));
    await clock.advance(5 * 60_000);
    assert.equal(api.object<Job>(JOBS, NS, 'during-outage'), undefined);
    api.intercept = undefined;
    await clock.advance(5_500);
    assert.ok(api.object<Job>(JOBS, NS, 'during-outage'), 'created within 5.5 s of the return');
    assert.equal(api.object<JobRun>(JOB_RUNS, NS, 'during-outage')!.status?.phase, 'Running');
  });

  test('work queue: a retry after an unavailable API server waits at most the given cap, whatever the failure count', () => {
    const clock = new FakeClock();
    const queue = new WorkQueue({ clock, baseDelayMs: 50, maxDelayMs: 5 * 60_000, jitter: 0 });
    let last = 0;
    for (let i = 0; i < 20; i++) last = queue.addRateLimited('k', 5_000);
    assert.equal(last, 5_000);
    assert.equal(queue.addRateLimited('k'), 5 * 60_000, 'without the cap: the queue\'s own maximum');
  });
});
