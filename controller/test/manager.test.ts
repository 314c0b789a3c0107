import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError } from '../src/kube/api';
import { Job, JOBS, Lease, LEASES } from '../src/kube/types';
import { FakeApi } from './support/fake-api';
import { FakeClock } from './support/fake-clock';
import { startHarness } from './support/harness';
import { finish, job, NS } from './support/objects';

const leaderElection = { namespace: 'cdk8s-batch', name: 'cdk8s-batch-controller' };

describe('Manager', () => {
  test('losing the Lease stops the workers at once and reports it', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    let lost = 0;
    const h = await startHarness({ api, clock, leaderElection, onLeadershipLost: () => lost++ });
    assert.equal(h.manager.isLeader, true);
    api.intercept = (call) => {
      if (call.resource === 'leases') throw new ApiError(503, 'etcd unavailable');
    };
    await clock.advance(9_000);
    assert.equal(lost, 0);
    await clock.advance(3_000);
    assert.equal(lost, 1);
    assert.equal(h.manager.isLeader, false);
    // No more reconciles: a queued Job stays queued.
    api.intercept = undefined;
    api.seed(JOBS, job({ name: 'late' }));
    await h.settle();
    assert.equal(api.object<Job>(JOBS, NS, 'late')!.spec!.suspend, true);
    await h.stop();
  });

  test('graceful stop drains, releases the Lease and closes the watches', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const h = await startHarness({ api, clock, leaderElection });
    assert.equal(api.object<Lease>(LEASES, leaderElection.namespace, leaderElection.name)!.spec!.holderIdentity, 'test-controller');
    assert.equal(api.openWatches, 5); // jobs, cronjobs, pods, jobruns, jobtemplates
    await h.stop();
    assert.equal(api.object<Lease>(LEASES, leaderElection.namespace, leaderElection.name)!.spec!.holderIdentity, '');
    assert.equal(h.manager.healthy(), false);
    assert.equal(h.manager.ready(), false);
    assert.equal(api.openWatches, 0);
  });

  test('keeps admitting across a broken watch (informer restart)', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOBS, job({ name: 'j0', created: '2026-01-05T09:00:00Z' }));
    api.seed(JOBS, job({ name: 'j1', created: '2026-01-05T09:00:01Z' }));
    const h = await startHarness({ api, clock });
    assert.equal(api.object<Job>(JOBS, NS, 'j0')!.spec!.suspend, false);
    api.breakWatches();
    api.update<Job>(JOBS, NS, 'j0', (j) => finish(j));
    await h.settle();
    assert.equal(api.object<Job>(JOBS, NS, 'j1')!.spec!.suspend, true, 'not seen yet');
    await clock.advance(2_000); // the informers restart and resume from their resourceVersion
    await h.settle();
    assert.equal(api.object<Job>(JOBS, NS, 'j1')!.spec!.suspend, false);
    await h.stop();
  });

  test('runs every rule, each with its own queue', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const h = await startHarness({ api, clock });
    assert.deepEqual(h.manager.controllers.map((c) => c.name), ['enqueue', 'group', 'window', 'pending-timeout', 'jobrun']);
    assert.deepEqual(Object.keys(h.manager.status().informers as object), ['jobs', 'cronjobs', 'pods', 'jobruns', 'jobtemplates']);
    await h.stop();
  });

  test('cached objects hold no managedFields, listed or watched', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const managedFields = [{ manager: 'kube-controller-manager', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:status': {} } }];
    const seeded = job({ name: 'listed', suspend: false, enqueue: false });
    (seeded.metadata as any).managedFields = managedFields;
    api.seed(JOBS, seeded);
    const h = await startHarness({ api, clock });
    try {
      assert.equal((h.manager.caches.jobs.get(NS, 'listed')!.metadata as any).managedFields, undefined);
      const watched = job({ name: 'watched', suspend: false, enqueue: false });
      (watched.metadata as any).managedFields = managedFields;
      api.seed(JOBS, watched);
      api.update<Job>(JOBS, NS, 'listed', (j) => { (j.metadata as any).managedFields = managedFields; j.metadata.labels!.touched = 'yes'; });
      await h.settle();
      assert.equal(h.manager.caches.jobs.get(NS, 'listed')!.metadata.labels!.touched, 'yes');
      for (const name of ['listed', 'watched']) {
        assert.equal((h.manager.caches.jobs.get(NS, name)!.metadata as any).managedFields, undefined, name);
      }
    } finally {
      await h.stop();
    }
  });

  test('watches ask for bookmarks, and bookmarks keep a quiet watch from being relisted by the watchdog', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const h = await startHarness({ api, clock, watchdogMs: 10 * 60_000 });
    try {
      assert.ok(api.watchQueries.length >= 5);
      assert.ok(api.watchQueries.every((q) => q.allowWatchBookmarks === true));
      for (let minute = 0; minute < 30; minute++) {
        api.bookmark();
        await clock.advance(60_000);
      }
      assert.deepEqual(Object.values(h.manager.caches).map((i) => i.relists), [0, 0, 0, 0, 0]);
      // Without bookmarks, the same quiet watches are relisted once silent for 10 minutes.
      await clock.advance(11 * 60_000);
      assert.ok(Object.values(h.manager.caches).every((i) => i.relists === 1));
    } finally {
      await h.stop();
    }
  });
});
