/**
 * Issue 13 item 4 on the real control plane: a leader whose wall clock steps back while it is
 * cut off from the API server must stop acting once the renew deadline has passed since its
 * last successful renewal, measured on the monotonic clock, before the standby can take the
 * Lease. The leader runs under libfaketime (its `Date.now()` steps, `performance.now()` does
 * not) and talks to the API server through a loopback relay the test cuts.
 *
 * A leader that measured its renew deadline on the wall clock would, after a 30 s step back,
 * think its last renewal was recent for 30 s more and keep admitting after the standby took
 * over: two leaders, and Enqueue over maxConcurrency.
 */
import * as fs from 'fs';
import {
  clusterEvents, ControllerProcess, createRunsFrom, deleteControllerRbac, enqueueCronJob,
  leastPrivilegeKubeconfig, waitUntilFinished,
} from './controller-process';
import { CuttableLink } from './support/cuttable-link';
import { JobWatch } from './support/job-watch';
import { apply, createNamespace, deleteNamespace, getObject, waitFor } from './support/rig';
import { SteppableWallClock } from './support/wall-clock';

const LEASE = 'cdk8s-batch-controller';
/** controller/src/kube/leader.ts's defaults (controller-runtime's). */
const LEASE_DURATION_MS = 15_000;
const RENEW_DEADLINE_MS = 10_000;
/** How far the leader's wall clock steps back while it is cut off. */
const STEP_BACK_S = 30;
/**
 * Room for a starved CPU on top of the renew deadline before the leader gives up. Well below
 * the step: a wall-clock deadline would give up at least STEP_BACK_S later than it should.
 */
const SLACK_MS = 12_000;

/** A copy of `kubeconfig` (JSON, as the e2e helpers write it) that reaches the server at `url`. */
function kubeconfigVia(kubeconfig: string, url: string): string {
  const config = JSON.parse(fs.readFileSync(kubeconfig, 'utf8'));
  config.clusters[0].cluster.server = url;
  const file = `${kubeconfig}.via-${new URL(url).port}`;
  fs.writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  return file;
}

describe('controller: leader election under a wall-clock step', () => {
  let ns: string;
  let link: CuttableLink | undefined;
  let clock: SteppableWallClock | undefined;
  const controllers: ControllerProcess[] = [];
  const watches: JobWatch[] = [];

  beforeAll(async () => {
    ns = await createNamespace('e2e-ctl-clock');
  });
  afterAll(async () => {
    watches.forEach((w) => w.stop());
    await Promise.all(controllers.map((c) => c.stop()));
    await link?.close();
    clock?.dispose();
    deleteControllerRbac(ns);
    deleteNamespace(ns);
  });

  test('a leader cut off with its clock stepped back 30 s stops before the standby takes over', async () => {
    const direct = leastPrivilegeKubeconfig(ns);
    const server = new URL(JSON.parse(fs.readFileSync(direct, 'utf8')).clusters[0].cluster.server);
    link = await CuttableLink.open({ host: server.hostname, port: Number(server.port) });
    clock = SteppableWallClock.create();

    // The stepped leader starts first and takes the Lease; the standby starts once it leads.
    const leader = await ControllerProcess.start({
      namespace: ns, identity: 'ctl-stepped', kubeconfig: kubeconfigVia(direct, link.url), env: clock.env,
    });
    controllers.push(leader);
    await waitFor(() => leader.isLeader(), 60_000, { description: 'ctl-stepped leads', intervalMs: 250 });
    const standby = await ControllerProcess.start({ namespace: ns, identity: 'ctl-standby', kubeconfig: direct });
    controllers.push(standby);
    await waitFor(async () => (await standby.readyz())?.ready, 60_000, { description: 'standby ready' });
    expect(await standby.isLeader()).toBe(false);

    apply(enqueueCronJob('clocked', { maxConcurrency: 1, runDuration: '25s' }), ns);
    const watch = await JobWatch.start(ns, 'cdk8s-batch.dev/workload=clocked');
    watches.push(watch);
    const names = ['run-1', 'run-2', 'run-3'];
    await createRunsFrom('clocked', names, ns);
    await waitFor(() => watch.admissionOrder().length >= 1, 60_000, { description: 'run-1 admitted', intervalMs: 250 });

    // Cut first, then step: every renewal that reached the server was stamped on the real clock.
    link.sever();
    clock.step(-STEP_BACK_S);
    // The stepped leader's last renewal the server kept (stamped before the step, so on real
    // time): its record stays until the standby overwrites it a whole lease duration later, so
    // reading it until the leader gives up sees it, and also any renewal in flight at the cut.
    const renewals: number[] = [];
    const lost = await waitFor(() => {
      const lease = getObject('lease', LEASE, ns);
      if (lease?.spec?.holderIdentity === 'ctl-stepped') renewals.push(Date.parse(lease.spec.renewTime));
      const line = leader.lines.find((l) => /leadership lost/.test(l.msg));
      if (!line && leader.exitStatus) throw new Error(`ctl-stepped exited without giving up: ${leader.tail()}`);
      return line;
    }, 90_000, { description: 'ctl-stepped gives up the lead', intervalMs: 200 });
    const exit = await leader.whenExited();
    expect(exit.code).toBe(1);
    expect(renewals.length).toBeGreaterThan(0);
    const lastRenewal = Math.max(...renewals);
    // The leader's own log line, back on real time (its clock was STEP_BACK_S behind).
    const lostAt = Date.parse(lost.ts) + STEP_BACK_S * 1000;
    expect(Math.abs(lostAt - lost.receivedAt)).toBeLessThan(5_000); // the step really applied
    expect(lostAt - lastRenewal).toBeGreaterThanOrEqual(RENEW_DEADLINE_MS - 1_000);
    expect(lostAt - lastRenewal).toBeLessThan(RENEW_DEADLINE_MS + SLACK_MS);

    // The standby takes over only after a whole lease duration without renewal, so after the
    // stepped leader had stopped: never two leaders.
    await waitFor(() => standby.isLeader(), 90_000, { description: 'ctl-standby leads', intervalMs: 250 });
    link.restore();
    const takeover = standby.lines.find((l) => l.msg === 'became leader')!;
    expect(Date.parse(takeover.ts)).toBeGreaterThanOrEqual(lastRenewal + LEASE_DURATION_MS);
    expect(Date.parse(takeover.ts)).toBeGreaterThan(lostAt);
    expect(getObject('lease', LEASE, ns).spec.holderIdentity).toBe('ctl-standby');

    const jobs = await waitUntilFinished(ns, 'clocked', names.length, 240_000);
    expect(jobs.every((j) => j.status.succeeded === 1)).toBe(true);
    expect(watch.maxActive()).toBeLessThanOrEqual(1);
    expect(watch.admissionOrder()).toEqual(names);
    // Each run admitted once; whatever the stepped leader admitted, it admitted before it lost.
    const admitted = clusterEvents(ns, 'Admitted');
    expect(admitted.map((e) => e.involvedObject.name).sort()).toEqual(names);
    const byStepped = admitted.filter((e) => e.reportingInstance === 'ctl-stepped');
    expect(byStepped.map((e) => e.involvedObject.name)).toEqual(['run-1']);
    for (const e of admitted.filter((x) => x.reportingInstance === 'ctl-standby')) {
      expect(Date.parse(e.metadata!.creationTimestamp!)).toBeGreaterThanOrEqual(Date.parse(takeover.ts) - 1_000);
    }
  }, 600_000);
});
