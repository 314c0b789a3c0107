import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ANNOTATION_WINDOW_SUSPENDED } from '../../src/contract/keys';
import { FakeApi } from './support/fake-api';
import { FakeClock } from './support/fake-clock';
import { Harness, startHarness } from './support/harness';
import { cronJob, NS } from './support/objects';
import { CronJob, CRONJOBS } from '../src/kube/types';

const T0 = '2026-01-05T10:00:00Z';
const get = (api: FakeApi, name = 'nightly') => api.object<CronJob>(CRONJOBS, NS, name)!;

describe('run window', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  test('suspends before notBefore, resumes at notBefore, suspends again at notAfter', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApi(clock);
    api.seed(CRONJOBS, cronJob({ notBefore: '2026-01-05T10:30:00Z', notAfter: '2026-01-05T11:00:00Z' }));
    h = await startHarness({ api, clock });

    let cron = get(api);
    assert.equal(cron.spec!.suspend, true);
    assert.equal(cron.metadata.annotations![ANNOTATION_WINDOW_SUSPENDED], 'not-before');
    const suspended = api.events('SuspendedOutsideWindow');
    assert.equal(suspended.length, 1);
    assert.match(suspended[0].note, /the run window \[2026-01-05T10:30:00.000Z, 2026-01-05T11:00:00.000Z\) has not started yet/);
    // The only write is one conditional patch.
    const patches = api.writes('patch', 'cronjobs');
    assert.equal(patches.length, 1);
    assert.ok(patches[0].body.metadata.resourceVersion);

    // Nothing happens until the boundary, then the requeue timer resumes it, on time.
    await clock.advanceTo(Date.parse('2026-01-05T10:29:59.999Z'));
    await h.settle();
    assert.equal(get(api).spec!.suspend, true);
    await clock.advanceTo(Date.parse('2026-01-05T10:30:00Z'));
    await h.settle();
    cron = get(api);
    assert.equal(cron.spec!.suspend, false);
    assert.equal(cron.metadata.annotations![ANNOTATION_WINDOW_SUSPENDED], undefined);
    assert.equal(api.events('ResumedInsideWindow').length, 1);
    assert.equal(api.events('NoStartingDeadline').length, 0, 'the CronJob has a starting deadline');

    await clock.advanceTo(Date.parse('2026-01-05T11:00:00Z'));
    await h.settle();
    cron = get(api);
    assert.equal(cron.spec!.suspend, true);
    assert.equal(cron.metadata.annotations![ANNOTATION_WINDOW_SUSPENDED], 'not-after');
    assert.match(api.events('SuspendedOutsideWindow')[1].note, /has ended/);
    const metrics = await h.manager.metrics.registry.getSingleMetricAsString('cdk8s_batch_window_suspensions_total');
    assert.match(metrics, /namespace="team-a"} 2/);

    // After the end there is nothing left to wait for.
    const writes = api.writes().length;
    await clock.advance(24 * 3600_000);
    await h.settle();
    assert.equal(api.writes().length, writes);
  });

  test('a manual suspend inside the window is kept', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApi(clock);
    api.seed(CRONJOBS, cronJob({ notBefore: '2026-01-05T09:00:00Z', notAfter: '2026-01-05T12:00:00Z' }));
    h = await startHarness({ api, clock });
    assert.equal(api.writes().length, 0, 'inside the window and running: nothing to do');

    api.update<CronJob>(CRONJOBS, NS, 'nightly', (c) => { c.spec!.suspend = true; });
    await h.settle();
    await clock.advance(60_000);
    await h.settle();
    assert.equal(get(api).spec!.suspend, true);
    assert.equal(api.writes('patch', 'cronjobs').length, 0);

    // At the end it stays suspended, without the controller's marker: it was never ours.
    await clock.advanceTo(Date.parse('2026-01-05T12:00:00Z'));
    await h.settle();
    assert.equal(get(api).spec!.suspend, true);
    assert.equal(get(api).metadata.annotations![ANNOTATION_WINDOW_SUSPENDED], undefined);
  });

  test('a CronJob suspended by the user before the window stays suspended when it opens', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApi(clock);
    api.seed(CRONJOBS, cronJob({ notBefore: '2026-01-05T10:30:00Z', suspend: true }));
    h = await startHarness({ api, clock });
    await clock.advanceTo(Date.parse('2026-01-05T10:31:00Z'));
    await h.settle();
    assert.equal(get(api).spec!.suspend, true);
    assert.equal(api.writes().length, 0);
  });

  test('outside the window a CronJob resumed by hand is suspended again', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApi(clock);
    api.seed(CRONJOBS, cronJob({ notAfter: '2026-01-05T09:00:00Z' }));
    h = await startHarness({ api, clock });
    assert.equal(get(api).spec!.suspend, true);
    api.update<CronJob>(CRONJOBS, NS, 'nightly', (c) => { c.spec!.suspend = false; });
    await h.settle();
    assert.equal(get(api).spec!.suspend, true);
    // Two suspensions; the identical Event is not repeated within 10 minutes.
    const metric = await h.manager.metrics.registry.getSingleMetricAsString('cdk8s_batch_window_suspensions_total');
    assert.match(metric, /namespace="team-a"} 2/);
    assert.equal(api.events('SuspendedOutsideWindow').length, 1);
  });

  test('moving the window resumes a CronJob the controller suspended; removing it too', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApi(clock);
    api.seed(CRONJOBS, cronJob({ notBefore: '2026-02-01T00:00:00Z', startingDeadlineSeconds: null }));
    h = await startHarness({ api, clock });
    assert.equal(get(api).spec!.suspend, true);

    api.update<CronJob>(CRONJOBS, NS, 'nightly', (c) => { c.metadata.annotations!['cdk8s-batch.dev/not-before'] = '2026-01-01T00:00:00Z'; });
    await h.settle();
    assert.equal(get(api).spec!.suspend, false);
    // Without a starting deadline, a missed run could start now: say so.
    assert.equal(api.events('NoStartingDeadline').length, 1);

    api.update<CronJob>(CRONJOBS, NS, 'nightly', (c) => { c.metadata.annotations!['cdk8s-batch.dev/not-before'] = '2026-03-01T00:00:00Z'; });
    await h.settle();
    assert.equal(get(api).spec!.suspend, true);
    api.update<CronJob>(CRONJOBS, NS, 'nightly', (c) => { delete c.metadata.annotations!['cdk8s-batch.dev/not-before']; });
    await h.settle();
    assert.equal(get(api).spec!.suspend, false);
    assert.equal(get(api).metadata.annotations![ANNOTATION_WINDOW_SUSPENDED], undefined);
    assert.equal(api.events('WindowRemoved').length, 1);
  });

  test('an invalid window is reported and not enforced', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApi(clock);
    api.seed(CRONJOBS, cronJob({ notBefore: 'tomorrow' }));
    h = await startHarness({ api, clock });
    assert.equal(get(api).spec!.suspend, false);
    const warning = api.events('InvalidWindow');
    assert.equal(warning.length, 1);
    assert.equal(warning[0].type, 'Warning');
    assert.equal(warning[0].note, 'annotation cdk8s-batch.dev/not-before: is not an RFC 3339 timestamp with date, time and offset (got "tomorrow"). '
      + 'Write an RFC 3339 time such as 2026-12-01T00:00:00Z (as ScheduledBatch\'s notBefore and notAfter write it), or synthesize the workload again. '
      + 'The run window is not enforced until it is fixed.');
    // Reconciling again does not repeat the Event.
    api.update<CronJob>(CRONJOBS, NS, 'nightly', (c) => { c.status = { lastScheduleTime: T0 }; });
    await h.settle();
    assert.equal(api.events('InvalidWindow').length, 1);
  });

  test('a conflict on the CronJob is retried', async () => {
    const clock = new FakeClock(T0);
    const api = new FakeApi(clock);
    api.seed(CRONJOBS, cronJob({ notBefore: '2026-01-05T11:00:00Z' }));
    api.pauseWatches();
    h = await startHarness({ api, clock });
    assert.equal(get(api).spec!.suspend, true);
    // The user resumes it while our cache is stale; our next patch must not be based on the old version.
    api.update<CronJob>(CRONJOBS, NS, 'nightly', (c) => { c.spec!.suspend = false; });
    for (const c of h.manager.controllers) c.enqueue(`${NS}/nightly`);
    await h.settle();
    api.resumeWatches();
    await h.settle();
    assert.equal(get(api).spec!.suspend, true);
    assert.equal(get(api).metadata.annotations![ANNOTATION_WINDOW_SUSPENDED], 'not-before');
  });
});
