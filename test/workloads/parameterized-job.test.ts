import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { BatchErrors, Concurrency, JobOption, ParameterizedJob, RunKind, Schedule, ScheduledBatch } from '../../src';
import { BatchValidationError } from '../../src/errors';
import { validateManifest } from '../support/kube-schema';

const greet: kplus.ContainerProps = {
  name: 'main',
  image: 'alpine:3.20',
  args: ['echo', 'Hello world, ${option.username}!'],
  envVariables: { WORKLOAD: kplus.EnvValue.fromValue('${workload.namespace}/${workload.name}') },
};
const username = JobOption.string({ name: 'username', default: 'Example User', trimSpaces: true });

function objectsOf(chart: any): any[] {
  return validateManifest(Testing.synth(chart));
}

describe('ParameterizedJob', () => {
  test('emits a JobTemplate with the option schema and the template left unsubstituted', () => {
    const chart = Testing.chart();
    chart.node.setContext('cdk8s-batch.dev/controller', 'external');
    const job = new ParameterizedJob(chart, 'greet', {
      metadata: { name: 'greet' },
      options: [username],
      concurrency: Concurrency.forbid(),
      containers: [greet],
    });
    const [template] = objectsOf(chart);
    expect(template).toMatchSnapshot();
    expect(template.apiVersion).toBe('cdk8s-batch.dev/v1alpha1');
    expect(template.kind).toBe('JobTemplate');
    expect(template.metadata.labels).toEqual({ 'cdk8s-batch.dev/workload': 'greet', 'cdk8s-batch.dev/kind': 'ParameterizedJob' });
    expect(template.spec.options).toEqual([
      { type: 'String', name: 'username', required: false, string: { default: 'Example User', trimSpaces: true } },
    ]);
    expect(template.spec.concurrency).toEqual({ policy: 'Forbid' });
    expect(template.spec.workload).toEqual({ kind: 'ParameterizedJob', name: 'greet' });
    const container = template.spec.template.spec.template.spec.containers[0];
    expect(container.args).toEqual(['echo', 'Hello world, ${option.username}!']);
    expect(container.env).toEqual([{ name: 'WORKLOAD', value: '${workload.namespace}/${workload.name}' }]);
    expect(job.workload).toEqual({ name: 'greet', namespace: 'default' });
  });

  test('a committed Job run is substituted at synth', () => {
    const chart = Testing.chart();
    const job = new ParameterizedJob(chart, 'greet', { metadata: { name: 'greet', namespace: 'team' }, options: [username], containers: [greet] });
    job.addRun('alice', { kind: RunKind.JOB, name: 'greet-alice', values: { username: '  Alice  ' } });
    job.addRun('default', { kind: RunKind.JOB, name: 'greet-default' });
    const objects = objectsOf(chart);
    const alice = objects.find((o) => o.metadata.name === 'greet-alice');
    expect(alice.kind).toBe('Job');
    expect(alice.metadata.namespace).toBe('team');
    expect(alice.metadata.labels).toEqual({ 'cdk8s-batch.dev/workload': 'greet', 'cdk8s-batch.dev/kind': 'ParameterizedJob' });
    const container = alice.spec.template.spec.containers[0];
    expect(container.args).toEqual(['echo', 'Hello world, Alice!']);
    expect(container.env).toEqual([{ name: 'WORKLOAD', value: 'team/greet' }]);
    const byDefault = objects.find((o) => o.metadata.name === 'greet-default');
    expect(byDefault.spec.template.spec.containers[0].args).toEqual(['echo', 'Hello world, Example User!']);
  });

  test('a committed JobRun carries the values for the controller', () => {
    const chart = Testing.chart();
    chart.node.setContext('cdk8s-batch.dev/controller', 'external');
    const job = new ParameterizedJob(chart, 'greet', { metadata: { name: 'greet' }, options: [username], containers: [greet] });
    const run = job.addRun('alice', { values: { username: 'Alice' } });
    const objects = objectsOf(chart);
    const jobRun = objects.find((o) => o.kind === 'JobRun');
    expect(jobRun.metadata.name).toBe(run.name);
    expect(jobRun.spec).toEqual({ templateRef: { name: 'greet' }, values: { username: 'Alice' } });
  });

  test('bad values are rejected at synth with the option, the value and the rule', () => {
    const chart = Testing.chart();
    const job = new ParameterizedJob(chart, 'r', {
      metadata: { name: 'r' },
      options: [JobOption.select({ name: 'region', values: ['eu', 'us'], default: 'eu' })],
      containers: [{ image: 'x', args: ['${option.region}'] }],
    });
    expect(() => job.addRun('bad', { values: { region: 'ap' } })).toThrow(/^test\/r\/bad: values: a value is not valid:\n  option "region"/);
    expect(() => job.addRun('unknown', { values: { zone: 'a' } })).toThrow(/^test\/r\/unknown: /);
    expect(() => job.addRun('unknown2', { values: { zone: 'a' } })).toThrow(/zone/);
  });

  test('addRun reports every bad value at once, as the CLI does', () => {
    const chart = Testing.chart();
    const job = new ParameterizedJob(chart, 'r', {
      metadata: { name: 'r' },
      options: [JobOption.select({ name: 'region', values: ['eu', 'us'], default: 'eu' }), JobOption.int({ name: 'top', max: 5 })],
      containers: [{ image: 'x', args: ['${option.region}'] }],
    });
    expect(() => job.addRun('bad', { values: { region: 'ap', top: '9', zone: 'a' } })).toThrow(BatchValidationError);
    let caught: unknown;
    try { job.addRun('bad3', { values: { top: '9' } }); } catch (e) { caught = e; }
    expect(BatchErrors.isBatchValidationError(caught)).toBe(true);
    expect(() => job.addRun('bad2', { values: { region: 'ap', top: '9', zone: 'a' } })).toThrow(`test/r/bad2: values: 3 values are not valid:
  option "zone": is not a defined option (got "a"). Use one of the defined options "region", "top" (names are case-sensitive).
  option "region": must be one of "eu", "us" (got "ap"). Pick one of the listed values; this option does not allow custom values.
  option "top": is greater than the maximum 5 (got "9"). Write a number of at most 5.`);
  });

  test('an unknown ${option.x} reference fails at synth instead of becoming empty', () => {
    const chart = Testing.chart();
    new ParameterizedJob(chart, 'r', { metadata: { name: 'r' }, options: [username], containers: [{ image: 'x', args: ['${option.user}'] }] });
    expect(() => Testing.synth(chart)).toThrow('Validation failed with the following errors:\n  [test/r] spec.template.spec.containers[0].args[0]: refers to option "user", which is not defined (got "${option.user}"). Use one of the defined options "username", or write $${option.user} to keep the text literally.');
  });

  test('the template name leaves room for a suffix', () => {
    const chart = Testing.chart();
    expect(() => new ParameterizedJob(chart, 'r', { metadata: { name: 'r'.repeat(53) }, containers: [greet] }))
      .toThrow(`test/r: metadata.name: is 53 characters long, more than the 52 allowed (Jobs created from the template are named after it, with a suffix) (got "${'r'.repeat(53)}"). Shorten the name to at most 52 characters.`);
  });

  test('duplicate option names are rejected with the construct path', () => {
    const chart = Testing.chart();
    expect(() => new ParameterizedJob(chart, 'r', { options: [username, username], containers: [greet] })).toThrow(/^test\/r: .*username/);
  });
});

