/**
 * A kill at a time (`cdk8s-batch kill RUN --at/--in`, Furiko's `killTimestamp`) on the real
 * control plane: the CLI writes the request with a ServiceAccount's own credentials, the
 * BatchController's admission policy `cdk8s-batch-kill-at` lets only someone who may `patch
 * jobs` ask (and only in their own name), and the controller (a subprocess under the
 * BatchController's RBAC) kills the run at the time the native way: the Job fails with
 * `DeadlineExceeded`, the JobRun ends `Killed`, an Event names the requester.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { promisify } from 'util';
import { Testing } from 'cdk8s';
import { clusterEvents, ControllerProcess, controllerTestChart, deleteControllerRbac, serviceAccountKubeconfig } from './controller-process';
import { apply, createNamespace, deleteNamespace, getObject, KubectlError, kubectl, waitFor } from './support/rig';
import { BatchController, ParameterizedJob } from '../../src';
import { jobRunManifest } from '../../src/runs';

const CLI = path.resolve(__dirname, '..', '..', 'controller', 'dist', 'controller', 'src', 'cli', 'main.js');
const exec = promisify(execFile);

async function cli(kubeconfig: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', KUBECONFIG: kubeconfig } });
    return { code: 0, stdout, stderr };
  } catch (e: any) {
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function condition(obj: any, type: string): any {
  return (obj?.status?.conditions ?? []).find((c: any) => c.type === type);
}

describe('controller: kill --at', () => {
  let ns: string;
  let controller: ControllerProcess | undefined;
  let watcher: string;
  let killer: string;
  const user = (name: string) => `system:serviceaccount:${ns}:${name}`;

  /** A ServiceAccount with `jobVerbs` on jobs, and reading JobRuns, and its kubeconfig. */
  function userWith(name: string, jobVerbs: string[]): string {
    apply([
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name },
        rules: [
          { apiGroups: ['batch'], resources: ['jobs'], verbs: jobVerbs },
          { apiGroups: ['cdk8s-batch.dev'], resources: ['jobruns'], verbs: ['get', 'list'] },
        ],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
        subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
      },
    ], ns);
    return serviceAccountKubeconfig(name, ns);
  }

  /** A run of a ParameterizedJob whose kwok pod runs 300 s, started. */
  async function runningRun(name: string): Promise<any> {
    const chart = controllerTestChart();
    new ParameterizedJob(chart, 'long', {
      metadata: { name: 'long' },
      maxAttempts: 1,
      podMetadata: { annotations: { 'e2e.cdk8s-batch.dev/run-duration': '300s' } },
      containers: [{ name: 'main', image: 'registry.example/tools:1.0' }],
    });
    apply(Testing.synth(chart), ns);
    apply(jobRunManifest({ name, workload: 'long', templateName: 'long' }), ns);
    return waitFor(() => {
      const j = getObject('job', name, ns);
      return j?.status?.startTime ? j : undefined;
    }, 60_000, { description: `${name} started` });
  }

  beforeAll(async () => {
    ns = await createNamespace('e2e-ctl-killat');
    controller = await ControllerProcess.start({ namespace: ns, identity: 'ctl-killat' });
    const chart = Testing.chart();
    new BatchController(chart, 'controller', { installCrds: false, createNamespace: false });
    apply(Testing.synth(chart).filter((o) => o.kind.startsWith('ValidatingAdmissionPolicy')));
    watcher = userWith('watcher', ['get', 'list']);
    killer = userWith('killer', ['get', 'list', 'patch']);
    userWith('creator', ['create']);
    await waitFor(() => controller!.isLeader(), 30_000, { description: 'controller leads' });
  });
  afterAll(async () => {
    for (const file of [watcher, killer]) if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true });
    await controller?.stop();
    deleteControllerRbac(ns);
    deleteNamespace(ns);
  });

  /** A Job of workload `long` that asks to be killed, as `creator` would make it by hand. */
  const sneaky = (name: string) => JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      labels: { 'cdk8s-batch.dev/workload': 'long' },
      annotations: { 'cdk8s-batch.dev/kill-at': '2020-01-01T00:00:00Z', 'cdk8s-batch.dev/kill-requested-by': user('creator') },
    },
    spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'registry.example/tools:1.0' }] } } },
  });

  test('without `patch jobs` the request is denied, naming the right; with it the run is Killed at the time, in the requester\'s name', async () => {
    await runningRun('long-1');
    // RBAC first: the CLI patches the Job with the user's own credentials.
    const denied = await cli(watcher, ['kill', 'long-1', '-n', ns, '--in', '30s']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(new RegExp(`^error: cannot patch Job ${ns}/long-1: .*${escape(user('watcher'))}.* cannot patch resource "jobs"`));
    // The admission policy for whoever could write the annotation without `patch jobs`, e.g. on a Job they create.
    const refusal = await waitFor(() => {
      try {
        kubectl(['create', '-n', ns, `--as=${user('creator')}`, '-f', '-'], { input: sneaky('sneaky') });
        kubectl(['delete', 'job', 'sneaky', '-n', ns, '--wait=false']);
        return undefined; // the policy was not loaded yet
      } catch (e) {
        return e instanceof KubectlError && e.stderr.includes('ValidatingAdmissionPolicy') ? e.stderr.trim() : undefined;
      }
    }, 30_000, { description: 'the admission policy denies' });
    expect(refusal).toBe('Error from server (Forbidden): error when creating "STDIN": jobs.batch "sneaky" is forbidden: '
      + 'ValidatingAdmissionPolicy \'cdk8s-batch-kill-at\' with binding \'cdk8s-batch-kill-at\' denied request: '
      + `${user('creator')} may not patch jobs.batch in namespace ${ns}: `
      + 'cdk8s-batch.dev/kill-at asks the controller to kill Job sneaky at a time, so setting it needs that right');
    expect(getObject('job', 'long-1', ns).metadata.annotations?.['cdk8s-batch.dev/kill-at']).toBeUndefined();

    // 75 s: room for get and status to show the kill to come on a loaded machine (each CLI call is a node start).
    const asked = await cli(killer, ['kill', 'long-1', '-n', ns, '--in', '75s']);
    expect(asked.stderr).toBe('');
    expect(asked.code).toBe(0);
    const annotations = getObject('job', 'long-1', ns).metadata.annotations;
    const killAt = annotations['cdk8s-batch.dev/kill-at'];
    expect(annotations['cdk8s-batch.dev/kill-requested-by']).toBe(user('killer'));
    expect(asked.stdout).toBe(`run ${ns}/long-1 will be killed at ${killAt}, as ${user('killer')} asked: the companion controller kills Job long-1 then `
      + '(a running Job fails with DeadlineExceeded, a queued one is deleted) and records it in a Killed Event.\n');
    // get and status show the kill to come.
    expect((await cli(killer, ['get', 'long', '-n', ns])).stdout).toMatch(new RegExp(`long-1 +JobRun +Running \\(kill at ${killAt}\\)`));
    expect((await cli(killer, ['status', 'long-1', '-n', ns])).stdout).toMatch(
      new RegExp(`\nKill at: +${killAt} \\(asked by ${escape(user('killer'))}; the controller kills the run then\\)\n`));

    const job = await waitFor(() => {
      const j = getObject('job', 'long-1', ns);
      return condition(j, 'Failed')?.status === 'True' ? j : undefined;
    }, 150_000, { description: 'long-1 Failed' });
    expect(condition(job, 'Failed').reason).toBe('DeadlineExceeded');
    const killedAt = job.metadata.annotations['cdk8s-batch.dev/killed-at'];
    expect(job.metadata.annotations['cdk8s-batch.dev/killed-by']).toBe(user('killer'));
    // Near the time: not before it, within 5 s after it (whole seconds).
    expect(Date.parse(killedAt) - Date.parse(killAt)).toBeGreaterThanOrEqual(0);
    expect(Date.parse(killedAt) - Date.parse(killAt)).toBeLessThanOrEqual(5000);
    const run = await waitFor(() => {
      const r = getObject('jobrun', 'long-1', ns);
      return r?.status?.phase === 'Killed' ? r : undefined;
    }, 60_000, { description: 'long-1 Killed' });
    expect(condition(run, 'Killed').message).toBe(`Killed by ${user('killer')} at ${killedAt}.`);
    const [event] = clusterEvents(ns, 'Killed').filter((e) => e.involvedObject.name === 'long-1');
    expect(event.reportingComponent).toBe('cdk8s-batch.dev/controller');
    expect(event.message).toMatch(new RegExp(`^Killed at ${killedAt} for ${escape(user('killer'))}, who asked with cdk8s-batch kill for ${killAt}\\. `
      + 'Job long-1: activeDeadlineSeconds set to \\d+; the Job controller fails it with DeadlineExceeded and stops its pods\\.$'));
    expect((await cli(killer, ['get', 'long', '-n', ns])).stdout).toMatch(/long-1 +JobRun +Killed /);
    expect((await cli(killer, ['status', 'long-1', '-n', ns])).stdout).toMatch(new RegExp(`\nKilled: +by ${escape(user('killer'))} at ${killedAt}\n`));
  }, 300_000);

  test('a time in the past kills at once; asking in another user\'s name is denied', async () => {
    await runningRun('long-2');
    let forged = '';
    try {
      kubectl(['annotate', 'job', 'long-2', '-n', ns, `--as=${user('killer')}`,
        'cdk8s-batch.dev/kill-at=2020-01-01T00:00:00Z', 'cdk8s-batch.dev/kill-requested-by=alice@example.com']);
    } catch (e) {
      if (!(e instanceof KubectlError)) throw e;
      forged = e.stderr.trim();
    }
    expect(forged).toBe('The jobs "long-2" is invalid: : ValidatingAdmissionPolicy \'cdk8s-batch-kill-at\' with binding \'cdk8s-batch-kill-at\' '
      + `denied request: cdk8s-batch.dev/kill-requested-by must be the requester, ${user('killer')} (got "alice@example.com"): `
      + 'the controller kills in their name; cdk8s-batch kill --at writes it');

    const asked = await cli(killer, ['kill', 'long-2', '-n', ns, '--at', '2020-01-01T00:00:00Z']);
    expect(asked.code).toBe(0);
    expect(asked.stdout).toContain('will be killed at 2020-01-01T00:00:00Z (in the past: at once)');
    const job = await waitFor(() => {
      const j = getObject('job', 'long-2', ns);
      return condition(j, 'Failed')?.status === 'True' ? j : undefined;
    }, 60_000, { description: 'long-2 Failed' });
    expect(condition(job, 'Failed').reason).toBe('DeadlineExceeded');
    expect(job.metadata.annotations['cdk8s-batch.dev/killed-by']).toBe(user('killer'));
  }, 180_000);
});
