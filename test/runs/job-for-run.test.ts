import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { BoolFormat, Concurrency, ConcurrencyPolicy, JobOption, ParameterizedJob, RunKind, Schedule, ScheduledBatch } from '../../src';
import { admitRun, jobForRun, RunAdmission, runSourceFromCronJob, runSourceFromJobTemplate, RunSourceKind } from '../../src/runs';
import { validateManifest } from '../support/kube-schema';

const report: kplus.ContainerProps = {
  name: 'report',
  image: 'registry.example/report:${option.tag}',
  args: ['--since=${option.since}', '--region=${option.region}', '--channels=${option.channels}', '--dry-run=${option.dry-run}',
    '--top=${option.top}', '--out=s3://reports/${workload.namespace}/${workload.name}/', '--literal=$${option.region}', '$(HOME)'],
  envVariables: { REGION: kplus.EnvValue.fromValue('${option.region}') },
};

function reportJob(concurrency = Concurrency.allow()) {
  const chart = Testing.chart();
  chart.node.setContext('cdk8s-batch.dev/controller', 'external');
  const job = new ParameterizedJob(chart, 'report', {
    metadata: { name: 'report', namespace: 'sales' },
    concurrency,
    options: [
      JobOption.string({ name: 'tag', default: '2.3.0' }),
      JobOption.date({ name: 'since', format: 'YYYY-MM-DD' }),
      JobOption.select({ name: 'region', values: ['emea', 'amer', 'apac'], default: 'emea' }),
      JobOption.multi({ name: 'channels', values: ['web', 'store', 'partner'], defaults: ['web'], delimiter: '+' }),
      JobOption.bool({ name: 'dry-run', default: true, format: BoolFormat.YES_NO }),
      JobOption.int({ name: 'top', default: 10, min: 1, max: 100 }),
    ],
    containers: [report],
  });
  return { chart, job };
}

const values = { 'since': '2026-07-01T00:00:00+02:00', 'region': 'apac', 'channels': 'partner,web', 'dry-run': 'false', 'top': '25' };

