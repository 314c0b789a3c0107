import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { FakeApi } from './support/fake-api';
import { FakeClock } from './support/fake-clock';
import { Harness, startHarness } from './support/harness';
import { job, NS } from './support/objects';
import { LABEL_WORKLOAD } from '../../src/contract/keys';
import { Job, JOBS } from '../src/kube/types';

const names = (jobs: Job[]) => jobs.map((j) => j.metadata.name).sort();

describe('Store: the workload index', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  test('lists a workload\'s objects, and follows label changes, deletions and relists', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    // Not Enqueue (nothing is admitted), two workloads, one of them also in another namespace.
    api.seed(JOBS, job({ name: 'a-1', workload: 'a', enqueue: false, suspend: false }));
    api.seed(JOBS, job({ name: 'a-2', workload: 'a', enqueue: false, suspend: false }));
    api.seed(JOBS, job({ name: 'b-1', workload: 'b', enqueue: false, suspend: false }));
    const elsewhere = job({ name: 'a-elsewhere', workload: 'a', enqueue: false, suspend: false });
    elsewhere.metadata.namespace = 'other';
    api.seed(JOBS, elsewhere);
    h = await startHarness({ api, clock });
    const jobs = h.manager.stores.jobs;
    assert.deepEqual(names(jobs.listWorkload(NS, 'a')), ['a-1', 'a-2']);
    assert.deepEqual(names(jobs.listWorkload(NS, 'b')), ['b-1']);
    assert.deepEqual(names(jobs.listWorkload('other', 'a')), ['a-elsewhere']);
    assert.deepEqual(jobs.listWorkload(NS, 'c'), []);

    api.update<Job>(JOBS, NS, 'a-2', (j) => { j.metadata.labels = { [LABEL_WORKLOAD]: 'b' }; });
    api.remove(JOBS, NS, 'a-1');
    await h.settle();
    assert.deepEqual(names(jobs.listWorkload(NS, 'a')), []);
    assert.deepEqual(names(jobs.listWorkload(NS, 'b')), ['a-2', 'b-1']);

    // A relist (watchdog, 410 Gone, a new leader) rebuilds the same index.
    api.seed(JOBS, job({ name: 'a-3', workload: 'a', enqueue: false, suspend: false }));
    await h.manager.caches.jobs.relist('test');
    assert.deepEqual(names(jobs.listWorkload(NS, 'a')), ['a-3']);
    assert.deepEqual(names(jobs.listWorkload(NS, 'b')), ['a-2', 'b-1']);
    // The index and a full scan agree.
    for (const workload of ['a', 'b']) {
      assert.deepEqual(names(jobs.listWorkload(NS, workload)),
        names(jobs.list(NS).filter((j) => j.metadata.labels?.[LABEL_WORKLOAD] === workload)));
    }
  });
});
