import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { CONDITION_PENDING_TIMEOUT } from '../../src/contract/keys';
import { FakeApi } from './support/fake-api';
import { FakeClock } from './support/fake-clock';
import { Harness, startHarness } from './support/harness';
import { finish, job, NS, pod } from './support/objects';
import { ApiError } from '../src/kube/api';
import { Job, JOBS, Pod, PODS } from '../src/kube/types';

const T0 = '2026-01-05T10:00:00Z';
const at = (s: string) => Date.parse(s);

function seedJob(api: FakeApi, timeout?: number | string, extra: Partial<Job['spec']> = {}): Job {
  const j = job({ name: 'run-1', enqueue: false, suspend: false, pendingTimeoutSeconds: timeout });
  j.spec = { ...j.spec, ...extra };
  return api.seed(JOBS, j);
}

describe('pending timeout', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  test('fails a pod Pending past the limit (status Failed + condition) and emits an Event on the Job', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApi(clock);
    const j = seedJob(api, 300);
    api.seed(PODS, pod('run-1-abcde', j, { created: '2026-01-05T09:58:00Z' }));
    h = await startHarness({ api, clock });
    assert.equal(api.object<Pod>(PODS, NS, 'run-1-abcde')!.status!.phase, 'Pending');

    // Due at 10:03:00; the requeue timer fires exactly then.
    await clock.advanceTo(at('2026-01-05T10:02:59.999Z'));
    await h.settle();
    assert.equal(api.object<Pod>(PODS, NS, 'run-1-abcde')!.status!.phase, 'Pending');
    await clock.advanceTo(at('2026-01-05T10:03:00Z'));
    await h.settle();

    const p = api.object<Pod>(PODS, NS, 'run-1-abcde')!;
    assert.equal(p.status!.phase, 'Failed');
    assert.equal(p.status!.reason, 'PendingTimeout');
    assert.match(p.status!.message!, /Pending for 300 s, longer than the Job's pending timeout of 300 s/);
    const condition = p.status!.conditions!.find((c) => c.type === CONDITION_PENDING_TIMEOUT)!;
    assert.equal(condition.status, 'True');
    assert.equal(condition.lastTransitionTime, '2026-01-05T10:03:00Z');
    // The existing conditions are kept (a merge patch replaces the whole list).
    assert.ok(p.status!.conditions!.find((c) => c.type === 'PodScheduled'));

    const [patch] = api.writes('patch', 'pods');
    assert.equal(patch.subresource, 'status');
    assert.ok(patch.body.metadata.resourceVersion, 'preconditioned on the version read');

    const events = api.events('PendingTimeout');
    assert.equal(events.length, 1);
    assert.equal(events[0].type, 'Warning');
    assert.equal(events[0].regarding.kind, 'Job');
    assert.equal(events[0].regarding.name, 'run-1');
    assert.match(events[0].note, /Pod run-1-abcde was Pending for 300 s \(pending timeout 300 s\): marked it Failed, which counts as one failed attempt \(backoffLimit 2\)/);
    const metric = await h.manager.metrics.registry.getSingleMetricAsString('cdk8s_batch_pending_timeout_failures_total');
    assert.match(metric, /namespace="team-a"} 1/);
  });

  test('a pod already past the limit when the controller starts is failed at once', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApi(clock);
    const j = seedJob(api, 60);
    api.seed(PODS, pod('run-1-old', j, { created: '2026-01-05T09:00:00Z' }));
    h = await startHarness({ api, clock });
    assert.equal(api.object<Pod>(PODS, NS, 'run-1-old')!.status!.phase, 'Failed');
  });

  test('leaves pods alone that start in time, have no timeout, or belong to a suspended or finished Job', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApi(clock);
    const timed = seedJob(api, 60);
    api.seed(PODS, pod('starts', timed, { created: T0 }));
    const untimed = api.seed(JOBS, job({ name: 'untimed', enqueue: false, suspend: false }));
    api.seed(PODS, pod('untimed-pod', untimed, { created: '2026-01-05T09:00:00Z' }));
    const suspended = api.seed(JOBS, job({ name: 'suspended', enqueue: false, suspend: true, pendingTimeoutSeconds: 1 }));
    api.seed(PODS, pod('suspended-pod', suspended, { created: '2026-01-05T09:00:00Z' }));
    // A finished Job whose pod is still Pending (being cleaned up): the run is over, nothing to fail.
    const done = job({ name: 'done', enqueue: false, suspend: false, pendingTimeoutSeconds: 1 });
    finish(done);
    api.seed(PODS, pod('done-pod', api.seed(JOBS, done), { created: '2026-01-05T09:00:00Z' }));
    h = await startHarness({ api, clock });

    await clock.advance(30_000);
    api.update<Pod>(PODS, NS, 'starts', (p) => { p.status = { phase: 'Running' }; });
    await h.settle();
    await clock.advance(120_000);
    await h.settle();
    assert.equal(api.writes('patch', 'pods').length, 0);
    assert.equal(api.object<Pod>(PODS, NS, 'starts')!.status!.phase, 'Running');
    for (const name of ['untimed-pod', 'suspended-pod', 'done-pod']) {
      assert.equal(api.object<Pod>(PODS, NS, name)!.status!.phase, 'Pending', name);
    }
    assert.deepEqual(api.events('PendingTimeout'), []);
  });

  test('an invalid timeout is reported once and not enforced', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApi(clock);
    const j = seedJob(api, '5m');
    api.seed(PODS, pod('p1', j, { created: '2026-01-05T09:00:00Z' }));
    api.seed(PODS, pod('p2', j, { created: '2026-01-05T09:00:00Z' }));
    h = await startHarness({ api, clock });
    assert.equal(api.writes('patch', 'pods').length, 0);
    const events = api.events('InvalidPendingTimeout');
    assert.equal(events.length, 1);
    assert.match(events[0].note, /pending-timeout-seconds: must be a whole number from 1 to \d+ \(got "5m"\)/);
  });

  test('a conflict on the pod status is retried against the new version', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApi(clock);
    const j = seedJob(api, 60);
    api.seed(PODS, pod('p1', j, { created: '2026-01-05T09:00:00Z' }));
    let failures = 0;
    api.intercept = (call) => {
      if (call.verb === 'patch' && call.resource === 'pods' && failures++ === 0) throw new ApiError(409, 'conflict', 'Conflict');
    };
    h = await startHarness({ api, clock });
    assert.equal(api.object<Pod>(PODS, NS, 'p1')!.status!.phase, 'Pending');
    await clock.advance(1000);
    await h.settle();
    assert.equal(api.object<Pod>(PODS, NS, 'p1')!.status!.phase, 'Failed');
    assert.equal(api.events('PendingTimeout').length, 1);
  });
});
