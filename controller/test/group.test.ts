import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { concurrencyGroupMetadata } from '../../src/contract/annotations';
import { FakeApi } from './support/fake-api';
import { FakeClock } from './support/fake-clock';
import { Harness, startHarness } from './support/harness';
import { finish, job, NS } from './support/objects';
import { Job, JOBS } from '../src/kube/types';

/** A queued Job of `workload` in group `shared` (cap `cap`), without or with the Enqueue policy. */
function grouped(name: string, workload: string, created: string, options: { cap?: number; enqueue?: boolean; maxConcurrency?: number } = {}): Job {
  const meta = concurrencyGroupMetadata({ name: 'shared', maxConcurrency: options.cap ?? 1 });
  const j = job({ name, workload, created, enqueue: options.enqueue ?? false, suspend: true, maxConcurrency: options.maxConcurrency, annotations: meta.annotations });
  j.metadata.labels = { ...j.metadata.labels, ...meta.labels };
  return j;
}

function admittedOrder(api: FakeApi): string[] {
  return api.writes('patch', 'jobs').filter((c) => c.body?.spec?.suspend === false).map((c) => c.name!);
}

function running(api: FakeApi): string[] {
  return api.objects<Job>(JOBS, NS)
    .filter((j) => j.spec?.suspend === false && !(j.status?.conditions ?? []).some((c) => c.status === 'True'))
    .map((j) => j.metadata.name!).sort();
}

describe('ConcurrencyGroup', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  test('admits Jobs of three workloads oldest first, one at a time, across the group', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    // Creation order differs from name order and from workload order.
    const order = [['z-1', 'export'], ['a-1', 'import'], ['m-1', 'reindex'], ['b-2', 'export'], ['y-2', 'import']];
    order.forEach(([name, workload], i) => api.seed(JOBS, grouped(name, workload, `2026-01-05T09:00:0${i}Z`)));
    h = await startHarness({ api, clock });
    assert.deepEqual(running(api), ['z-1']);
    for (const [name] of order) {
      api.update<Job>(JOBS, NS, name, (j) => finish(j));
      await h.settle();
      assert.ok(running(api).length <= 1, `running: ${running(api)}`);
    }
    assert.deepEqual(admittedOrder(api), order.map(([n]) => n));
    const admitted = api.events('Admitted');
    assert.equal(admitted.length, 5);
    assert.match(admitted[0].note, /^Admitted from concurrency group shared \(workload export\): 1 of at most 1 Jobs of the group running, 4 still queued\.$/);
  });

  test('a Job running outside the queue counts against the group; the group cap is strict FIFO', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const started = grouped('started', 'export', '2026-01-05T09:00:00Z', { cap: 2 });
    started.spec!.suspend = false; // un-suspended by hand
    api.seed(JOBS, started);
    api.seed(JOBS, grouped('q-1', 'import', '2026-01-05T09:00:01Z', { cap: 2 }));
    api.seed(JOBS, grouped('q-2', 'reindex', '2026-01-05T09:00:02Z', { cap: 2 }));
    h = await startHarness({ api, clock });
    assert.deepEqual(admittedOrder(api), ['q-1']);
  });

  test('a workload at its own Enqueue cap is passed over; a younger Job of another workload takes the slot', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const busy = grouped('exp-1', 'export', '2026-01-05T09:00:00Z', { cap: 3, enqueue: true, maxConcurrency: 1 });
    busy.spec!.suspend = false;
    busy.metadata.annotations!['cdk8s-batch.dev/admitted-at'] = '2026-01-05T09:00:00Z';
    api.seed(JOBS, busy);
    api.seed(JOBS, grouped('exp-2', 'export', '2026-01-05T09:00:01Z', { cap: 3, enqueue: true, maxConcurrency: 1 }));
    api.seed(JOBS, grouped('imp-1', 'import', '2026-01-05T09:00:02Z', { cap: 3 }));
    h = await startHarness({ api, clock });
    // export has 1 of 1 running: exp-2 waits; import's Job takes a group slot. The Enqueue
    // rule leaves grouped Jobs alone, so nothing admits exp-2 behind the group's back.
    assert.deepEqual(admittedOrder(api), ['imp-1']);
    api.update<Job>(JOBS, NS, 'exp-1', (j) => finish(j));
    await h.settle();
    assert.deepEqual(admittedOrder(api), ['imp-1', 'exp-2']);
  });

  test('Jobs with different caps get the smallest, and a bad cap holds the group with an Event', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOBS, grouped('a', 'export', '2026-01-05T09:00:00Z', { cap: 1 }));
    api.seed(JOBS, grouped('b', 'import', '2026-01-05T09:00:01Z', { cap: 5 }));
    h = await startHarness({ api, clock });
    assert.deepEqual(admittedOrder(api), ['a']);

    const api2 = new FakeApi(clock);
    const bad = grouped('c', 'export', '2026-01-05T09:00:00Z');
    bad.metadata.annotations!['cdk8s-batch.dev/group-max-concurrency'] = 'two';
    api2.seed(JOBS, bad);
    api2.seed(JOBS, grouped('d', 'import', '2026-01-05T09:00:01Z'));
    await h.stop();
    h = await startHarness({ api: api2, clock });
    assert.deepEqual(admittedOrder(api2), []);
    const [event] = api2.events('InvalidConcurrencyGroup');
    assert.equal(event.note, 'annotation cdk8s-batch.dev/group-max-concurrency: must be a whole number from 1 to 10000 (got "two"). ' +
      'Synthesize the workload again with cdk8s-batch, or correct the annotation by hand. Queued Jobs of concurrency group shared are not admitted until it is fixed.');
  });
});