describe('ScheduledBatch with options', () => {
  test('scheduled runs use the defaults; a JobTemplate serves ad-hoc runs under the same concurrency policy', () => {
    const chart = Testing.chart();
    chart.node.setContext('cdk8s-batch.dev/controller', 'external');
    const batch = new ScheduledBatch(chart, 'greet', {
      metadata: { name: 'greet' },
      schedule: Schedule.hourly(),
      concurrency: Concurrency.enqueue({ maxConcurrency: 2 }),
      options: [username, JobOption.bool({ name: 'dry-run', default: true })],
      containers: [{ ...greet, args: ['greet', '--name=${option.username}', '--dry-run=${option.dry-run}'] }],
    });
    const objects = objectsOf(chart);
    const cron = objects.find((o) => o.kind === 'CronJob');
    expect(cron.spec.jobTemplate.spec.template.spec.containers[0].args).toEqual(['greet', '--name=Example User', '--dry-run=true']);
    const template = objects.find((o) => o.kind === 'JobTemplate');
    expect(template.metadata.name).toBe('greet');
    expect(template.spec.workload).toEqual({ kind: 'ScheduledBatch', name: 'greet' });
    expect(template.spec.concurrency).toEqual({ policy: 'Enqueue', maxConcurrency: 2 });
    expect(template.spec.template.metadata.annotations).toEqual({
      'cdk8s-batch.dev/concurrency-policy': 'Enqueue',
      'cdk8s-batch.dev/max-concurrency': '2',
    });
    expect(template.spec.template.spec.template.spec.containers[0].args[1]).toBe('--name=${option.username}');
    expect(batch.jobTemplate).toBeDefined();
  });

  test('a required option without a default cannot be scheduled', () => {
    const chart = Testing.chart();
    expect(() => new ScheduledBatch(chart, 'x', {
      schedule: Schedule.daily(),
      options: [JobOption.string({ name: 'target', required: true })],
      containers: [{ image: 'x', args: ['${option.target}'] }],
    })).toThrow(/^test\/x: option "target"/);
  });

  test('without options there is no JobTemplate, and ${workload.name} is still substituted', () => {
    const chart = Testing.chart();
    const batch = new ScheduledBatch(chart, 'x', { metadata: { name: 'x' }, schedule: Schedule.daily(), containers: [{ image: 'x', args: ['${workload.name}'] }] });
    const objects = objectsOf(chart);
    expect(objects.map((o) => o.kind)).toEqual(['CronJob']);
    expect(objects[0].spec.jobTemplate.spec.template.spec.containers[0].args).toEqual(['x']);
    expect(batch.jobTemplate).toBeUndefined();
  });
});
