import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ANNOTATION_ADMITTED_AT } from '../../src/contract/keys';
import { FakeApi } from './support/fake-api';
import { FakeClock } from './support/fake-clock';
import { Harness, settle, startHarness } from './support/harness';
import { cronJob, finish, job, NS } from './support/objects';
import { ApiError } from '../src/kube/api';
import { microTime } from '../src/kube/events';
import { CRONJOBS, Job, JOBS, Lease, LEASES } from '../src/kube/types';

function running(api: FakeApi, workload = 'nightly'): string[] {
  return api.objects<Job>(JOBS, NS)
    .filter((j) => j.metadata.labels?.['cdk8s-batch.dev/workload'] === workload)
    .filter((j) => j.spec?.suspend === false && !(j.status?.conditions ?? []).some((c) => c.status === 'True'))
    .map((j) => j.metadata.name!).sort();
}

function admittedOrder(api: FakeApi): string[] {
  return api.writes('patch', 'jobs')
    .filter((c) => c.body?.spec?.suspend === false)
    .map((c) => c.name!);
}

/** Five queued Jobs created one second apart, named so that name order != creation order. */
function seedQueue(api: FakeApi, settings: { maxConcurrency?: number; maxQueued?: number } = {}): string[] {
  const names = ['e-run', 'c-run', 'a-run', 'd-run', 'b-run'];
  names.forEach((name, i) => api.seed(JOBS, job({ name, created: `2026-01-05T09:00:0${i}Z`, ...settings })));
  return names;
}

