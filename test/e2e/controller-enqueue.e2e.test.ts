/**
 * The controller's Enqueue admission on the real control plane: the real CronJob and Job
 * controllers, kwok pods that run for a few seconds, and the controller as a subprocess.
 */
import {
  activeJobs, clusterEvents, ControllerProcess, deleteControllerRbac, enqueueCronJob, JobSample, maxOverlap, sleep, watchUntilFinished,
} from './controller-process';
import { apply, createNamespace, deleteNamespace, getObject, kubectl, listObjects, waitFor } from './support/rig';

const WORKLOAD = 'nightly';

describe('controller: Enqueue', () => {
  let ns: string;
  let controller: ControllerProcess | undefined;
  beforeAll(async () => {
    ns = await createNamespace('e2e-ctl-enqueue');
  });
  afterAll(async () => {
    await controller?.stop();
    deleteControllerRbac(ns);
    deleteNamespace(ns);
  });

  test('admits five queued Jobs in creation order, never more than maxConcurrency 2 at once', async () => {
    controller = await ControllerProcess.start({ namespace: ns, identity: 'ctl-enqueue' });
    await waitFor(() => controller!.isLeader(), 30_000, { description: 'controller leads' });
    apply(enqueueCronJob(WORKLOAD, 2, '4s'), ns);

    // Names in reverse alphabetical order, created over one second apart: the queue must
    // follow creation time, not names.
    const names = ['run-e', 'run-d', 'run-c', 'run-b', 'run-a'];
    const samples: JobSample[] = [];
    let maxActive = 0;
    const record = (s: JobSample) => {
      samples.push(s);
      maxActive = Math.max(maxActive, s.active.length);
    };
    for (const name of names) {
      kubectl(['create', 'job', name, `--from=cronjob/${WORKLOAD}`, '-n', ns]);
      const jobs = listObjects('jobs', ns, `cdk8s-batch.dev/workload=${WORKLOAD}`);
      record({ at: Date.now(), active: activeJobs(jobs) });
      await sleep(1100);
    }
    await watchUntilFinished(ns, names.length, 120_000, record);

    expect(maxActive).toBe(2); // saturated, never above
    const jobs = listObjects('jobs', ns, `cdk8s-batch.dev/workload=${WORKLOAD}`);
    const byAdmission = [...jobs].sort((a, b) =>
      Date.parse(a.metadata.annotations['cdk8s-batch.dev/admitted-at']) - Date.parse(b.metadata.annotations['cdk8s-batch.dev/admitted-at']));
    expect(byAdmission.map((j) => j.metadata.name)).toEqual(names);
    expect(jobs.every((j) => j.status.succeeded === 1)).toBe(true);
    expect(maxOverlap(jobs)).toBeLessThanOrEqual(2);

    // One Admitted Event per Job, from the controller.
    const admitted = clusterEvents(ns, 'Admitted');
    expect(admitted.map((e) => e.involvedObject.name).sort()).toEqual([...names].sort());
    expect(admitted[0].reportingComponent).toBe('cdk8s-batch.dev/controller');
    expect(admitted[0].reportingInstance).toBe('ctl-enqueue');
    expect(await controller.metric('cdk8s_batch_enqueue_admissions_total', { namespace: ns })).toBe(5);
    expect(await controller.metric('cdk8s_batch_reconcile_errors_total')).toBe(0);
  });

  test('the queue cap deletes the newest excess Job with a QueueFull Event on the CronJob', async () => {
    const cron = enqueueCronJob('capped', 1, '30s');
    (cron.metadata.annotations as any)['cdk8s-batch.dev/max-queued'] = '1';
    (cron.spec.jobTemplate.metadata.annotations as any)['cdk8s-batch.dev/max-queued'] = '1';
    apply(cron, ns);
    for (const name of ['cap-1', 'cap-2', 'cap-3']) {
      kubectl(['create', 'job', name, '--from=cronjob/capped', '-n', ns]);
      await sleep(1100);
    }
    // cap-1 runs, cap-2 waits (max-queued 1), cap-3 is dropped.
    await waitFor(() => !getObject('job', 'cap-3', ns), 30_000, { description: 'cap-3 deleted' });
    expect(getObject('job', 'cap-1', ns).spec.suspend).toBe(false);
    expect(getObject('job', 'cap-2', ns).spec.suspend).toBe(true);
    const full = await waitFor(() => clusterEvents(ns, 'QueueFull')[0], 10_000, { description: 'QueueFull Event' });
    expect(full.type).toBe('Warning');
    expect(full.involvedObject).toMatchObject({ kind: 'CronJob', name: 'capped' });
    expect(full.message).toMatch(/Deleted queued Job cap-3: 2 Jobs of workload capped were waiting, more than max-queued 1/);
  });
});
