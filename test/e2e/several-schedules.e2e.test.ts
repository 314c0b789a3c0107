/**
 * A ScheduledBatch with several schedules on the real control plane (docs/several-schedules.md):
 * its CronJobs are accepted, `kubectl create job --from` works on each, and one concurrency
 * policy holds across them, kept by the controller (a subprocess) by the workload label.
 * Concurrency is read from a watch of the Jobs (every change, in commit order).
 */
import { Testing } from 'cdk8s';
import {
  clusterEvents, ControllerProcess, controllerTestChart, createRunsFrom, deleteControllerRbac, waitUntilFinished,
} from './controller-process';
import { Concurrency, Schedule, ScheduledBatch } from '../../src';
import { JobWatch } from './support/job-watch';
import { apply, applyServerDryRun, createNamespace, deleteNamespace, getObject, waitFor } from './support/rig';

/** Two schedules that never merge (different hours and days), suspended: the tests start runs with --from. */
function twoSchedules(name: string, concurrency: Concurrency, runDuration: string): any[] {
  const chart = controllerTestChart();
  new ScheduledBatch(chart, name, {
    metadata: { name },
    schedules: [Schedule.cron('0 9 * * 1-5'), Schedule.cron('30 12 * * 6,0')],
    suspend: true,
    concurrency,
    successfulJobsRetained: 20,
    failedJobsRetained: 20,
    maxAttempts: 1,
    podMetadata: { annotations: { 'e2e.cdk8s-batch.dev/run-duration': runDuration } },
    containers: [{ name: 'main', image: 'registry.example/batch/worker:1.0' }],
  });
  return Testing.synth(chart);
}

describe('several schedules', () => {
  let ns: string;
  let controller: ControllerProcess | undefined;
  const watches: JobWatch[] = [];
  beforeAll(async () => {
    ns = await createNamespace('e2e-several');
    controller = await ControllerProcess.start({ namespace: ns, identity: 'ctl-several' });
    await waitFor(() => controller!.isLeader(), 30_000, { description: 'controller leads' });
  });
  afterAll(async () => {
    watches.forEach((w) => w.stop());
    await controller?.stop();
    deleteControllerRbac(ns);
    deleteNamespace(ns);
  });

  test('the CronJobs of one workload and their union pass server-side dry-run', () => {
    const objects = twoSchedules('dry', Concurrency.enqueue({ maxConcurrency: 2 }), '1s');
    expect(objects.filter((o) => o.kind === 'CronJob').map((o) => o.metadata.name)).toEqual(['dry', 'dry-1']);
    expect(() => applyServerDryRun(objects, ns)).not.toThrow();
    const chart = Testing.chart();
    new ScheduledBatch(chart, 'merged', {
      metadata: { name: 'merged' },
      schedules: [Schedule.cron('0 9 * * 1-5'), Schedule.cron('0 9 * * 6,0'), Schedule.cron('30 9 * * 1-5')],
      containers: [{ name: 'main', image: 'registry.example/batch/worker:1.0' }],
    });
    const merged = Testing.synth(chart);
    expect(merged.map((o) => [o.metadata.name, o.spec.schedule])).toEqual([['merged', '0 9 * * 1-5,6,0'], ['merged-2', '30 9 * * 1-5']]);
    // The API server's CronJob validation parses the merged expression.
    expect(() => applyServerDryRun(merged, ns)).not.toThrow();
  });

  test('Forbid holds across the CronJobs: a run from the second CronJob while one from the first is active is dropped', async () => {
    apply(twoSchedules('sync', Concurrency.forbid(), '20s'), ns);
    const watch = await JobWatch.start(ns, 'cdk8s-batch.dev/workload=sync');
    watches.push(watch);
    // One run from each CronJob, a second apart: the first runs for 20 s, so the second is due while it is active.
    await createRunsFrom('sync', ['from-first'], ns);
    await createRunsFrom('sync-1', ['from-second'], ns);
    await waitFor(() => !getObject('job', 'from-second', ns), 60_000, { description: 'from-second deleted' });
    const full = await waitFor(() => clusterEvents(ns, 'QueueFull')[0], 30_000, { description: 'QueueFull Event' });
    expect(full.involvedObject).toMatchObject({ kind: 'CronJob', name: 'sync-1' });
    expect(full.message).toMatch(/Deleted queued Job from-second: 1 Jobs of workload sync were waiting, more than max-queued 0/);

    // After the first has finished, a run from the second CronJob is admitted.
    await waitUntilFinished(ns, 'sync', 1, 120_000);
    await createRunsFrom('sync-1', ['later'], ns);
    const jobs = await waitUntilFinished(ns, 'sync', 2, 120_000);
    expect(jobs.map((j) => j.metadata.name).sort()).toEqual(['from-first', 'later']);
    expect(jobs.every((j) => j.status.succeeded === 1)).toBe(true);
    expect(jobs.map((j) => j.metadata.ownerReferences[0].name).sort()).toEqual(['sync', 'sync-1']);
    expect(watch.maxActive()).toBe(1);
    expect(clusterEvents(ns, 'QueueFull')).toHaveLength(1);
  }, 300_000);

  test('Enqueue holds across the CronJobs: runs from both queue as one, oldest first, maxConcurrency in all', async () => {
    apply(twoSchedules('queue', Concurrency.enqueue({ maxConcurrency: 1 }), '4s'), ns);
    const watch = await JobWatch.start(ns, 'cdk8s-batch.dev/workload=queue');
    watches.push(watch);
    await createRunsFrom('queue', ['q-c'], ns);
    await createRunsFrom('queue-1', ['q-b'], ns);
    await createRunsFrom('queue', ['q-a'], ns);
    const jobs = await waitUntilFinished(ns, 'queue', 3, 180_000);
    expect(jobs.every((j) => j.status.succeeded === 1)).toBe(true);
    expect(watch.maxActive()).toBe(1);
    expect(watch.admissionOrder()).toEqual(['q-c', 'q-b', 'q-a']);
  }, 300_000);
});
