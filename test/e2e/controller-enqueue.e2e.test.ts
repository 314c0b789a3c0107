/**
 * The controller's Enqueue admission on the real control plane: a ScheduledBatch with
 * Concurrency.enqueue() as the library synthesizes it, the real CronJob and Job controllers,
 * kwok pods that run for a few seconds, and the controller as a subprocess. Concurrency and
 * order are read from a watch of the Jobs (every change, in commit order), not from samples.
 */
import {
  byAdmittedAt, clusterEvents, ControllerProcess, createRunsFrom, enqueueCronJob, waitUntilFinished,
} from './controller-process';
import { startLeadingController, stopLeadingController } from './support/controller-suite';
import { JobWatch } from './support/job-watch';
import { apply, getObject, waitFor } from './support/rig';

const WORKLOAD = 'nightly';

describe('controller: Enqueue', () => {
  let ns: string;
  let controller: ControllerProcess | undefined;
  const watches: JobWatch[] = [];
  beforeAll(async () => {
    ({ ns, controller } = await startLeadingController('e2e-ctl-enqueue', 'ctl-enqueue'));
  });
  afterAll(() => stopLeadingController(ns, controller, watches));

  test('admits five queued Jobs in creation order, never more than maxConcurrency 2 at once', async () => {
    apply(enqueueCronJob(WORKLOAD, { maxConcurrency: 2, runDuration: '6s' }), ns);
    const watch = await JobWatch.start(ns, `cdk8s-batch.dev/workload=${WORKLOAD}`);
    watches.push(watch);

    // Names in reverse alphabetical order, created over a second apart: the queue must follow
    // creation time, not names. Runs last 6 s, so the last three are created while two run.
    const names = ['run-e', 'run-d', 'run-c', 'run-b', 'run-a'];
    await createRunsFrom(WORKLOAD, names, ns);
    const jobs = await waitUntilFinished(ns, WORKLOAD, names.length, 180_000);

    expect(watch.maxActive()).toBe(2); // saturated, never above
    expect(watch.admissionOrder()).toEqual(names);
    expect(byAdmittedAt(jobs)).toEqual(names);
    expect(jobs.every((j) => j.status.succeeded === 1)).toBe(true);

    // One Admitted Event per Job, from the controller.
    const admitted = clusterEvents(ns, 'Admitted');
    expect(admitted.map((e) => e.involvedObject.name).sort()).toEqual([...names].sort());
    expect(admitted[0].reportingComponent).toBe('cdk8s-batch.dev/controller');
    expect(admitted[0].reportingInstance).toBe('ctl-enqueue');
    expect(await controller!.metric('cdk8s_batch_enqueue_admissions_total', { namespace: ns })).toBe(5);
    expect(await controller!.metric('cdk8s_batch_reconcile_errors_total')).toBe(0);
  });

  test('the queue cap deletes the newest excess Job with a QueueFull Event on the CronJob', async () => {
    // cap-1 runs for a long time, so cap-2 and cap-3 are created while it runs.
    apply(enqueueCronJob('capped', { maxConcurrency: 1, maxQueued: 1, runDuration: '120s' }), ns);
    await createRunsFrom('capped', ['cap-1', 'cap-2', 'cap-3'], ns);
    // cap-1 runs, cap-2 waits (max-queued 1), cap-3 is dropped.
    await waitFor(() => !getObject('job', 'cap-3', ns), 60_000, { description: 'cap-3 deleted' });
    expect(getObject('job', 'cap-1', ns).spec.suspend).toBe(false);
    expect(getObject('job', 'cap-2', ns).spec.suspend).toBe(true);
    const full = await waitFor(() => clusterEvents(ns, 'QueueFull')[0], 30_000, { description: 'QueueFull Event' });
    expect(full.type).toBe('Warning');
    expect(full.involvedObject).toMatchObject({ kind: 'CronJob', name: 'capped' });
    expect(full.message).toMatch(/Deleted queued Job cap-3: 2 Jobs of workload capped were waiting, more than max-queued 1/);
    expect(clusterEvents(ns, 'QueueFull')).toHaveLength(1);
  });
});
