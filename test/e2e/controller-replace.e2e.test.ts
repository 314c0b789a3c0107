/**
 * Replace across the CronJobs of a workload with several schedules (docs/several-schedules.md)
 * on the real control plane: the controller (a subprocess under the BatchController's RBAC)
 * deletes the older active Job when a CronJob of the workload makes a newer one, the real
 * CronJob controller's Jobs pass the BatchController's admission policy, and a user without
 * `delete jobs` cannot make such a Job by hand (`kubectl create job --from`).
 */
import { Testing } from 'cdk8s';
import { clusterEvents, ControllerProcess, controllerTestChart, createRunsFrom, deleteControllerRbac } from './controller-process';
import { apply, createNamespace, deleteNamespace, getObject, KubectlError, kubectl, listObjects, waitFor } from './support/rig';
import { BatchController, Concurrency, Schedule, ScheduledBatch } from '../../src';

/** The BatchController's admission policies and bindings, as it synthesizes them. */
function admissionPolicies(): any[] {
  const chart = Testing.chart();
  new BatchController(chart, 'controller', { installCrds: false, createNamespace: false });
  return Testing.synth(chart).filter((o) => o.kind.startsWith('ValidatingAdmissionPolicy'));
}

/** A Replace workload with two CronJobs that never merge; kwok pods run `runDuration`. */
function replaceWorkload(name: string, schedules: string[], suspend: boolean): any[] {
  const chart = controllerTestChart();
  new ScheduledBatch(chart, name, {
    metadata: { name },
    schedules: schedules.map((s) => Schedule.cron(s)),
    suspend,
    concurrency: Concurrency.replace(),
    maxAttempts: 1,
    podMetadata: { annotations: { 'e2e.cdk8s-batch.dev/run-duration': '300s' } },
    containers: [{ name: 'main', image: 'registry.example/batch/worker:1.0' }],
  });
  return Testing.synth(chart);
}

