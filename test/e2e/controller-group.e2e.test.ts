/**
 * Concurrency groups on the real control plane: three workloads of three kinds (a
 * ScheduledBatch, a ParameterizedJob run by JobRuns, a ParallelMatrixJob) share a
 * ConcurrencyGroup of 1, as the library synthesizes them; the real CronJob and Job
 * controllers, kwok pods that run a few seconds, the controller as a subprocess under the
 * BatchController's RBAC. Overlap and order are read from a watch of the group's Jobs (every
 * change, in commit order), not from samples.
 */
import { Testing } from 'cdk8s';
import {
  byAdmittedAt, clusterEvents, ControllerProcess, controllerTestChart, sleep,
} from './controller-process';
import { startLeadingController, stopLeadingController } from './support/controller-suite';
import { JobWatch } from './support/job-watch';
import { apply, kubectl, listObjects, waitFor } from './support/rig';
import { ConcurrencyGroup, Matrix, ParallelMatrixJob, ParameterizedJob, Schedule, ScheduledBatch } from '../../src';
import { jobRunManifest } from '../../src/runs';

const IMAGE = 'registry.example/batch/worker:1.0';
const GROUP = 'orders-db';
/** Each run lasts this long on its kwok node: long enough that the burst queues up behind the first. */
const RUN = { annotations: { 'e2e.cdk8s-batch.dev/run-duration': '4s' } };

const isFinished = (j: any) => (j.status?.conditions ?? []).some((c: any) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

describe('controller: ConcurrencyGroup', () => {
  let ns: string;
  let controller: ControllerProcess | undefined;
  const watches: JobWatch[] = [];
  beforeAll(async () => {
    ({ ns, controller } = await startLeadingController('e2e-ctl-group', 'ctl-group'));
  });
  afterAll(() => stopLeadingController(ns, controller, watches));

  test('three workloads in a group of 1 never overlap under a burst, and start oldest first across them', async () => {
    const group = new ConcurrencyGroup({ name: GROUP, maxConcurrency: 1 });
    const workloads = controllerTestChart();
    new ScheduledBatch(workloads, 'export', {
      metadata: { name: 'export' },
      schedule: Schedule.cron('0 0 1 1 *'),
      suspend: true, // runs are made with kubectl create job --from, at the test's pace
      successfulJobsRetained: 20,
      maxAttempts: 1,
      concurrencyGroup: group,
      podMetadata: RUN,
      containers: [{ name: 'main', image: IMAGE }],
    });
    new ParameterizedJob(workloads, 'import', {
      metadata: { name: 'import' },
      maxAttempts: 1,
      concurrencyGroup: group,
      podMetadata: RUN,
      containers: [{ name: 'main', image: IMAGE }],
    });
    apply(Testing.synth(workloads), ns);
    const matrix = controllerTestChart();
    new ParallelMatrixJob(matrix, 'reindex', {
      metadata: { name: 'reindex' },
      matrix: Matrix.of({ shard: ['a'] }),
      maxAttempts: 1,
      concurrencyGroup: group,
      podMetadata: RUN,
      containers: [{ name: 'main', image: IMAGE }],
    });
    const watch = await JobWatch.start(ns, `cdk8s-batch.dev/concurrency-group=${GROUP}`);
    watches.push(watch);

    // The burst: interleaved across the three workloads, names out of alphabetical order,
    // each created over a second after the one before (creation times have whole seconds).
    const order = ['export-2', 'import-b', 'reindex', 'export-1', 'import-a'];
    for (const name of order) {
      if (name.startsWith('export')) kubectl(['create', 'job', name, '--from=cronjob/export', '-n', ns]);
      else if (name === 'reindex') apply(Testing.synth(matrix), ns);
      else apply(jobRunManifest({ name, workload: 'import', templateName: 'import' }), ns);
      // The JobRun's Job is created by the controller: wait for it before the next one.
      await waitFor(() => listObjects('jobs', ns, `cdk8s-batch.dev/concurrency-group=${GROUP}`).some((j: any) => j.metadata.name === name),
        30_000, { description: `Job ${name} created` });
      await sleep(1100);
    }
    const jobs = await waitFor(() => {
      const all = listObjects('jobs', ns, `cdk8s-batch.dev/concurrency-group=${GROUP}`);
      return all.length === order.length && all.every(isFinished) ? all : undefined;
    }, 180_000, { description: 'every Job of the group finished', intervalMs: 500 });

    expect(watch.maxActive()).toBe(1);
    expect(watch.admissionOrder()).toEqual(order);
    expect(byAdmittedAt(jobs)).toEqual(order);
    const byCreation = [...jobs].sort((a, b) => Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp));
    expect(byCreation.map((j) => j.metadata.name)).toEqual(order);
    expect(jobs.every((j) => j.status.succeeded >= 1)).toBe(true);
    // The group is a queue apart from each Job's workload.
    expect(Object.fromEntries(jobs.map((j) => [j.metadata.name, j.metadata.labels['cdk8s-batch.dev/workload']]))).toEqual({
      'export-1': 'export', 'export-2': 'export', 'import-a': 'import', 'import-b': 'import', 'reindex': 'reindex',
    });
    const admitted = clusterEvents(ns, 'Admitted');
    expect(admitted.map((e) => e.involvedObject.name).sort()).toEqual([...order].sort());
    expect(admitted.every((e) => /^Admitted from concurrency group orders-db \(workload \w+\): 1 of at most 1 Jobs of the group running/.test(e.message))).toBe(true);
    expect(await controller!.metric('cdk8s_batch_reconcile_errors_total')).toBe(0);
    // The JobRuns say their runs waited in the queue, then succeeded.
    for (const name of ['import-a', 'import-b']) {
      const run = await waitFor(() => {
        const r = JSON.parse(kubectl(['get', 'jobrun', name, '-n', ns, '-o', 'json']));
        return r.status?.phase === 'Succeeded' ? r : undefined;
      }, 60_000, { description: `JobRun ${name} Succeeded` });
      expect(run.status.jobName).toBe(name);
    }
  });
});
