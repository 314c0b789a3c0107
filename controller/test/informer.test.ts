import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LABEL_WORKLOAD } from '../../src/contract/keys';
import { FakeApi } from './support/fake-api';
import { FakeClock, flush } from './support/fake-clock';
import { fakeListWatch } from './support/harness';
import { job, NS } from './support/objects';
import { ApiError } from '../src/kube/api';
import { Job, JOBS } from '../src/kube/types';
import { Informer, InformerEventType } from '../src/kube/informer';
import { Metrics } from '../src/runtime/metrics';

async function jobInformer(api: FakeApi, clock: FakeClock, options: { watchdogMs?: number; metrics?: Metrics } = {}) {
  const factory = await fakeListWatch(api);
  const informer = new Informer<Job>(() => factory<Job>(JOBS, { labelSelector: LABEL_WORKLOAD }), {
    name: 'jobs', clock, restartBaseMs: 1000, restartMaxMs: 30_000, ...options,
  });
  const events: Array<[InformerEventType, string]> = [];
  informer.onEvent((type, obj) => events.push([type, obj.metadata.name!]));
  return { informer, events };
}

const names = (informer: Informer<Job>) => informer.list(NS).map((j) => j.metadata.name).sort();

describe('Informer', () => {
  test('lists, syncs, then follows the watch (label-selected)', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOBS, job({ name: 'a' }));
    api.seed(JOBS, { metadata: { name: 'unlabelled', namespace: NS }, spec: {} } as Job);
    const { informer, events } = await jobInformer(api, clock);
    informer.start();
    assert.equal(await informer.waitForSync(), true);
    assert.deepEqual(names(informer), ['a']);
    api.seed(JOBS, job({ name: 'b' }));
    api.update<Job>(JOBS, NS, 'a', (j) => { j.spec!.suspend = false; });
    api.remove(JOBS, NS, 'b');
    await flush();
    assert.deepEqual(events, [['add', 'a'], ['add', 'b'], ['update', 'a'], ['delete', 'b']]);
    await informer.stop();
  });

  test('restarts after a watch error with backoff and resumes from its resourceVersion', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const metrics = new Metrics();
    api.seed(JOBS, job({ name: 'a' }));
    const { informer, events } = await jobInformer(api, clock, { metrics });
    informer.start();
    await informer.waitForSync();
    const lists = () => api.calls.filter((c) => c.verb === 'list' && c.resource === 'jobs').length;
    assert.equal(lists(), 1);

    api.breakWatches();
    await flush();
    assert.equal(api.openWatches, 0);
    assert.equal(informer.isWatching, false);
    // Changes while the watch is down are not lost: the restart resumes from the last RV.
    api.seed(JOBS, job({ name: 'b' }));
    api.remove(JOBS, NS, 'a');
    await clock.advance(2000);
    assert.equal(api.openWatches, 1);
    assert.deepEqual(names(informer), ['b']);
    // Then a resync: every cached object again, so reconcilers look at everything after the outage.
    assert.deepEqual(events.slice(1), [['add', 'b'], ['delete', 'a'], ['update', 'b']]);
    assert.equal(lists(), 1, 'no relist needed');
    const restarts = await metrics.registry.getSingleMetricAsString('cdk8s_batch_informer_restarts_total');
    assert.match(restarts, /resource="jobs",reason="error"} 1/);
    await informer.stop();
  });

  test('keeps retrying while the API server is down, serving the last known state', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOBS, job({ name: 'a' }));
    const { informer } = await jobInformer(api, clock);
    informer.start();
    await informer.waitForSync();
    api.intercept = () => { throw new ApiError(0, 'connect ECONNREFUSED 127.0.0.1:6443'); };
    api.breakWatches();
    await clock.advance(120_000);
    assert.deepEqual(names(informer), ['a'], 'stale but consistent');
    assert.equal(informer.hasSynced, true);
    api.intercept = undefined;
    api.seed(JOBS, job({ name: 'b' }));
    await clock.advance(60_000);
    assert.deepEqual(names(informer), ['a', 'b']);
    assert.equal(informer.isWatching, true);
    await informer.stop();
  });

  test('a first LIST that fails is retried until it succeeds; only then is the informer synced', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOBS, job({ name: 'a' }));
    let failures = 3;
    api.intercept = (call) => {
      if (call.verb === 'list' && failures-- > 0) throw new ApiError(503, 'etcdserver: leader changed');
    };
    const { informer } = await jobInformer(api, clock);
    informer.start();
    await flush();
    assert.equal(informer.hasSynced, false);
    await clock.advance(60_000);
    assert.equal(informer.hasSynced, true);
    assert.deepEqual(names(informer), ['a']);
    await informer.stop();
  });

  test('410 Gone on watch resume leads to a relist that reports what changed', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOBS, job({ name: 'a' }));
    api.seed(JOBS, job({ name: 'b' }));
    const { informer, events } = await jobInformer(api, clock);
    informer.start();
    await informer.waitForSync();
    api.breakWatches();
    api.remove(JOBS, NS, 'a');
    api.seed(JOBS, job({ name: 'c' }));
    api.compact();
    await clock.advance(2000);
    assert.deepEqual(names(informer), ['b', 'c']);
    assert.deepEqual(events.slice(2).sort(), [['add', 'c'], ['delete', 'a'], ['update', 'b'], ['update', 'c']]);
    await informer.stop();
  });

  test('watchdog: a silent watch is replaced by a fresh list; readers never see a half-filled cache', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const metrics = new Metrics();
    api.seed(JOBS, job({ name: 'a' }));
    api.seed(JOBS, job({ name: 'b' }));
    const { informer, events } = await jobInformer(api, clock, { watchdogMs: 60_000, metrics });
    informer.start();
    await informer.waitForSync();

    // The connection dies without a FIN: events stop arriving, nothing reports an error.
    api.silenceWatches();
    api.remove(JOBS, NS, 'a');
    api.seed(JOBS, job({ name: 'c' }));
    await clock.advance(30_000);
    assert.deepEqual(names(informer), ['a', 'b'], 'stale');
    // The relist's LIST is slow: meanwhile the old cache keeps serving, complete.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const list = api.list.bind(api);
    api.list = (async (...args: Parameters<FakeApi['list']>) => {
      await gate;
      return list(...args);
    }) as FakeApi['list'];
    await clock.advance(45_000);
    assert.deepEqual(names(informer), ['a', 'b']);
    release();
    await flush();
    assert.deepEqual(names(informer), ['b', 'c']);
    assert.equal(informer.relists, 1);
    // Vanished objects are reported deleted, the rest resynced (so reconcilers look again).
    assert.deepEqual(events.slice(2).sort(), [['delete', 'a'], ['update', 'b'], ['update', 'c']]);
    const restarts = await metrics.registry.getSingleMetricAsString('cdk8s_batch_informer_restarts_total');
    assert.match(restarts, /reason="watchdog"} 1/);
    await informer.stop();
    assert.equal(api.openWatches, 0, 'old and new watches closed');
  });

  test('relist with dropCache (a new leader): the old cache is let go before the LIST, and what vanished is still reported deleted', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOBS, job({ name: 'a' }));
    api.seed(JOBS, job({ name: 'b' }));
    const { informer, events } = await jobInformer(api, clock);
    const deleted: Job[] = [];
    informer.onEvent((type, obj) => {
      if (type === 'delete') deleted.push(obj);
    });
    informer.start();
    await informer.waitForSync();
    api.silenceWatches();
    api.remove(JOBS, NS, 'a');
    api.seed(JOBS, job({ name: 'c' }));
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const list = api.list.bind(api);
    api.list = (async (...args: Parameters<FakeApi['list']>) => {
      await gate;
      return list(...args);
    }) as FakeApi['list'];
    const done = informer.relist('leader-elected', { dropCache: true });
    await flush();
    // During the LIST: one cache at most (none here), and the old watch is closed.
    assert.deepEqual(names(informer), []);
    assert.equal(informer.get(NS, 'b'), undefined);
    assert.equal(api.openWatches, 0);
    release();
    assert.equal(await done, true);
    assert.deepEqual(names(informer), ['b', 'c']);
    assert.deepEqual(events.slice(2).sort(), [['delete', 'a'], ['update', 'b'], ['update', 'c']]);
    // The delete carries what listeners key on, not the whole object.
    assert.deepEqual(Object.keys(deleted[0].metadata).filter((k) => deleted[0].metadata[k as keyof Job['metadata']] !== undefined).sort(),
      ['labels', 'name', 'namespace', 'uid']);
    assert.equal(deleted[0].spec, undefined);
    await informer.stop();
  });

  test('stop() closes the watch', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const { informer } = await jobInformer(api, clock);
    informer.start();
    await informer.waitForSync();
    assert.equal(api.openWatches, 1);
    await informer.stop();
    await flush();
    assert.equal(api.openWatches, 0);
  });
});
