/**
 * Two controller processes with Lease-based leader election on the real control plane:
 * only the leader admits; when it is killed (SIGKILL, no release) the standby takes over
 * after the lease expires and carries on without admitting any Job twice or exceeding
 * maxConcurrency; on SIGTERM the leader releases the Lease and the standby takes over at once.
 */
import {
  activeJobs, clusterEvents, ControllerProcess, deleteControllerRbac, enqueueCronJob, JobSample, maxOverlap, sleep, watchUntilFinished,
} from './controller-process';
import { apply, createNamespace, deleteNamespace, getObject, kubectl, listObjects, waitFor } from './support/rig';

const LEASE = 'cdk8s-batch-controller';

async function leaderOf(controllers: ControllerProcess[], timeoutMs: number): Promise<ControllerProcess> {
  return waitFor(async () => {
    for (const c of controllers) if (await c.isLeader()) return c;
    return undefined;
  }, timeoutMs, { description: 'a leader', intervalMs: 250 });
}

describe('controller: leader failover', () => {
  let ns: string;
  const controllers: ControllerProcess[] = [];
  beforeAll(async () => {
    ns = await createNamespace('e2e-ctl-failover');
  });
  afterAll(async () => {
    await Promise.all(controllers.map((c) => c.stop()));
    deleteControllerRbac(ns);
    deleteNamespace(ns);
  });

  test('killing the leader hands over without a double admission', async () => {
    controllers.push(await ControllerProcess.start({ namespace: ns, identity: 'ctl-a' }));
    controllers.push(await ControllerProcess.start({ namespace: ns, identity: 'ctl-b' }));
    const leader = await leaderOf(controllers, 30_000);
    const standby = controllers.find((c) => c !== leader)!;
    // The standby is ready (warm caches) but does not lead.
    await waitFor(async () => (await standby.readyz())?.ready, 30_000, { description: 'standby ready' });
    expect(await standby.isLeader()).toBe(false);
    expect(getObject('lease', LEASE, ns).spec.holderIdentity).toBe(leader.identity);

    apply(enqueueCronJob('nightly', 2, '5s'), ns);
    const names = ['run-1', 'run-2', 'run-3', 'run-4', 'run-5', 'run-6'];
    for (const name of names) kubectl(['create', 'job', name, '--from=cronjob/nightly', '-n', ns]);

    let maxActive = 0;
    const record = (s: JobSample) => (maxActive = Math.max(maxActive, s.active.length));
    // Two are admitted by the leader; kill it while they run.
    await waitFor(() => {
      const active = activeJobs(listObjects('jobs', ns, 'cdk8s-batch.dev/workload=nightly'));
      record({ at: Date.now(), active });
      return active.length === 2;
    }, 30_000, { description: 'two admitted', intervalMs: 250 });
    await leader.kill();
    const killedAt = Date.now();

    const samples = await watchUntilFinished(ns, names.length, 150_000, record);
    expect(maxActive).toBeLessThanOrEqual(2);
    expect(samples.length).toBeGreaterThan(10);
    expect(await standby.isLeader()).toBe(true);
    expect(getObject('lease', LEASE, ns).spec.holderIdentity).toBe(standby.identity);
    const takeover = standby.lines.find((l) => l.msg === 'became leader');
    // Not before the killed leader's lease ran out (15 s after its last renewal, at most 2 s before the kill).
    expect(Date.parse(takeover!.ts)).toBeGreaterThanOrEqual(killedAt + 12_000);

    const jobs = listObjects('jobs', ns, 'cdk8s-batch.dev/workload=nightly');
    expect(jobs.every((j) => j.status.succeeded === 1)).toBe(true);
    expect(maxOverlap(jobs)).toBeLessThanOrEqual(2);
    // Each Job admitted exactly once: one Admitted Event each, split between the two instances.
    const admitted = clusterEvents(ns, 'Admitted');
    expect(admitted.map((e) => e.involvedObject.name).sort()).toEqual(names);
    const byInstance = (id: string) => admitted.filter((e) => e.reportingInstance === id).length;
    expect(byInstance(leader.identity)).toBeGreaterThanOrEqual(2);
    expect(byInstance(standby.identity)).toBe(names.length - byInstance(leader.identity));
    expect(await standby.metric('cdk8s_batch_enqueue_admissions_total')).toBe(byInstance(standby.identity));
  });

  test('SIGTERM releases the Lease: the standby takes over within seconds', async () => {
    const standby = controllers.find((c) => !c.exitStatus)!;
    const next = await ControllerProcess.start({ namespace: ns, identity: 'ctl-c' });
    controllers.push(next);
    await waitFor(async () => (await next.readyz())?.ready, 30_000, { description: 'ctl-c ready' });
    expect(await next.isLeader()).toBe(false);

    const stoppedAt = Date.now();
    const exit = await standby.stop();
    expect(exit.code).toBe(0);
    expect(standby.lines.some((l) => l.msg === 'released the lease')).toBe(true);
    await waitFor(() => next.isLeader(), 10_000, { description: 'ctl-c leads', intervalMs: 200 });
    expect(Date.now() - stoppedAt).toBeLessThan(8_000); // far less than the 15 s lease
    expect(getObject('lease', LEASE, ns).spec.holderIdentity).toBe('ctl-c');
    await sleep(500);
  });
});
