import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ANNOTATION_RETRY_DELAY, ANNOTATION_RETRY_RELEASED_AT, CONDITION_PENDING_TIMEOUT, SCHEDULING_GATE_RETRY_DELAY } from '../../src/contract/keys';
import { FakeApi } from './support/fake-api';
import { FakeClock } from './support/fake-clock';
import { Harness, startHarness } from './support/harness';
import { job, NS, pod } from './support/objects';
import { ApiError } from '../src/kube/api';
import { Job, JOBS, Pod, PODS } from '../src/kube/types';

const T0 = '2026-01-05T10:00:15Z';
const at = (s: string) => Date.parse(s);
const GATE = { name: SCHEDULING_GATE_RETRY_DELAY };

function seedJob(api: FakeApi, name = 'flaky', pendingTimeoutSeconds?: number): Job {
  return api.seed(JOBS, job({ name, enqueue: false, suspend: false, pendingTimeoutSeconds }));
}

/** A pod of `owner` as the Job controller creates it from a template with the retry-delay gate. */
function gatedPod(name: string, owner: Job, opts: { created: string; delay?: string; index?: string; gates?: Array<{ name: string }> }): Pod {
  const p = pod(name, owner, { created: opts.created });
  p.metadata.labels = { ...p.metadata.labels, 'batch.kubernetes.io/controller-uid': owner.metadata.uid! };
  p.metadata.annotations = {
    [ANNOTATION_RETRY_DELAY]: opts.delay ?? '30',
    ...(opts.index !== undefined ? { 'batch.kubernetes.io/job-completion-index': opts.index } : {}),
  };
  p.spec = { schedulingGates: opts.gates ?? [GATE] };
  p.status = { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] };
  return p;
}

/** A failed attempt of `owner` whose container finished at `finishedAt`. */
function failedPod(name: string, owner: Job, created: string, finishedAt: string, index?: string): Pod {
  const p = gatedPod(name, owner, { created, index, gates: [] });
  delete p.spec!.schedulingGates;
  p.metadata.annotations![ANNOTATION_RETRY_RELEASED_AT] = created;
  p.status = { phase: 'Failed', containerStatuses: [{ name: 'main', state: { terminated: { exitCode: 3, finishedAt } } }] };
  return p;
}

const gatesOf = (api: FakeApi, name: string) => api.object<Pod>(PODS, NS, name)!.spec?.schedulingGates;