describe('jobForRun', () => {
  test('the Job built at run time from the JobTemplate has exactly the pod addRun() substitutes at synth', () => {
    const { chart, job } = reportJob();
    job.addRun('q3', { kind: RunKind.JOB, name: 'report-q3', values });
    const objects = validateManifest(Testing.synth(chart));
    const template = objects.find((o) => o.kind === 'JobTemplate');
    const synthJob = objects.find((o) => o.kind === 'Job');

    const source = runSourceFromJobTemplate(template);
    const { job: runJob, values: rendered } = jobForRun(source, { name: 'report-q3', values, admission: RunAdmission.START });
    validateManifest([runJob]);

    // The pod's spec is the same (labels differ: a run's Job carries the job-run label).
    expect(runJob.spec.template.spec).toEqual(synthJob.spec.template.spec);
    const container = runJob.spec.template.spec.containers[0];
    expect(container.image).toBe('registry.example/report:2.3.0');
    expect(container.args).toEqual(['--since=2026-07-01', '--region=apac', '--channels=partner+web', '--dry-run=no', '--top=25',
      '--out=s3://reports/sales/report/', '--literal=${option.region}', '$(HOME)']);
    expect(container.env).toEqual([{ name: 'REGION', value: 'apac' }]);
    expect(rendered).toEqual({ 'tag': '2.3.0', 'since': '2026-07-01', 'region': 'apac', 'channels': 'partner+web', 'dry-run': 'no', 'top': '25' });

    expect(runJob.metadata).toEqual({
      name: 'report-q3',
      namespace: 'sales',
      labels: { 'cdk8s-batch.dev/workload': 'report', 'cdk8s-batch.dev/job-run': 'report-q3' },
    });
    expect(runJob.spec.template.metadata.labels).toEqual({ 'cdk8s-batch.dev/workload': 'report', 'cdk8s-batch.dev/job-run': 'report-q3' });
    expect(runJob.spec.suspend).toBeUndefined();
    expect(runJob.spec.backoffLimit).toBe(2);
  });

  test('a JobRun owns its Job', () => {
    const { chart } = reportJob();
    const source = runSourceFromJobTemplate(Testing.synth(chart)[0]);
    const { job } = jobForRun(source, { name: 'run-1', admission: RunAdmission.START, jobRunUid: 'c0ffee' });
    expect(job.metadata.ownerReferences).toEqual([
      { apiVersion: 'cdk8s-batch.dev/v1alpha1', kind: 'JobRun', name: 'run-1', uid: 'c0ffee', controller: true },
    ]);
  });

  test('Enqueue: a queued Job is suspended and carries the caps; a forced one neither', () => {
    const { chart } = reportJob(Concurrency.enqueue({ maxConcurrency: 2, maxQueued: 5 }));
    const source = runSourceFromJobTemplate(Testing.synth(chart)[0]);
    expect(source.concurrency).toEqual({ policy: ConcurrencyPolicy.ENQUEUE, maxConcurrency: 2, maxQueued: 5 });
    const queued = jobForRun(source, { name: 'q', admission: RunAdmission.QUEUE }).job;
    expect(queued.spec.suspend).toBe(true);
    expect(queued.metadata.annotations).toEqual({
      'cdk8s-batch.dev/concurrency-policy': 'Enqueue', 'cdk8s-batch.dev/max-concurrency': '2', 'cdk8s-batch.dev/max-queued': '5',
    });
    const forced = jobForRun(source, { name: 'f', admission: RunAdmission.START }).job;
    expect(forced.spec.suspend).toBeUndefined();
    expect(forced.metadata.annotations).toBeUndefined();
  });

  test('a ScheduledBatch without options: the run is its CronJob\'s Job template, not substituted again', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'ops' });
    chart.node.setContext('cdk8s-batch.dev/controller', 'external');
    new ScheduledBatch(chart, 'nightly', {
      schedule: Schedule.cron('0 3 * * *'),
      concurrency: Concurrency.enqueue({ maxConcurrency: 1 }),
      containers: [{ image: 'alpine:3.20', args: ['echo', '$${not.a.reference}'] }],
    });
    const cron = Testing.synth(chart).find((o) => o.kind === 'CronJob');
    const source = runSourceFromCronJob(cron);
    expect(source.kind).toBe(RunSourceKind.CRON_JOB);
    expect(source.workload).toBe(cron.metadata.labels['cdk8s-batch.dev/workload']);
    expect(source.concurrency).toEqual({ policy: ConcurrencyPolicy.ENQUEUE, maxConcurrency: 1, maxQueued: undefined });
    const forced = jobForRun(source, { name: 'nightly-now', admission: RunAdmission.START }).job;
    expect(forced.spec.suspend).toBeUndefined();
    expect(forced.spec.template.spec.containers[0].args).toEqual(['echo', '${not.a.reference}']);
    expect(() => jobForRun(source, { name: 'x', values: { a: '1' }, admission: RunAdmission.START })).toThrow(
      'option "a": is not a defined option (got "1"). Remove it; this workload defines no options.');
  });

  test('bad run names and values are rejected with the options core\'s messages', () => {
    const { chart } = reportJob();
    const source = runSourceFromJobTemplate(Testing.synth(chart)[0]);
    expect(() => jobForRun(source, { name: 'Report_Q3', admission: RunAdmission.START })).toThrow(
      'name: is not a lowercase RFC 1123 label (lower case letters, digits and "-", starting and ending with a letter or digit) (got "Report_Q3"). Use a name such as "nightly-report".');
    expect(() => jobForRun(source, { name: 'r'.repeat(64), admission: RunAdmission.START })).toThrow(
      `name: is 64 characters long, more than the 63 allowed (the Job takes the run's name, and Kubernetes puts it in a pod label) (got "${'r'.repeat(64)}"). Shorten the name to at most 63 characters.`);
    expect(() => jobForRun(source, { name: 'ok', values: { top: '0' }, admission: RunAdmission.START })).toThrow(
      'option "top": is less than the minimum 1 (got "0"). Write a number from 1 to 100.');
    expect(source.options.validate({ top: 'x', region: 'mars' })).toEqual([
      'option "region": must be one of "emea", "amer", "apac" (got "mars"). Pick one of the listed values; this option does not allow custom values.',
      'option "top": is not a whole number (got "x"). Write digits only, with an optional sign, e.g. 42 or -3.',
    ]);
  });

  test('objects that are not run sources are rejected with what is wrong', () => {
    expect(() => runSourceFromJobTemplate({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' } })).toThrow(
      'Job default/j: is not a JobTemplate (got "batch/v1/Job"). Pass a cdk8s-batch.dev/v1alpha1 JobTemplate.');
    expect(() => runSourceFromJobTemplate({ apiVersion: 'cdk8s-batch.dev/v1alpha1', kind: 'JobTemplate', metadata: { name: 't', namespace: 'a' }, spec: {} }))
      .toThrow('JobTemplate a/t spec.template.spec: is missing (got "null"). Synthesize the JobTemplate with cdk8s-batch, or give it a batch/v1 JobSpec.');
    expect(() => runSourceFromJobTemplate({
      apiVersion: 'cdk8s-batch.dev/v1alpha1',
      kind: 'JobTemplate',
      metadata: { name: 't' },
      spec: { template: { spec: {} }, concurrency: { policy: 'Sometimes' } },
    })).toThrow('JobTemplate default/t spec.concurrency.policy: is not a concurrency policy (got "Sometimes"). Use one of Allow, Forbid, Replace, Enqueue.');
    expect(() => runSourceFromJobTemplate({
      apiVersion: 'cdk8s-batch.dev/v1alpha1',
      kind: 'JobTemplate',
      metadata: { name: 't' },
      spec: { template: { spec: {} }, options: [{ type: 'Select', name: 'x', select: { values: [] } }] },
    })).toThrow(/^JobTemplate default\/t spec\.options: /);
    expect(() => runSourceFromCronJob({ apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'c' }, spec: {} })).toThrow(
      'CronJob default/c spec.jobTemplate.spec: is missing (got "null"). Give the CronJob a Job template.');
  });
});

describe('admitRun', () => {
  test.each([
    [ConcurrencyPolicy.ALLOW, 0, false, RunAdmission.START],
    [ConcurrencyPolicy.ALLOW, 3, false, RunAdmission.START],
    [ConcurrencyPolicy.FORBID, 0, false, RunAdmission.START],
    [ConcurrencyPolicy.FORBID, 1, false, RunAdmission.REFUSE],
    [ConcurrencyPolicy.FORBID, 1, true, RunAdmission.START],
    [ConcurrencyPolicy.REPLACE, 0, false, RunAdmission.START],
    [ConcurrencyPolicy.REPLACE, 2, false, RunAdmission.REPLACE],
    [ConcurrencyPolicy.REPLACE, 2, true, RunAdmission.START],
    [ConcurrencyPolicy.ENQUEUE, 0, false, RunAdmission.QUEUE],
    [ConcurrencyPolicy.ENQUEUE, 5, false, RunAdmission.QUEUE],
    [ConcurrencyPolicy.ENQUEUE, 5, true, RunAdmission.START],
  ])('%s with %i active, force %s: %s', (policy, active, force, expected) => {
    expect(admitRun(policy, active, force)).toBe(expected);
  });
});
