/**
 * Ad-hoc runs on the real control plane: JobTemplates synthesized by ParameterizedJob,
 * JobRuns created with kubectl and with the `cdk8s-batch` CLI, the controller as a subprocess
 * under the BatchController's RBAC, the real Job controller and kwok pods.
 */
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';
import { Testing } from 'cdk8s';
import { ControllerProcess } from './controller-process';
import { startLeadingController, stopLeadingController } from './support/controller-suite';
import { JobWatch } from './support/job-watch';
import { apply, getObject, KubectlError, kubectl, listObjects, rigKubeconfig, waitFor } from './support/rig';
import { Concurrency, JobOption, ParameterizedJob } from '../../src';

const CLI = path.resolve(__dirname, '..', '..', 'controller', 'dist', 'controller', 'src', 'cli', 'main.js');
const IMAGE = 'registry.example/tools:1.0';
const run = promisify(execFile);

/** The JobTemplate of a ParameterizedJob whose pods run `runDuration` on the kwok node. */
function template(name: string, concurrency: Concurrency, runDuration: string): any[] {
  const chart = Testing.chart();
  chart.node.setContext('cdk8s-batch.dev/controller', 'external');
  new ParameterizedJob(chart, name, {
    metadata: { name },
    concurrency,
    podMetadata: { annotations: { 'e2e.cdk8s-batch.dev/run-duration': runDuration } },
    options: [
      JobOption.select({ name: 'region', values: ['emea', 'amer'], default: 'emea' }),
      JobOption.int({ name: 'top', default: 10, min: 1, max: 100 }),
    ],
    containers: [{ name: 'main', image: IMAGE, args: ['--region=${option.region}', '--top=${option.top}', '--ns=${workload.namespace}'] }],
  });
  return Testing.synth(chart);
}

function jobRun(name: string, templateName: string, values: Record<string, string> = {}) {
  return { apiVersion: 'cdk8s-batch.dev/v1alpha1', kind: 'JobRun', metadata: { name }, spec: { templateRef: { name: templateName }, values } };
}

/** The `report` template (idempotent: every test that uses it applies it, so each can run alone). */
function applyReport(ns: string): void {
  apply(template('report', Concurrency.allow(), '1s'), ns);
}

/** A JobRun of `report` with values its options reject; waits until it has Failed. */
async function badReportRun(ns: string): Promise<any> {
  applyReport(ns);
  apply(jobRun('report-bad', 'report', { region: 'mars', top: '0' }), ns);
  return waitFor(() => {
    const r = getObject('jobrun', 'report-bad', ns);
    return r?.status?.phase === 'Failed' ? r : undefined;
  }, 60_000, { description: 'report-bad Failed' });
}

