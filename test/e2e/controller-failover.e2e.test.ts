/**
 * Two controller processes with Lease-based leader election on the real control plane:
 * only the leader admits; when it is killed (SIGKILL, no release) the standby takes over
 * after the lease expires and carries on without admitting any Job twice or exceeding
 * maxConcurrency; on SIGTERM the leader releases the Lease and the standby takes over at once.
 * Each test starts the controllers it needs, so either can run alone (`-t`).
 */
import {
  clusterEvents, ControllerProcess, createRunsFrom, deleteControllerRbac, enqueueCronJob, waitUntilFinished,
} from './controller-process';
import { JobWatch } from './support/job-watch';
import { apply, createNamespace, deleteNamespace, getObject, waitFor } from './support/rig';

const LEASE = 'cdk8s-batch-controller';
/** The controller's lease duration (controller/src/kube/leader.ts, controller-runtime's default). */
const LEASE_DURATION_MS = 15_000;

async function leaderOf(controllers: ControllerProcess[], timeoutMs: number): Promise<ControllerProcess> {
  return waitFor(async () => {
    for (const c of controllers) if (await c.isLeader()) return c;
    return undefined;
  }, timeoutMs, { description: 'a leader', intervalMs: 250 });
}

/** A leader and a ready standby, in `ns`. */
async function pair(ns: string, ids: [string, string], all: ControllerProcess[]): Promise<{ leader: ControllerProcess; standby: ControllerProcess }> {
  const started = [
    await ControllerProcess.start({ namespace: ns, identity: ids[0] }),
    await ControllerProcess.start({ namespace: ns, identity: ids[1] }),
  ];
  all.push(...started);
  const leader = await leaderOf(started, 60_000);
  const standby = started.find((c) => c !== leader)!;
  // The standby is ready (warm caches) but does not lead.
  await waitFor(async () => (await standby.readyz())?.ready, 60_000, { description: 'standby ready' });
  return { leader, standby };
}

describe('controller: leader failover', () => {
  let ns: string;
  const controllers: ControllerProcess[] = [];
  const watches: JobWatch[] = [];
  beforeAll(async () => {
    ns = await createNamespace('e2e-ctl-failover');
  });
  afterAll(async () => {
    watches.forEach((w) => w.stop());
    await Promise.all(controllers.map((c) => c.stop()));
    deleteControllerRbac(ns);
    deleteNamespace(ns);
  });

  test('killing the leader hands over without a double admission', async () => {
    const { leader, standby } = await pair(ns, ['ctl-a', 'ctl-b'], controllers);
    expect(await standby.isLeader()).toBe(false);
    expect(getObject('lease', LEASE, ns).spec.holderIdentity).toBe(leader.identity);

    apply(enqueueCronJob('nightly', { maxConcurrency: 2, runDuration: '5s' }), ns);
    const watch = await JobWatch.start(ns, 'cdk8s-batch.dev/workload=nightly');
    watches.push(watch);
    const names = ['run-1', 'run-2', 'run-3', 'run-4', 'run-5', 'run-6'];
    await createRunsFrom('nightly', names, ns);

    // The leader admits the first two; kill it while they run. The Lease still shows its last
    // renewal (the standby cannot take over before that plus the lease duration).
    await waitFor(() => watch.admissionOrder().length >= 2, 60_000, { description: 'two admitted', intervalMs: 250 });
    await leader.kill();
    const lease = getObject('lease', LEASE, ns);
    expect(lease.spec.holderIdentity).toBe(leader.identity);
    const lastRenewal = Date.parse(lease.spec.renewTime);

    const jobs = await waitUntilFinished(ns, 'nightly', names.length, 240_000);
    expect(jobs.every((j) => j.status.succeeded === 1)).toBe(true);
    expect(watch.maxActive()).toBeLessThanOrEqual(2);
    expect(watch.admissionOrder()).toEqual(names);
    expect(await standby.isLeader()).toBe(true);
    expect(getObject('lease', LEASE, ns).spec.holderIdentity).toBe(standby.identity);
    // Not before the killed leader's lease ran out (renewTime has microseconds; one clock).
    const takeover = standby.lines.find((l) => l.msg === 'became leader');
    expect(Date.parse(takeover!.ts)).toBeGreaterThanOrEqual(lastRenewal + LEASE_DURATION_MS);

    // Each Job admitted exactly once: one Admitted Event each, split between the two instances.
    const admitted = clusterEvents(ns, 'Admitted');
    expect(admitted.map((e) => e.involvedObject.name).sort()).toEqual(names);
    const byInstance = (id: string) => admitted.filter((e) => e.reportingInstance === id).length;
    expect(byInstance(leader.identity)).toBeGreaterThanOrEqual(2);
    expect(byInstance(standby.identity)).toBe(names.length - byInstance(leader.identity));
    expect(await standby.metric('cdk8s_batch_enqueue_admissions_total')).toBe(byInstance(standby.identity));
  });

  test('SIGTERM releases the Lease: the standby takes over before the lease would have expired', async () => {
    // Whatever an earlier test left running gives the Lease back first.
    await Promise.all(controllers.map((c) => c.stop()));
    const { leader, standby } = await pair(ns, ['ctl-c', 'ctl-d'], controllers);
    const exit = await leader.stop();
    expect(exit.code).toBe(0);
    const released = leader.lines.find((l) => l.msg === 'released the lease');
    expect(released).toBeDefined();
    await waitFor(() => standby.isLeader(), 60_000, { description: `${standby.identity} leads`, intervalMs: 200 });
    expect(getObject('lease', LEASE, ns).spec.holderIdentity).toBe(standby.identity);
    // Released, not expired: the standby took over sooner than a full lease after the release
    // (it retries every 2 s); an expiry takeover would take at least the lease duration.
    const takeover = standby.lines.find((l) => l.msg === 'became leader');
    expect(Date.parse(takeover!.ts) - Date.parse(released!.ts)).toBeLessThan(LEASE_DURATION_MS);
  });
});
