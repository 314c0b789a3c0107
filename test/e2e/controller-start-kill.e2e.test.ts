/**
 * Runs at a time (`startAfter`, `cdk8s-batch run --at/--in`) and kill (`cdk8s-batch kill`) on
 * the real control plane: JobTemplates synthesized by ParameterizedJob, the CLI with the rig
 * admin's credentials, the controller as a subprocess under the BatchController's RBAC, the
 * real Job controller (which enforces the deadline a kill sets) and kwok pods.
 */
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';
import { Testing } from 'cdk8s';
import { clusterEvents, ControllerProcess, controllerTestChart, deleteControllerRbac, sleep } from './controller-process';
import { apply, createNamespace, deleteNamespace, getObject, rigKubeconfig, waitFor } from './support/rig';
import { ConcurrencyGroup, ParameterizedJob } from '../../src';
import { jobRunManifest } from '../../src/runs';

const CLI = path.resolve(__dirname, '..', '..', 'controller', 'dist', 'controller', 'src', 'cli', 'main.js');
const IMAGE = 'registry.example/tools:1.0';
const exec = promisify(execFile);

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', KUBECONFIG: rigKubeconfig() } });
    return { code: 0, stdout, stderr };
  } catch (e: any) {
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

/** A ParameterizedJob whose kwok pods run `runDuration`. */
function template(name: string, runDuration: string, group?: ConcurrencyGroup): any[] {
  const chart = controllerTestChart();
  new ParameterizedJob(chart, name, {
    metadata: { name },
    maxAttempts: 1,
    concurrencyGroup: group,
    podMetadata: { annotations: { 'e2e.cdk8s-batch.dev/run-duration': runDuration } },
    containers: [{ name: 'main', image: IMAGE }],
  });
  return Testing.synth(chart);
}

function condition(obj: any, type: string): any {
  return (obj?.status?.conditions ?? []).find((c: any) => c.type === type);
}

function runInPhase(ns: string, name: string, phases: string[], timeoutMs: number): Promise<any> {
  return waitFor(() => {
    const r = getObject('jobrun', name, ns);
    return phases.includes(r?.status?.phase) ? r : undefined;
  }, timeoutMs, { description: `JobRun ${name} ${phases.join('/')}` });
}

describe('controller: startAfter and kill', () => {
  let ns: string;
  let controller: ControllerProcess | undefined;
  beforeAll(async () => {
    ns = await createNamespace('e2e-ctl-startkill');
    controller = await ControllerProcess.start({ namespace: ns, identity: 'ctl-startkill' });
    await waitFor(() => controller!.isLeader(), 30_000, { description: 'controller leads' });
  });
  afterAll(async () => {
    await controller?.stop();
    deleteControllerRbac(ns);
    deleteNamespace(ns);
  });

  test('run --in holds the JobRun Queued (NotYetDue) until its time, then the Job is created, never before', async () => {
    apply(template('report', '1s'), ns);
    const created = await cli(['run', 'report', '-n', ns, '--name', 'later', '--no-prompt', '--in', '40s']);
    expect(created.stderr).toBe('');
    const startAfter = getObject('jobrun', 'later', ns).spec.startAfter;
    expect(created.stdout).toContain(`It waits until ${startAfter} (startAfter), then starts.`);
    // The hold lasts 40 s: long enough to be seen on a starved machine.
    const held = await waitFor(() => {
      const r = getObject('jobrun', 'later', ns);
      return condition(r, 'Accepted')?.reason === 'NotYetDue' ? r : undefined;
    }, 30_000, { description: 'later NotYetDue' });
    expect(held.status.phase).toBe('Queued');
    expect(condition(held, 'Accepted').message).toMatch(new RegExp(`^Waits until its startAfter time ${startAfter} \\(in \\d+s\\); the Job is created then\\.$`));
    const shown = await cli(['status', 'later', '-n', ns]);
    expect(shown.stdout).toMatch(new RegExp(`Start after: +${startAfter} \\(not started before then\\)`));
    expect((await cli(['get', 'report', '-n', ns])).stdout).toMatch(new RegExp(`later +JobRun +Queued +after ${startAfter}`));

    const done = await runInPhase(ns, 'later', ['Succeeded'], 120_000);
    const job = getObject('job', 'later', ns);
    // Never before its time (both in whole seconds).
    expect(Date.parse(job.metadata.creationTimestamp)).toBeGreaterThanOrEqual(Date.parse(startAfter));
    expect(condition(done, 'Accepted').message).toMatch(new RegExp(`Its startAfter time was ${startAfter}; created \\d+s after it\\.$`));
  });

  test('a time in the past starts at once and says how late', async () => {
    apply(template('report', '1s'), ns);
    const created = await cli(['run', 'report', '-n', ns, '--name', 'overdue', '--no-prompt', '--at', '2026-01-01T00:00:00Z']);
    expect(created.code).toBe(0);
    await runInPhase(ns, 'overdue', ['Succeeded'], 60_000);
    const late = await waitFor(() => clusterEvents(ns, 'StartedLate').find((e) => e.involvedObject.name === 'overdue'), 30_000,
      { description: 'StartedLate Event' });
    expect(late.type).toBe('Warning');
    expect(late.message).toMatch(/^Started \d+d( \d+h)?( \d+m)?( \d+s)? after its startAfter time 2026-01-01T00:00:00Z \(the controller was not running or was behind then\)\.$/);
  });

  test('the controller down at the due time: the run starts when it is back, and says how late', async () => {
    apply(template('report', '1s'), ns);
    await controller!.stop();
    const due = new Date(Date.now() + 3000);
    const startAfter = due.toISOString().replace(/\.\d{3}Z$/, 'Z');
    apply(jobRunManifest({ name: 'while-down', workload: 'report', templateName: 'report', startAfter }), ns);
    await sleep(Date.parse(startAfter) - Date.now() + 20_000); // 20 s past due with no controller
    expect(getObject('job', 'while-down', ns)).toBeUndefined();
    controller = await ControllerProcess.start({ namespace: ns, identity: 'ctl-startkill-2' });
    await runInPhase(ns, 'while-down', ['Running', 'Succeeded'], 90_000);
    const late = await waitFor(() => clusterEvents(ns, 'StartedLate').find((e) => e.involvedObject.name === 'while-down'), 30_000,
      { description: 'StartedLate Event' });
    const [, minutes, seconds] = /^Started (?:(\d+)m ?)?(?:(\d+)s)? after its startAfter time/.exec(late.message) ?? [];
    expect(Number(minutes ?? 0) * 60 + Number(seconds ?? 0)).toBeGreaterThanOrEqual(20);
    const job = getObject('job', 'while-down', ns);
    expect(Date.parse(job.metadata.creationTimestamp) - Date.parse(startAfter)).toBeGreaterThanOrEqual(20_000);
  });

  test('kill: a running run fails with DeadlineExceeded, an Event says who killed it, get/status show Killed', async () => {
    apply(template('long', '300s'), ns);
    apply(jobRunManifest({ name: 'long-1', workload: 'long', templateName: 'long' }), ns);
    // Running lasts 300 s.
    await waitFor(() => getObject('job', 'long-1', ns)?.status?.startTime, 60_000, { description: 'long-1 started' });
    const killed = await cli(['kill', 'long-1', '-n', ns]);
    expect(killed.stderr).toBe('');
    expect(killed.code).toBe(0);
    const user = /killed by (\S+)\. /.exec(killed.stdout)?.[1] ?? '';
    expect(user).toBeTruthy();

    const job = await waitFor(() => {
      const j = getObject('job', 'long-1', ns);
      return condition(j, 'Failed')?.status === 'True' ? j : undefined;
    }, 60_000, { description: 'long-1 Failed' });
    expect(condition(job, 'Failed').reason).toBe('DeadlineExceeded');
    expect(job.metadata.annotations['cdk8s-batch.dev/killed-by']).toBe(user);
    expect(job.spec.activeDeadlineSeconds).toBeGreaterThanOrEqual(1);
    const run = await runInPhase(ns, 'long-1', ['Killed'], 60_000);
    expect(condition(run, 'Killed').message).toBe(`Killed by ${user} at ${job.metadata.annotations['cdk8s-batch.dev/killed-at']}.`);
    const [event] = clusterEvents(ns, 'Killed').filter((e) => e.involvedObject.name === 'long-1');
    expect(event.reportingComponent).toBe('cdk8s-batch.dev/cli');
    expect(event.message).toMatch(new RegExp(`^Killed by ${user.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} with cdk8s-batch kill\\. Job long-1: activeDeadlineSeconds set to \\d+`));
    expect((await cli(['get', 'long', '-n', ns])).stdout).toMatch(/long-1 +JobRun +Killed/);
    expect((await cli(['status', 'long-1', '-n', ns])).stdout).toMatch(new RegExp(`Killed: +by ${user.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} at `));
  });

  test('kill: a queued run is deleted and its JobRun ends Killed; the group slot stays with the running one', async () => {
    const group = new ConcurrencyGroup({ name: 'one-slot' });
    apply(template('slow', '300s', group), ns);
    apply(jobRunManifest({ name: 'slow-1', workload: 'slow', templateName: 'slow' }), ns);
    await waitFor(() => getObject('job', 'slow-1', ns)?.spec?.suspend === false, 60_000, { description: 'slow-1 admitted' });
    apply(jobRunManifest({ name: 'slow-2', workload: 'slow', templateName: 'slow' }), ns);
    // slow-2 waits behind slow-1 (300 s).
    const queued = await runInPhase(ns, 'slow-2', ['Queued'], 60_000);
    expect(queued.status.jobName).toBe('slow-2');
    const killed = await cli(['kill', 'slow-2', '-n', ns]);
    expect(killed.code).toBe(0);
    expect(killed.stdout).toContain('Job slow-2 was queued (suspended, no pods): deleted (propagation Background).');
    const run = await runInPhase(ns, 'slow-2', ['Killed'], 60_000);
    expect(condition(run, 'Killed').message).toMatch(/^Killed by \S+ at \S+, before it started\.$/);
    await waitFor(() => !getObject('job', 'slow-2', ns), 60_000, { description: 'slow-2 deleted' });
    expect(getObject('job', 'slow-1', ns).spec.suspend).toBe(false);
  });
});