function condition(obj: any, type: string): any {
  return (obj?.status?.conditions ?? []).find((c: any) => c.type === type);
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1', KUBECONFIG: rigKubeconfig() } });
    return { code: 0, stdout, stderr };
  } catch (e: any) {
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('controller: JobRun', () => {
  let ns: string;
  let controller: ControllerProcess | undefined;
  const watches: JobWatch[] = [];
  beforeAll(async () => {
    ({ ns, controller } = await startLeadingController('e2e-ctl-jobrun', 'ctl-jobrun'));
  });
  afterAll(() => stopLeadingController(ns, controller, watches));

  test('a JobRun becomes a Job with its values substituted, owned by it, and ends Succeeded', async () => {
    applyReport(ns);
    apply(jobRun('report-amer', 'report', { region: 'amer' }), ns);
    const done = await waitFor(() => {
      const r = getObject('jobrun', 'report-amer', ns);
      return r?.status?.phase === 'Succeeded' ? r : undefined;
    }, 60_000, { description: 'report-amer Succeeded' });
    expect(done.status.jobName).toBe('report-amer');
    expect(done.status.values).toEqual({ region: 'amer', top: '10' });
    expect(condition(done, 'Accepted')).toMatchObject({ status: 'True', reason: 'Started' });
    expect(condition(done, 'Complete')).toMatchObject({ status: 'True', reason: 'JobComplete' });
    expect(Date.parse(done.status.completionTime)).toBeGreaterThanOrEqual(Date.parse(done.status.startTime));

    const job = getObject('job', 'report-amer', ns);
    expect(job.spec.template.spec.containers[0].args).toEqual(['--region=amer', '--top=10', `--ns=${ns}`]);
    expect(job.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'JobRun', name: 'report-amer', uid: done.metadata.uid, controller: true })]);
    expect(job.metadata.labels).toMatchObject({ 'cdk8s-batch.dev/workload': 'report', 'cdk8s-batch.dev/job-run': 'report-amer' });
    // Deleting the JobRun deletes its Job (garbage collection through the owner reference). The
    // garbage collector learns of a newly installed CRD at its next discovery resync (every 30 s
    // in kube-controller-manager), so on a fresh control plane this can take that long.
    kubectl(['delete', 'jobrun', 'report-amer', '-n', ns]);
    await waitFor(() => !getObject('job', 'report-amer', ns), 90_000, { description: 'the Job is garbage-collected' });
  });

  test('a JobRun with bad values ends Failed with the options core\'s messages, and no Job', async () => {
    const failed = await badReportRun(ns);
    const message = 'option "region": must be one of "emea", "amer" (got "mars"). Pick one of the listed values; this option does not allow custom values. '
      + 'option "top": is less than the minimum 1 (got "0"). Write a number from 1 to 100.';
    expect(condition(failed, 'Failed')).toMatchObject({ status: 'True', reason: 'InvalidValues', message });
    expect(condition(failed, 'Accepted')).toMatchObject({ status: 'False', reason: 'InvalidValues' });
    expect(getObject('job', 'report-bad', ns)).toBeUndefined();
    const events = JSON.parse(kubectl(['get', 'events', '-n', ns, '--field-selector', 'involvedObject.name=report-bad', '-o', 'json'])).items;
    expect(events.map((e: any) => [e.type, e.reason])).toContainEqual(['Warning', 'InvalidValues']);
  });

  test('Forbid refuses an ad-hoc JobRun while a run is active; force starts it anyway', async () => {
    // Runs last 2 minutes: exclusive-1 is still active whenever exclusive-2 is looked at.
    apply(template('exclusive', Concurrency.forbid(), '120s'), ns);
    apply(jobRun('exclusive-1', 'exclusive'), ns);
    await waitFor(() => getObject('jobrun', 'exclusive-1', ns)?.status?.phase === 'Running', 60_000, { description: 'exclusive-1 Running' });
    apply(jobRun('exclusive-2', 'exclusive'), ns);
    const refused = await waitFor(() => {
      const r = getObject('jobrun', 'exclusive-2', ns);
      return r?.status?.phase === 'Refused' ? r : undefined;
    }, 60_000, { description: 'exclusive-2 Refused' });
    expect(condition(refused, 'Accepted')).toMatchObject({
      status: 'False',
      reason: 'Forbidden',
      message: 'Workload exclusive has the Forbid concurrency policy and a run is active (exclusive-1). '
        + 'Create a new JobRun once it finishes, or set spec.force: true to start anyway.',
    });
    expect(getObject('job', 'exclusive-2', ns)).toBeUndefined();

    apply({ ...jobRun('exclusive-3', 'exclusive'), spec: { templateRef: { name: 'exclusive' }, force: true } }, ns);
    const forced = await waitFor(() => {
      const r = getObject('jobrun', 'exclusive-3', ns);
      return condition(r, 'Accepted') ? r : undefined;
    }, 60_000, { description: 'forced run accepted' });
    expect(condition(forced, 'Accepted')).toMatchObject({ status: 'True', reason: 'Started' });
    expect(listObjects('jobs', ns, 'cdk8s-batch.dev/workload=exclusive').map((j) => j.metadata.name).sort()).toEqual(['exclusive-1', 'exclusive-3']);
  });

  test('Enqueue: JobRuns queue behind each other and run one at a time, in creation order', async () => {
    apply(template('queued', Concurrency.enqueue({ maxConcurrency: 1 }), '8s'), ns);
    const watch = await JobWatch.start(ns, 'cdk8s-batch.dev/workload=queued');
    watches.push(watch);
    // Created over a second apart (distinct creation seconds), names not in creation order;
    // each run lasts 8 s, so the second and third are created while the first runs.
    const names = ['queued-c', 'queued-a', 'queued-b'];
    for (const name of names) {
      apply(jobRun(name, 'queued'), ns);
      await new Promise((r) => setTimeout(r, 1100));
    }
    const all = await waitFor(() => {
      const runs = names.map((n) => getObject('jobrun', n, ns));
      return runs.every((r) => r?.status?.phase === 'Succeeded') ? runs : undefined;
    }, 180_000, { description: 'all queued runs Succeeded' });

    // What lasts: every Job of an Enqueue workload is created suspended and admitted by the
    // Enqueue rule, which the Accepted condition keeps.
    expect(all.map((r) => condition(r, 'Accepted')?.reason)).toEqual(['Queued', 'Queued', 'Queued']);
    // The watch saw every change of the Jobs in commit order: one at a time, in creation order.
    expect(watch.maxActive()).toBe(1);
    expect(watch.admissionOrder()).toEqual(names);
    const jobs = all.map((r) => getObject('job', r.metadata.name, ns));
    const admitted = jobs.map((j) => Date.parse(j.metadata.annotations['cdk8s-batch.dev/admitted-at']));
    expect(admitted[0]).toBeLessThan(admitted[1]);
    expect(admitted[1]).toBeLessThan(admitted[2]);
  });

  test('the API server rejects a JobRun whose name cannot be a Job name (the CRD\'s rule)', () => {
    const name = `r${'x'.repeat(63)}`;
    expect(() => apply(jobRun(name, 'report'), ns)).toThrow(
      /a JobRun name must be a DNS label of at most 63 characters \(lower case letters, digits and "-"\), because its Job takes the name/);
    expect(() => kubectl(['get', 'jobrun', name, '-n', ns])).toThrow(KubectlError);
  });

  test('cdk8s-batch run --wait, get and status against the cluster; --dry-run --job prints what the controller creates', async () => {
    await badReportRun(ns); // shown by `get`
    const dry = await cli(['run', 'report', '-n', ns, '--set', 'top=7', '--name', 'cli-run', '--dry-run', '--job', '-o', 'json']);
    expect(dry.code).toBe(0);
    const printed = JSON.parse(dry.stdout);

    const started = await cli(['run', 'report', '-n', ns, '--set', 'top=7', '--name', 'cli-run', '--wait', '--timeout', '60']);
    expect(started.stderr).toBe('');
    expect(started.stdout).toMatch(/^jobrun\.cdk8s-batch\.dev\/cli-run created in namespace e2e-ctl-jobrun-[a-z0-9]+\n(cli-run: (Pending|Running)\n)*cli-run: Succeeded\n$/);
    expect(started.code).toBe(0);

    const job = getObject('job', 'cli-run', ns);
    expect(job.metadata.labels).toMatchObject(printed.metadata.labels);
    expect(job.spec.template.metadata.labels).toMatchObject(printed.spec.template.metadata.labels);
    expect(job.spec.template.spec.containers[0].args).toEqual(printed.spec.template.spec.containers[0].args);
    expect(job.spec.template.spec.containers[0].args).toEqual(['--region=emea', '--top=7', `--ns=${ns}`]);
    expect(job.spec.backoffLimit).toBe(printed.spec.backoffLimit);

    const get = await cli(['get', 'report', '-n', ns]);
    expect(get.code).toBe(0);
    expect(get.stdout).toMatch(/^NAME +TRIGGER +PHASE +STARTED +DURATION +QUEUE\n/);
    expect(get.stdout).toMatch(/^cli-run +JobRun +Succeeded +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ +\d+s +-$/m);
    expect(get.stdout).toMatch(/^report-bad +JobRun +Failed +- +- +-$/m);

    const status = await cli(['status', 'cli-run', '-n', ns]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^Phase: +Succeeded$/m);
    expect(status.stdout).toMatch(/^Values: +region=emea, top=7$/m);
    expect(status.stdout).toMatch(/^ {2}Complete +True +JobComplete +Job cli-run completed\.$/m);

    const bad = await cli(['run', 'report', '-n', ns, '--set', 'top=1000']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(`error: JobTemplate ${ns}/report: a value is not valid:\n  option "top": is greater than the maximum 100 (got "1000"). Write a number from 1 to 100.\n`);
  });

  test('the controller made no errors and counted the runs', async () => {
    // Counted against what the cluster holds, so the test holds alone or after the others.
    const runs = listObjects('jobruns', ns);
    const refused = runs.filter((r) => r.status?.phase === 'Refused').length;
    const invalid = runs.filter((r) => condition(r, 'Failed')?.reason === 'InvalidValues').length;
    expect(await controller!.metric('cdk8s_batch_reconcile_errors_total')).toBe(0);
    expect(await controller!.metric('cdk8s_batch_job_runs_total', { namespace: ns, result: 'refused' })).toBe(refused);
    expect(await controller!.metric('cdk8s_batch_job_runs_total', { namespace: ns, result: 'invalid' })).toBe(invalid);
  });
});
