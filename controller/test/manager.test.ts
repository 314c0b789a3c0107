import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ApiError } from '../src/kube/api';
import { ANNOTATION_PENDING_TIMEOUT, LABEL_WORKLOAD } from '../../src/contract/keys';
import { CRONJOBS, Job, JOBS, Lease, LEASES } from '../src/kube/types';
import { FakeApi } from './support/fake-api';
import { FakeClock } from './support/fake-clock';
import { startHarness } from './support/harness';
import { cronJob, finish, job, NS } from './support/objects';

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

  test('a leader whose relist never completes (missing CRD) reports not ready, releases the Lease and exits', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOBS, job({ name: 'j0' }));
    // JobRuns are not served: the CRD is not installed.
    api.intercept = (call) => {
      if (call.resource === 'jobruns' && call.verb === 'list') throw new ApiError(404, 'the server could not find the requested resource');
    };
    let lost = 0;
    const h = await startHarness({ api, clock, leaderElection, waitForLeader: false, cacheSyncTimeoutMs: 60_000, onLeadershipLost: () => lost++ });
    await clock.advance(5_000);
    const lease = () => api.object<Lease>(LEASES, leaderElection.namespace, leaderElection.name)!.spec!.holderIdentity;
    assert.equal(lease(), 'test-controller', 'it won the Lease');
    assert.equal(h.manager.isLeader, false, 'but runs no reconciler');
    assert.equal(h.manager.ready(), false);
    await clock.advance(50_000);
    assert.equal(lost, 0, 'not before the timeout');
    await clock.advance(10_000);
    await h.settle();
    assert.equal(lost, 1);
    assert.equal(lease(), '', 'released for another replica');
    assert.equal(h.manager.ready(), false);
    assert.match(String(h.manager.status().reason), /caches did not sync after becoming leader/);
    assert.equal(api.object<Job>(JOBS, NS, 'j0')!.spec!.suspend, true, 'nothing was admitted');
    await h.stop();
  });

  test('namespaced mode: one LIST and WATCH per listed namespace, and nothing done elsewhere', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const inNs = (name: string, namespace: string): Job => {
      const j = job({ name, created: '2026-01-05T09:00:00Z' });
      j.metadata.namespace = namespace;
      return j;
    };
    api.seed(JOBS, inNs('a0', 'team-a'));
    api.seed(JOBS, inNs('b0', 'team-b'));
    api.seed(JOBS, inNs('c0', 'team-c'));
    const h = await startHarness({ api, clock, namespaces: ['team-a', 'team-b'] });
    const jobLists = api.calls.filter((c) => c.verb === 'list' && c.resource === 'jobs').map((c) => c.namespace).sort();
    assert.deepEqual(jobLists, ['team-a', 'team-b'], 'never a cluster-wide LIST');
    assert.equal(api.openWatches, 10, 'five resources, two namespaces');
    assert.equal(api.object<Job>(JOBS, 'team-a', 'a0')!.spec!.suspend, false);
    assert.equal(api.object<Job>(JOBS, 'team-b', 'b0')!.spec!.suspend, false);
    assert.equal(api.object<Job>(JOBS, 'team-c', 'c0')!.spec!.suspend, true, 'not watched, not admitted');
    // Watch events of each namespace arrive.
    api.seed(JOBS, inNs('b1', 'team-b'));
    api.update<Job>(JOBS, 'team-b', 'b0', (j) => finish(j));
    await h.settle();
    assert.equal(api.object<Job>(JOBS, 'team-b', 'b1')!.spec!.suspend, false);
    assert.ok(api.calls.every((c) => c.namespace !== 'team-c'), 'no request to an unlisted namespace');
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
    assert.deepEqual(h.manager.controllers.map((c) => c.name), ['enqueue', 'replace', 'scheduled-kill', 'group', 'window', 'pending-timeout', 'retry-delay', 'jobrun']);
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

  test('cached Jobs hold no pod template, listed or watched; what the rules read stays, and CronJobs keep theirs', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const podTemplate = { metadata: { labels: { app: 'x' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox' }] } };
    const withTemplate = (j: Job): Job => ({ ...j, spec: { ...j.spec, template: podTemplate } as Job['spec'] });
    api.seed(JOBS, withTemplate(job({ name: 'listed', suspend: true, enqueue: false, pendingTimeoutSeconds: 60 })));
    const cron = cronJob({ name: 'nightly' });
    (cron.spec as any).jobTemplate = { spec: { template: podTemplate } };
    api.seed(CRONJOBS, cron);
    const h = await startHarness({ api, clock });
    try {
      api.seed(JOBS, withTemplate(job({ name: 'watched', suspend: true, enqueue: false })));
      api.update<Job>(JOBS, NS, 'listed', (j) => finish(j));
      await h.settle();
      for (const name of ['listed', 'watched']) {
        const cached = h.manager.caches.jobs.get(NS, name)!;
        assert.equal((cached.spec as any).template, undefined, name);
        assert.equal(cached.spec!.suspend, true, name);
        assert.equal(cached.spec!.backoffLimit, 2, name);
        assert.equal(cached.metadata.labels![LABEL_WORKLOAD], 'nightly', name);
        assert.ok(cached.metadata.uid && cached.metadata.resourceVersion, name);
        // The API server still has the template: only the cache's copy is trimmed.
        assert.deepEqual((api.object<Job>(JOBS, NS, name)!.spec as any).template, podTemplate, name);
      }
      const listed = h.manager.caches.jobs.get(NS, 'listed')!;
      assert.equal(listed.metadata.annotations![ANNOTATION_PENDING_TIMEOUT], '60');
      assert.deepEqual(listed.status!.conditions, [{ type: 'Complete', status: 'True' }]);
      // A run of a CronJob is built from its jobTemplate: that cache keeps it whole.
      assert.deepEqual((h.manager.caches.cronJobs.get(NS, 'nightly')!.spec as any).jobTemplate, { spec: { template: podTemplate } });
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
