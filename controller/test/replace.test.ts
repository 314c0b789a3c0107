import assert from 'node:assert/strict';
import { afterEach, describe, test } from 'node:test';
import { ANNOTATION_CONCURRENCY } from '../../src/contract/keys';
import { FakeApi } from './support/fake-api';
import { FakeClock } from './support/fake-clock';
import { Harness, startHarness } from './support/harness';
import { cronJob, finish, job, NS } from './support/objects';
import { CronJob, CRONJOBS, Job, JOBS } from '../src/kube/types';

const REPLACE = { [ANNOTATION_CONCURRENCY]: 'Replace' };

/** The two CronJobs of workload `sync`, as a ScheduledBatch with several schedules and Concurrency.replace() emits them. */
function seedCronJobs(api: FakeApi, annotations: Record<string, string> = REPLACE): CronJob[] {
  return ['sync', 'sync-1'].map((name) => {
    const c = cronJob({ name, annotations });
    c.metadata.labels = { 'cdk8s-batch.dev/workload': 'sync' };
    c.spec = { ...c.spec, concurrencyPolicy: 'Replace' };
    return api.seed(CRONJOBS, c);
  });
}

/** A running Job of workload `sync`, made by `owner` (a CronJob) or by hand. */
function runJob(name: string, created: string, owner?: CronJob, annotations: Record<string, string> = REPLACE): Job {
  const j = job({ name, workload: 'sync', created, enqueue: false, suspend: false, annotations });
  if (owner) {
    j.metadata.ownerReferences = [{ apiVersion: 'batch/v1', kind: 'CronJob', name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true }];
  }
  return j;
}

const names = (api: FakeApi) => api.objects<Job>(JOBS, NS).map((j) => j.metadata.name).sort();

describe('Replace across CronJobs', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  test('a Job of the second CronJob deletes the active Job of the first (Background, preconditioned), with a Replaced Event', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const [first, second] = seedCronJobs(api);
    const old = api.seed(JOBS, runJob('sync-29400000', '2026-01-05T09:00:00Z', first));
    h = await startHarness({ api, clock });
    assert.deepEqual(api.writes('delete', 'jobs'), [], 'one active Job replaces nothing');

    api.seed(JOBS, runJob('sync-1-29400001', '2026-01-05T09:01:00Z', second));
    await h.settle();
    assert.deepEqual(names(api), ['sync-1-29400001']);
    const [call] = api.writes('delete', 'jobs');
    assert.equal(call.name, 'sync-29400000');
    assert.deepEqual(call.body, { propagationPolicy: 'Background', preconditions: { uid: old.metadata.uid, resourceVersion: old.metadata.resourceVersion } });
    const [event] = api.events('Replaced');
    assert.equal(event.regarding.name, 'sync-1-29400001');
    assert.equal(event.note, 'Deleted Job sync-29400000 (propagation Background): Job sync-1-29400001 of CronJob sync-1 started while it was active, '
      + 'and workload sync has concurrency policy Replace across its CronJobs.');
  });

  test('finished Jobs stay; a replacing Job that already finished still replaced the older active ones; younger Jobs are not touched', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const [first, second] = seedCronJobs(api);
    const done = runJob('done', '2026-01-05T08:00:00Z', first);
    finish(done);
    api.seed(JOBS, done);
    api.seed(JOBS, runJob('old', '2026-01-05T09:00:00Z', first));
    const quick = runJob('quick', '2026-01-05T09:01:00Z', second);
    finish(quick);
    api.seed(JOBS, quick);
    // Made by hand after it, without the CronJob as owner: neither replaces nor is replaced by 'quick'.
    api.seed(JOBS, runJob('by-hand', '2026-01-05T09:02:00Z', undefined, {}));
    h = await startHarness({ api, clock });
    assert.deepEqual(names(api), ['by-hand', 'done', 'quick']);
  });

  test('only a Job the workload\'s Replace CronJobs made replaces: not one that claims the label and annotation, nor one without the annotation', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const [first, second] = seedCronJobs(api);
    api.seed(JOBS, runJob('victim', '2026-01-05T09:00:00Z', first));
    // Claims the workload and the annotation but no CronJob owns it.
    api.seed(JOBS, runJob('claims', '2026-01-05T09:01:00Z'));
    // Owner reference to a CronJob of the same name but another uid (not the workload's).
    api.seed(JOBS, runJob('forged', '2026-01-05T09:02:00Z', { ...second, metadata: { ...second.metadata, uid: 'not-the-cronjob' } }));
    // Made by the CronJob before the policy annotation was there.
    api.seed(JOBS, runJob('plain', '2026-01-05T09:03:00Z', second, {}));
    h = await startHarness({ api, clock });
    assert.deepEqual(names(api), ['claims', 'forged', 'plain', 'victim']);
    assert.deepEqual(api.writes('delete', 'jobs'), []);
  });

  test('without the annotation on the CronJobs (one CronJob, Kubernetes\' own Replace) the controller does nothing', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const [first, second] = seedCronJobs(api, {});
    api.seed(JOBS, runJob('a', '2026-01-05T09:00:00Z', first));
    api.seed(JOBS, runJob('b', '2026-01-05T09:01:00Z', second));
    h = await startHarness({ api, clock });
    assert.deepEqual(names(api), ['a', 'b']);
  });

  test('a suspended (queued) older Job is replaced too, as a JobRun\'s Replace counts it', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const [first, second] = seedCronJobs(api);
    const queued = runJob('queued', '2026-01-05T09:00:00Z', first);
    queued.spec = { ...queued.spec, suspend: true };
    api.seed(JOBS, queued);
    api.seed(JOBS, runJob('new', '2026-01-05T09:01:00Z', second));
    h = await startHarness({ api, clock });
    assert.deepEqual(names(api), ['new']);
  });
});