describe('controller: Replace across several schedules', () => {
  let ns: string;
  let controller: ControllerProcess | undefined;
  const user = (name: string) => `system:serviceaccount:${ns}:${name}`;

  beforeAll(async () => {
    ns = await createNamespace('e2e-ctl-replace');
    controller = await ControllerProcess.start({ namespace: ns, identity: 'ctl-replace' });
    apply(admissionPolicies());
    // May create Jobs from CronJobs, may not delete Jobs.
    apply([
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'creator' } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'creator' },
        rules: [{ apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get'] }, { apiGroups: ['batch'], resources: ['cronjobs'], verbs: ['get'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: 'creator' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'creator' },
        subjects: [{ kind: 'ServiceAccount', name: 'creator', namespace: ns }],
      },
    ], ns);
    apply(replaceWorkload('swap', ['0 9 * * 1-5', '30 12 * * 6,0'], true), ns);
    await waitFor(() => controller!.isLeader(), 30_000, { description: 'controller leads' });
    // The API server loads new policies asynchronously: wait until the Job policy is in force.
    await waitFor(() => {
      try {
        kubectl(['create', 'job', 'probe', '--from=cronjob/swap', '-n', ns, `--as=${user('creator')}`, '--dry-run=server']);
        return false;
      } catch (e) {
        return e instanceof KubectlError && e.stderr.includes('may not delete jobs.batch');
      }
    }, 30_000, { description: 'the admission policy denies' });
  });
  afterAll(async () => {
    await controller?.stop();
    deleteControllerRbac(ns);
    deleteNamespace(ns);
  });

  test('a run from the second CronJob while one from the first is active: the older Job is deleted, the newer runs', async () => {
    await createRunsFrom('swap', ['first'], ns, { gapMs: 0 });
    const first = await waitFor(() => {
      const j = getObject('job', 'first', ns);
      return j?.status?.startTime ? j : undefined;
    }, 60_000, { description: 'first started' });
    expect(first.metadata.annotations['cdk8s-batch.dev/concurrency-policy']).toBe('Replace');
    await createRunsFrom('swap-1', ['second'], ns, { gapMs: 0 });

    // The controller's record of it, on the newer Job.
    const event = await waitFor(() => clusterEvents(ns, 'Replaced').find((e) => e.involvedObject.name === 'second'), 60_000,
      { description: 'Replaced Event' });
    expect(event.message).toBe('Deleted Job first (propagation Background): Job second of CronJob swap-1 started while it was active, '
      + 'and workload swap has concurrency policy Replace across its CronJobs.');
    expect(event.reportingComponent).toBe('cdk8s-batch.dev/controller');
    // The older Job is going (Background: the Job goes first, its pods after) or gone; its uid is never seen again.
    await waitFor(() => {
      const j = getObject('job', 'first', ns);
      return !j || j.metadata.uid !== first.metadata.uid || !!j.metadata.deletionTimestamp;
    }, 60_000, { description: 'first deleted' });
    await waitFor(() => getObject('job', 'first', ns) === undefined, 60_000, { description: 'first gone' });
    // Its pods go with it (Background propagation, by the garbage collector).
    await waitFor(() => listObjects('pods', ns, 'batch.kubernetes.io/job-name=first').every((p) => p.metadata.deletionTimestamp), 60_000,
      { description: 'first\'s pods deleted' });
    const second = await waitFor(() => {
      const j = getObject('job', 'second', ns);
      return j?.status?.startTime && (j.status.active ?? 0) >= 1 ? j : undefined;
    }, 60_000, { description: 'second running' });
    expect(second.metadata.deletionTimestamp).toBeUndefined();
    expect(second.metadata.ownerReferences[0]).toMatchObject({ kind: 'CronJob', name: 'swap-1' });
  }, 240_000);

  test('creating such a Job by hand needs `delete jobs`: denied without, naming the right; no Job made', () => {
    let refusal = '';
    try {
      kubectl(['create', 'job', 'by-hand', '--from=cronjob/swap', '-n', ns, `--as=${user('creator')}`]);
    } catch (e) {
      if (!(e instanceof KubectlError)) throw e;
      refusal = e.stderr.trim();
    }
    expect(refusal).toBe('error: failed to create job: jobs.batch "by-hand" is forbidden: ValidatingAdmissionPolicy \'cdk8s-batch-replace-job\' '
      + `with binding 'cdk8s-batch-replace-job' denied request: ${user('creator')} may not delete jobs.batch in namespace ${ns}: `
      + 'a Job with cdk8s-batch.dev/concurrency-policy: Replace makes the controller delete the older running Jobs of its workload swap, '
      + 'so creating one needs that right');
    expect(getObject('job', 'by-hand', ns)).toBeUndefined();
  });

  test('the CronJob controller\'s own Jobs pass the policy (it may delete Jobs)', async () => {
    // Every minute and every other minute: two CronJobs (they differ in two fields), not suspended.
    apply(replaceWorkload('tick', ['* * * * *', '*/2 */1 * * *'], false), ns);
    expect(listObjects('cronjobs', ns, 'cdk8s-batch.dev/workload=tick').map((c) => c.metadata.name).sort()).toEqual(['tick', 'tick-1']);
    const scheduled = await waitFor(() => listObjects('jobs', ns, 'cdk8s-batch.dev/workload=tick')
      .find((j) => j.metadata.ownerReferences?.[0]?.kind === 'CronJob' && !j.metadata.annotations?.['cronjob.kubernetes.io/instantiate']),
    90_000, { description: 'a Job made by the CronJob controller' });
    expect(scheduled.metadata.annotations['cdk8s-batch.dev/concurrency-policy']).toBe('Replace');
    expect(clusterEvents(ns, 'FailedCreate').filter((e) => e.involvedObject.name?.startsWith('tick'))).toEqual([]);
    for (const name of ['tick', 'tick-1']) kubectl(['patch', 'cronjob', name, '-n', ns, '--type=merge', '-p', '{"spec":{"suspend":true}}']);
  }, 150_000);
});