describe('Enqueue', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  test('admits the oldest queued Jobs up to maxConcurrency, in creation order', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const cron = api.seed(CRONJOBS, cronJob({ enqueue: true, maxConcurrency: 2 }));
    const names = seedQueue(api, { maxConcurrency: 2 });
    h = await startHarness({ api, clock });

    assert.deepEqual(running(api), ['c-run', 'e-run']);
    assert.deepEqual(admittedOrder(api), ['e-run', 'c-run']);
    // Each admission is one patch: suspend false + admitted-at, preconditioned on the RV read.
    const patch = api.writes('patch', 'jobs')[0].body;
    assert.equal(patch.spec.suspend, false);
    assert.equal(patch.metadata.annotations[ANNOTATION_ADMITTED_AT], new Date(clock.now()).toISOString());
    assert.match(patch.metadata.resourceVersion, /^\d+$/);
    assert.equal(api.events('Admitted').length, 2);
    assert.match(api.events('Admitted')[0].note, /2 of at most 2 Jobs running, 3 still queued|1 of at most 2 Jobs running, 4 still queued/);

    // As Jobs finish, the next ones in creation order start; never more than two at once.
    for (const done of names) {
      api.update<Job>(JOBS, NS, done, (j) => finish(j));
      await h.settle();
      assert.ok(running(api).length <= 2, `running: ${running(api)}`);
    }
    assert.deepEqual(admittedOrder(api), names);
    assert.equal(running(api).length, 0);
    // The caps came from the CronJob, which the controller reads and never writes.
    assert.equal(cron.metadata.annotations!['cdk8s-batch.dev/max-concurrency'], '2');
    assert.deepEqual(api.writes(undefined, 'cronjobs'), []);
    assert.deepEqual(api.object(CRONJOBS, NS, 'nightly'), cron);
  });

  test('ties on creationTimestamp are broken by name', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    for (const name of ['run-c', 'run-a', 'run-b']) api.seed(JOBS, job({ name, created: '2026-01-05T09:00:00Z' }));
    h = await startHarness({ api, clock });
    assert.deepEqual(admittedOrder(api), ['run-a']);
  });

  test('counts Jobs un-suspended by someone else as active and ignores finished ones', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOBS, job({ name: 'manual', created: '2026-01-05T08:00:00Z', suspend: false, enqueue: false }));
    const old = job({ name: 'old', created: '2026-01-05T07:00:00Z', suspend: false });
    finish(old);
    api.seed(JOBS, old);
    api.seed(JOBS, job({ name: 'q1', created: '2026-01-05T09:00:00Z', maxConcurrency: 2 }));
    api.seed(JOBS, job({ name: 'q2', created: '2026-01-05T09:00:01Z', maxConcurrency: 2 }));
    h = await startHarness({ api, clock });
    assert.deepEqual(running(api), ['manual', 'q1']);
  });

  test('takes the caps from the CronJob when it has the Enqueue policy, else from the newest Job', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(CRONJOBS, cronJob({ enqueue: true, maxConcurrency: 3 }));
    for (let i = 0; i < 4; i++) api.seed(JOBS, job({ name: `j${i}`, created: `2026-01-05T09:00:0${i}Z`, maxConcurrency: 1 }));
    h = await startHarness({ api, clock });
    assert.equal(running(api).length, 3);

    // The CronJob loses the policy: the Jobs' own annotations (max 1) rule the rest.
    api.update(CRONJOBS, NS, 'nightly', (c) => { c.metadata.annotations = {}; });
    api.update<Job>(JOBS, NS, 'j0', (j) => finish(j));
    await h.settle();
    assert.deepEqual(running(api), ['j1', 'j2']);
  });

  test('never admits a Job twice nor more than maxConcurrency while the cache is stale', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    for (let i = 0; i < 4; i++) api.seed(JOBS, job({ name: `j${i}`, created: `2026-01-05T09:00:0${i}Z`, maxConcurrency: 2 }));
    // The watch stalls from the start: the informer never sees the controller's own admissions.
    api.pauseWatches();
    h = await startHarness({ api, clock });
    assert.deepEqual(running(api), ['j0', 'j1']);
    for (let i = 0; i < 5; i++) {
      for (const c of h.manager.controllers) c.enqueue(`${NS}/nightly`);
      await h.settle();
    }
    // Read-your-writes: no second admission, not even an attempt that a 409 would stop.
    assert.equal(api.writes('patch', 'jobs').length, 2);
    assert.deepEqual(running(api), ['j0', 'j1']);

    // A Job finishes while the watch is stalled: nothing moves until the cache sees it...
    api.update<Job>(JOBS, NS, 'j0', (j) => finish(j));
    for (const c of h.manager.controllers) c.enqueue(`${NS}/nightly`);
    await h.settle();
    assert.deepEqual(running(api), ['j1']);
    // ...then exactly one more is admitted.
    api.resumeWatches();
    await h.settle();
    assert.deepEqual(running(api), ['j1', 'j2']);
    assert.deepEqual(admittedOrder(api), ['j0', 'j1', 'j2']);
  });

  test('a 409 Conflict is retried with a fresh view and admits once', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOBS, job({ name: 'j0', created: '2026-01-05T09:00:00Z' }));
    api.seed(JOBS, job({ name: 'j1', created: '2026-01-05T09:00:01Z' }));
    let conflicts = 0;
    api.intercept = (call) => {
      if (call.verb === 'patch' && call.name === 'j0' && conflicts < 2) {
        conflicts++;
        // Someone else changed the Job (e.g. a label) since the cache saw it.
        throw new ApiError(409, 'the object has been modified', 'Conflict');
      }
    };
    h = await startHarness({ api, clock });
    assert.equal(conflicts, 1);
    assert.deepEqual(running(api), []);
    // The key was re-queued with backoff; when it runs again the patch goes through.
    await clock.advance(2000);
    await h.settle();
    assert.equal(conflicts, 2);
    await clock.advance(2000);
    await h.settle();
    assert.deepEqual(running(api), ['j0']);
    const counter = await h.manager.metrics.registry.getSingleMetricAsString('cdk8s_batch_reconcile_total');
    assert.match(counter, /controller="enqueue",result="conflict"} 2/);
    assert.equal(api.events('Admitted').length, 1);
  });

  test('a real conflict (the Job changed) is not overwritten: the precondition fails', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOBS, job({ name: 'j0', created: '2026-01-05T09:00:00Z' }));
    h = await startHarness({ api, clock, waitForLeader: true });
    // Admitted once; now the watch stalls and someone re-suspends it by hand.
    assert.deepEqual(running(api), ['j0']);
    api.pauseWatches();
    api.update<Job>(JOBS, NS, 'j0', (j) => { j.spec!.suspend = true; });
    for (const c of h.manager.controllers) c.enqueue(`${NS}/nightly`);
    await h.settle();
    api.resumeWatches();
    await h.settle();
    // A Job carrying admitted-at is never admitted again, even when suspended.
    assert.equal(api.object<Job>(JOBS, NS, 'j0')!.spec!.suspend, true);
    assert.equal(admittedOrder(api).length, 1);
  });

  test('queue cap: deletes the newest excess Jobs (Background) with an Event on the CronJob', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const cron = api.seed(CRONJOBS, cronJob({ enqueue: true, maxConcurrency: 1, maxQueued: 2 }));
    for (let i = 0; i < 5; i++) {
      api.seed(JOBS, job({ name: `j${i}`, created: `2026-01-05T09:00:0${i}Z`, maxConcurrency: 1, maxQueued: 2, ownerUid: cron.metadata.uid }));
    }
    h = await startHarness({ api, clock });
    assert.deepEqual(running(api), ['j0']);
    assert.deepEqual(api.objects<Job>(JOBS, NS).map((j) => j.metadata.name).sort(), ['j0', 'j1', 'j2']);
    const deletes = api.writes('delete', 'jobs');
    assert.deepEqual(deletes.map((d) => d.name), ['j4', 'j3']);
    assert.equal(deletes[0].body.propagationPolicy, 'Background');
    assert.ok(deletes[0].body.preconditions.uid);
    assert.ok(deletes[0].body.preconditions.resourceVersion);
    const full = api.events('QueueFull');
    assert.equal(full.length, 2);
    assert.equal(full[0].type, 'Warning');
    assert.equal(full[0].regarding.kind, 'CronJob');
    assert.equal(full[0].regarding.name, 'nightly');
    assert.equal(full[0].regarding.uid, cron.metadata.uid);
    assert.match(full[0].note, /Deleted queued Job j4: 4 Jobs of workload nightly were waiting, more than max-queued 2/);
    const dropped = await h.manager.metrics.registry.getSingleMetricAsString('cdk8s_batch_enqueue_dropped_total');
    assert.match(dropped, /namespace="team-a"} 2/);

    // A sixth run arrives while three wait: the newest one goes.
    api.seed(JOBS, job({ name: 'j5', created: '2026-01-05T09:01:00Z', maxConcurrency: 1, maxQueued: 2, ownerUid: cron.metadata.uid }));
    await h.settle();
    assert.deepEqual(api.objects<Job>(JOBS, NS).map((j) => j.metadata.name).sort(), ['j0', 'j1', 'j2']);
  });

  test('queue cap by default: without max-queued, more than 1000 waiting Jobs lose the newest, and the Event names the default', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const cron = api.seed(CRONJOBS, cronJob({ enqueue: true, maxConcurrency: 1 }));
    api.seed(JOBS, job({ name: 'busy', suspend: false, maxConcurrency: 1, ownerUid: cron.metadata.uid }));
    for (let i = 0; i < 1001; i++) {
      api.seed(JOBS, job({ name: `q${String(i).padStart(4, '0')}`, created: '2026-01-05T09:00:00Z', maxConcurrency: 1, ownerUid: cron.metadata.uid }));
    }
    h = await startHarness({ api, clock });
    assert.deepEqual(api.writes('delete', 'jobs').map((d) => d.name), ['q1000']);
    assert.deepEqual(api.events('QueueFull').map((e) => e.note), [
      'Deleted queued Job q1000: 1001 Jobs of workload nightly were waiting, more than the default max-queued 1000 (max-concurrency 1, 1 running).',
    ]);
  });

  test('invalid caps: nothing is admitted and a Warning Event says why', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(CRONJOBS, cronJob({ enqueue: true, annotations: { 'cdk8s-batch.dev/max-concurrency': 'two' } }));
    api.seed(JOBS, job({ name: 'j0' }));
    h = await startHarness({ api, clock });
    assert.deepEqual(running(api), []);
    const warning = api.events('InvalidConcurrency');
    assert.equal(warning.length, 1);
    assert.match(warning[0].note, /max-concurrency: must be a whole number from 1 to 10000 \(got "two"\)/);
  });

  test('leaves workloads without the Enqueue policy alone', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(CRONJOBS, cronJob({}));
    api.seed(JOBS, job({ name: 'j0', enqueue: false, suspend: true }));
    h = await startHarness({ api, clock });
    assert.equal(api.writes().length, 0);
  });

  test('a restarted controller decides from cluster state and admits nothing twice', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    for (let i = 0; i < 4; i++) api.seed(JOBS, job({ name: `j${i}`, created: `2026-01-05T09:00:0${i}Z`, maxConcurrency: 2 }));
    h = await startHarness({ api, clock });
    assert.deepEqual(running(api), ['j0', 'j1']);
    await h.stop();

    h = await startHarness({ api, clock, identity: 'second' });
    assert.deepEqual(running(api), ['j0', 'j1']);
    assert.equal(admittedOrder(api).length, 2);
  });

  test('two controllers with leader election: only the leader admits; failover relists and admits nothing twice', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    for (let i = 0; i < 5; i++) api.seed(JOBS, job({ name: `j${i}`, created: `2026-01-05T09:00:0${i}Z`, maxConcurrency: 2 }));
    const leaderElection = { namespace: 'cdk8s-batch', name: 'cdk8s-batch-controller' };
    const now = microTime(clock.now());
    api.seed<Lease>(LEASES, {
      metadata: { name: leaderElection.name, namespace: leaderElection.namespace },
      spec: { holderIdentity: 'a', leaseDurationSeconds: 15, acquireTime: now, renewTime: now, leaseTransitions: 0 },
    });
    // b is a warm standby whose cache saw all five Jobs queued; then its watch stalls.
    const b = await startHarness({ api, clock, identity: 'b', leaderElection, waitForLeader: false });
    await b.settle();
    assert.equal(b.manager.isLeader, false);
    api.pauseWatches();
    // a (the Lease's holder) leads and admits two; b's cache does not see it.
    const a = await startHarness({ api, clock, identity: 'a', leaderElection });
    h = a;
    await settle([a.manager, b.manager]);
    assert.equal(a.manager.isLeader, true);
    assert.deepEqual(running(api), ['j0', 'j1']);
    assert.equal(b.manager.stores.jobs.list(NS).filter((j) => j.spec?.suspend === false).length, 0, 'b is stale');

    // j0 finishes, and a crashes: it stops acting without releasing the Lease.
    api.update<Job>(JOBS, NS, 'j0', (j) => finish(j));
    (a.manager as any).elector.release = async () => undefined;
    await a.stop();

    // b takes over only after the lease duration (15 s), relists, and admits exactly one.
    await clock.advance(10_000);
    await settle([b.manager]);
    assert.equal(b.manager.isLeader, false);
    await clock.advance(8_000);
    await settle([b.manager]);
    assert.equal(b.manager.isLeader, true);
    assert.deepEqual(running(api), ['j1', 'j2']);
    assert.deepEqual(admittedOrder(api), ['j0', 'j1', 'j2']);
    assert.equal(api.object<Lease>(LEASES, leaderElection.namespace, leaderElection.name)!.spec!.holderIdentity, 'b');
    api.resumeWatches();
    await settle([b.manager]);
    assert.deepEqual(admittedOrder(api), ['j0', 'j1', 'j2']);
    h = b;
  });

  test('a queued Job the API server no longer has (404 on admission) is passed over: the next one is admitted', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(CRONJOBS, cronJob({ enqueue: true, maxConcurrency: 1 }));
    api.seed(JOBS, job({ name: 'a-run', created: '2026-01-05T09:00:00Z', suspend: false }));
    api.seed(JOBS, job({ name: 'b-run', created: '2026-01-05T09:00:01Z' }));
    api.seed(JOBS, job({ name: 'c-run', created: '2026-01-05T09:00:02Z' }));
    // b-run is gone on the server but its delete never reached the cache.
    api.intercept = (call) => {
      if (call.verb === 'patch' && call.name === 'b-run') throw new ApiError(404, 'jobs.batch "b-run" not found', 'NotFound');
    };
    h = await startHarness({ api, clock });
    api.update<Job>(JOBS, NS, 'a-run', (j) => finish(j));
    await h.settle();
    assert.deepEqual(running(api), ['c-run']);
    assert.deepEqual(api.writes('patch', 'jobs').map((c) => c.name), ['b-run', 'c-run']);
    // Asked once: the Writer's view no longer shows b-run.
    await clock.advance(60_000);
    await h.settle();
    assert.deepEqual(api.writes('patch', 'jobs').map((c) => c.name), ['b-run', 'c-run']);
  });
});