describe('retry delay', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  test('a first attempt is released at once: the gate removed, the release time stamped, no Event', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApi(clock);
    const j = seedJob(api);
    api.seed(PODS, gatedPod('flaky-a', j, { created: T0 }));
    h = await startHarness({ api, clock });
    await h.settle();
    const p = api.object<Pod>(PODS, NS, 'flaky-a')!;
    assert.equal(p.spec!.schedulingGates, undefined);
    assert.equal(p.metadata.annotations![ANNOTATION_RETRY_RELEASED_AT], '2026-01-05T10:00:15.000Z');
    const [patch] = api.writes('patch', 'pods');
    assert.equal(patch.subresource, undefined, 'the pod itself, not its status');
    assert.ok(patch.body.metadata.resourceVersion, 'preconditioned on the version read');
    assert.deepEqual(api.events('RetryDelayed'), []);
    const metric = await h.manager.metrics.registry.getSingleMetricAsString('cdk8s_batch_retry_delay_releases_total');
    assert.match(metric, /delayed="false",namespace="team-a"} 1|namespace="team-a",delayed="false"} 1/);
  });

  test('a retry is held until the delay has passed since its predecessor failed, then released with an Event', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApi(clock);
    const j = seedJob(api);
    api.seed(PODS, failedPod('flaky-a', j, '2026-01-05T10:00:00Z', '2026-01-05T10:00:04Z'));
    // Kubernetes' back-off created the retry 10 s after the failure; the delay is 30 s.
    api.seed(PODS, gatedPod('flaky-b', j, { created: '2026-01-05T10:00:14Z', gates: [{ name: 'example.com/other' }, GATE] }));
    h = await startHarness({ api, clock });
    await h.settle();
    assert.deepEqual(gatesOf(api, 'flaky-b'), [{ name: 'example.com/other' }, GATE]);

    await clock.advanceTo(at('2026-01-05T10:00:33.999Z'));
    await h.settle();
    assert.deepEqual(gatesOf(api, 'flaky-b'), [{ name: 'example.com/other' }, GATE]);
    await clock.advanceTo(at('2026-01-05T10:00:34Z'));
    await h.settle();
    // Only our gate goes; another controller's stays.
    assert.deepEqual(gatesOf(api, 'flaky-b'), [{ name: 'example.com/other' }]);
    assert.equal(api.object<Pod>(PODS, NS, 'flaky-b')!.metadata.annotations![ANNOTATION_RETRY_RELEASED_AT], '2026-01-05T10:00:34.000Z');

    const events = api.events('RetryDelayed');
    assert.equal(events.length, 1);
    assert.equal(events[0].type, 'Normal');
    assert.equal(events[0].regarding.kind, 'Pod');
    assert.equal(events[0].regarding.name, 'flaky-b');
    assert.equal(events[0].note, 'Started the next attempt of Job flaky 30 s after the failure at 2026-01-05T10:00:04Z (retry delay 30 s, cdk8s-batch.dev/retry-delay-seconds).');
  });

  test('per index: a failure of index 0 holds only index 0\'s retry; a pod of another Job never counts', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApi(clock);
    const j = seedJob(api);
    const other = seedJob(api, 'other');
    api.seed(PODS, failedPod('flaky-0-a', j, '2026-01-05T10:00:00Z', '2026-01-05T10:00:10Z', '0'));
    api.seed(PODS, gatedPod('flaky-0-b', j, { created: '2026-01-05T10:00:14Z', index: '0' }));
    api.seed(PODS, gatedPod('flaky-1-a', j, { created: '2026-01-05T10:00:14Z', index: '1' }));
    // Same label by accident, another owner: not a predecessor.
    const stray = failedPod('other-1-a', other, '2026-01-05T10:00:00Z', '2026-01-05T10:00:12Z', '1');
    stray.metadata.labels!['batch.kubernetes.io/controller-uid'] = j.metadata.uid!;
    api.seed(PODS, stray);
    h = await startHarness({ api, clock });
    await h.settle();
    assert.equal(gatesOf(api, 'flaky-1-a'), undefined);
    assert.deepEqual(gatesOf(api, 'flaky-0-b'), [GATE]);
    await clock.advanceTo(at('2026-01-05T10:00:40Z'));
    await h.settle();
    assert.equal(gatesOf(api, 'flaky-0-b'), undefined);
    assert.match(api.events('RetryDelayed')[0].note, /^Started index 0's next attempt of Job flaky 30 s after the failure at 2026-01-05T10:00:10Z/);
  });

  test('pendingTimeout does not count gated time: it counts from the release', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApi(clock);
    const j = seedJob(api, 'flaky', 10);
    api.seed(PODS, failedPod('flaky-a', j, '2026-01-05T10:00:00Z', '2026-01-05T10:00:04Z'));
    api.seed(PODS, gatedPod('flaky-b', j, { created: '2026-01-05T10:00:14Z', delay: '60' }));
    h = await startHarness({ api, clock });
    // 10 s after creation the pod is still gated, by design: not timed out.
    await clock.advanceTo(at('2026-01-05T10:00:30Z'));
    await h.settle();
    assert.equal(api.object<Pod>(PODS, NS, 'flaky-b')!.status!.phase, 'Pending');
    // Released at 10:01:04; still Pending (never scheduled) 10 s later: now it is timed out.
    await clock.advanceTo(at('2026-01-05T10:01:04Z'));
    await h.settle();
    assert.equal(gatesOf(api, 'flaky-b'), undefined);
    await clock.advanceTo(at('2026-01-05T10:01:13.999Z'));
    await h.settle();
    assert.equal(api.object<Pod>(PODS, NS, 'flaky-b')!.status!.phase, 'Pending');
    await clock.advanceTo(at('2026-01-05T10:01:14Z'));
    await h.settle();
    const p = api.object<Pod>(PODS, NS, 'flaky-b')!;
    assert.equal(p.status!.phase, 'Failed');
    assert.match(p.status!.message!, /^Pod was Pending for 10 s after its retry-delay release, longer than the Job's pending timeout of 10 s/);
    assert.ok(p.status!.conditions!.find((c) => c.type === CONDITION_PENDING_TIMEOUT));
  });

  test('an invalid delay annotation releases the pod at once, with a Warning', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApi(clock);
    const j = seedJob(api);
    api.seed(PODS, failedPod('flaky-a', j, '2026-01-05T10:00:00Z', '2026-01-05T10:00:14Z'));
    api.seed(PODS, gatedPod('flaky-b', j, { created: T0, delay: '30s' }));
    h = await startHarness({ api, clock });
    await h.settle();
    assert.equal(gatesOf(api, 'flaky-b'), undefined);
    const [warning] = api.events('InvalidRetryDelay');
    assert.equal(warning.type, 'Warning');
    assert.match(warning.note, /annotation cdk8s-batch.dev\/retry-delay-seconds: must be a whole number from 1 to 604800 \(got "30s"\)\. .* Released the pod without a retry delay\.$/);
  });

  test('a conflict on the release is retried against the new version', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApi(clock);
    const j = seedJob(api);
    api.seed(PODS, gatedPod('flaky-a', j, { created: T0 }));
    let failures = 0;
    api.intercept = (call) => {
      if (call.verb === 'patch' && call.resource === 'pods' && failures++ === 0) throw new ApiError(409, 'conflict', 'Conflict');
    };
    h = await startHarness({ api, clock });
    await clock.advance(1000);
    await h.settle();
    assert.equal(gatesOf(api, 'flaky-a'), undefined);
    assert.equal(failures, 2);
  });
});
