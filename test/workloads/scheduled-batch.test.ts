import { App, Chart, Duration, Testing, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  Concurrency, ExitCodeOperator, PodFailureAction, PodFailureRule, Schedule, ScheduledBatch, TimeZone,
} from '../../src';
import { warningsOf } from '../../src/warnings';
import { validateManifest } from '../support/kube-schema';

const container: kplus.ContainerProps = { name: 'main', image: 'busybox:1.36', args: ['echo', 'hi'] };

function synth(chart: Chart): any[] {
  return validateManifest(Testing.synth(chart));
}

function cronJobOf(objects: any[]): any {
  const cronJobs = objects.filter((o) => o.kind === 'CronJob');
  expect(cronJobs).toHaveLength(1);
  return cronJobs[0];
}

describe('ScheduledBatch', () => {
  test('emits a CronJob with our documented defaults', () => {
    // GIVEN
    const chart = Testing.chart();
    // WHEN
    new ScheduledBatch(chart, 'report', { schedule: Schedule.cron('30 2 * * *'), containers: [container] });
    // THEN
    const objects = synth(chart);
    expect(objects).toMatchSnapshot();
    const cron = cronJobOf(objects);
    expect(cron.apiVersion).toBe('batch/v1');
    expect(cron.metadata.name).toBe('test-report-c833010c');
    expect(cron.spec).toMatchObject({
      schedule: '30 2 * * *',
      timeZone: 'UTC',
      concurrencyPolicy: 'Allow',
      suspend: false,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 1,
    });
    // Not cdk8s-plus-27's 10 s, which is known to skip runs.
    expect(cron.spec.startingDeadlineSeconds).toBeUndefined();
    const job = cron.spec.jobTemplate.spec;
    expect(job.backoffLimit).toBe(2);
    expect(job.suspend).toBeUndefined();
    expect(job.template.spec.restartPolicy).toBe('Never');
    expect(job.template.metadata.labels).toEqual({ 'cdk8s-batch.dev/workload': 'test-report-c833010c' });
    expect(job.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '100m', memory: '256Mi' },
      limits: { memory: '1024Mi' },
    });
    expect(cron.metadata.annotations).toEqual({
      'cdk8s-batch.dev/schedule': '30 2 * * *',
      'cdk8s-batch.dev/hash-seed': 'default/test-report-c833010c',
    });
  });

  test('resolves hashed schedules with NAMESPACE/NAME as the default seed', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c', { namespace: 'batch' });
    const a = new ScheduledBatch(chart, 'a', { metadata: { name: 'nightly' }, schedule: Schedule.cron('H H * * *'), containers: [container] });
    const b = new ScheduledBatch(chart, 'b', {
      metadata: { name: 'renamed' }, hashSeed: 'batch/nightly', schedule: Schedule.cron('H H * * *'), containers: [container],
    });
    expect(a.hashSeed).toBe('batch/nightly');
    expect(a.resolvedSchedule).toBe(Schedule.cron('H H * * *').resolve('batch/nightly'));
    // A pinned seed keeps the run time through a rename.
    expect(b.resolvedSchedule).toBe(a.resolvedSchedule);
    const cron = synth(chart).find((o) => o.metadata.name === 'nightly');
    expect(cron.spec.schedule).toBe(a.resolvedSchedule);
    expect(cron.spec.schedule).not.toContain('H');
    expect(cron.metadata.annotations['cdk8s-batch.dev/schedule']).toBe('H H * * *');
    expect(cron.metadata.annotations['cdk8s-batch.dev/hash-seed']).toBe('batch/nightly');
  });

  test('Furiko vector: seed default/periodic-jobconfig, H/5 gives minutes 2,7,...,57', () => {
    const chart = Testing.chart();
    const batch = new ScheduledBatch(chart, 'p', {
      metadata: { name: 'periodic-jobconfig' }, schedule: Schedule.cron('H/5 * * * *'), containers: [container],
    });
    expect(batch.hashSeed).toBe('default/periodic-jobconfig');
    const minutes = batch.resolvedSchedule.split(' ')[0];
    const expanded = minutes.includes('/') ? expandStep(minutes, 59) : minutes.split(',').map(Number);
    expect(expanded).toEqual([2, 7, 12, 17, 22, 27, 32, 37, 42, 47, 52, 57]);
  });

  test('time zone, concurrency, history, deadlines and suspend reach the CronJob', () => {
    const chart = Testing.chart();
    new ScheduledBatch(chart, 'r', {
      schedule: Schedule.cron('0 15 * * *'),
      timeZone: TimeZone.of('Asia/Tokyo'),
      concurrency: Concurrency.replace(),
      successfulJobsRetained: 5,
      failedJobsRetained: 2,
      startingDeadline: Duration.minutes(5),
      activeDeadline: Duration.hours(1),
      ttlAfterFinished: Duration.days(1),
      maxAttempts: 11,
      suspend: true,
      containers: [container],
    });
    const cron = cronJobOf(synth(chart));
    expect(cron.spec).toMatchObject({
      timeZone: 'Asia/Tokyo',
      concurrencyPolicy: 'Replace',
      successfulJobsHistoryLimit: 5,
      failedJobsHistoryLimit: 2,
      startingDeadlineSeconds: 300,
      suspend: true,
    });
    expect(cron.spec.jobTemplate.spec).toMatchObject({
      activeDeadlineSeconds: 3600,
      ttlSecondsAfterFinished: 86400,
      backoffLimit: 10,
    });
  });

  test('Enqueue emits Allow with suspended Jobs and the caps as annotations', () => {
    const chart = Testing.chart();
    chart.node.setContext('cdk8s-batch.dev/controller', 'external');
    new ScheduledBatch(chart, 'q', {
      schedule: Schedule.everyMinute(),
      concurrency: Concurrency.enqueue({ maxConcurrency: 2, maxQueued: 10 }),
      pendingTimeout: Duration.minutes(30),
      containers: [container],
    });
    const cron = cronJobOf(synth(chart));
    expect(cron.spec.concurrencyPolicy).toBe('Allow');
    expect(cron.spec.jobTemplate.spec.suspend).toBe(true);
    const expected = {
      'cdk8s-batch.dev/concurrency-policy': 'Enqueue',
      'cdk8s-batch.dev/max-concurrency': '2',
      'cdk8s-batch.dev/max-queued': '10',
    };
    expect(cron.metadata.annotations).toMatchObject(expected);
    expect(cron.spec.jobTemplate.metadata.annotations).toEqual({
      ...expected,
      'cdk8s-batch.dev/pending-timeout-seconds': '1800',
    });
    expect(cron.spec.jobTemplate.metadata.labels).toEqual({ 'cdk8s-batch.dev/workload': cron.metadata.name });
  });

  test('a run window is kept in annotations, with a 60 s starting deadline', () => {
    const chart = Testing.chart();
    chart.node.setContext('cdk8s-batch.dev/controller', 'external');
    new ScheduledBatch(chart, 'w', {
      schedule: Schedule.hourly(),
      notBefore: new Date('2026-12-01T00:00:00+09:00'),
      notAfter: new Date('2027-01-01T00:00:00Z'),
      containers: [container],
    });
    const cron = cronJobOf(synth(chart));
    expect(cron.metadata.annotations['cdk8s-batch.dev/not-before']).toBe('2026-11-30T15:00:00.000Z');
    expect(cron.metadata.annotations['cdk8s-batch.dev/not-after']).toBe('2027-01-01T00:00:00.000Z');
    expect(cron.spec.startingDeadlineSeconds).toBe(60);
  });

  test('config becomes an immutable, content-named ConfigMap wired with envFrom', () => {
    const chart = Testing.chart();
    const batch = new ScheduledBatch(chart, 'cfg', {
      metadata: { name: 'task-reporter' },
      schedule: Schedule.daily(),
      config: { B: '2', A: '1' },
      containers: [container],
    });
    batch.addContainer({ name: 'sidecar', image: 'busybox:1.36' });
    const objects = synth(chart);
    const cm = objects.find((o) => o.kind === 'ConfigMap');
    expect(cm.metadata.name).toMatch(/^task-reporter-config-[0-9a-f]{10}$/);
    expect(cm.immutable).toBe(true);
    expect(cm.data).toEqual({ A: '1', B: '2' });
    const containers = cronJobOf(objects).spec.jobTemplate.spec.template.spec.containers;
    expect(containers.map((c: any) => c.envFrom)).toEqual([
      [{ configMapRef: { name: cm.metadata.name } }],
      [{ configMapRef: { name: cm.metadata.name } }],
    ]);
    // Same content, same name; other content, other name.
    const other = Testing.chart();
    const same = new ScheduledBatch(other, 'cfg', { metadata: { name: 'task-reporter' }, schedule: Schedule.daily(), config: { A: '1', B: '2' }, containers: [container] });
    const changed = new ScheduledBatch(other, 'cfg2', { metadata: { name: 'task-reporter' }, schedule: Schedule.daily(), config: { A: '1', B: '3' }, containers: [container] });
    expect(same.configMap!.name).toBe(cm.metadata.name);
    expect(changed.configMap!.name).not.toBe(cm.metadata.name);
  });

  test('pod failure rules are emitted sorted and typed', () => {
    const chart = Testing.chart();
    new ScheduledBatch(chart, 'pf', {
      schedule: Schedule.daily(),
      podFailureRules: [
        PodFailureRule.onExitCodes({ action: PodFailureAction.FAIL_JOB, exitCodes: [42, 3, 42], containerName: 'main' }),
        PodFailureRule.onExitCodes({ action: PodFailureAction.COUNT, exitCodes: [0], operator: ExitCodeOperator.NOT_IN }),
        PodFailureRule.onPodConditions({ action: PodFailureAction.IGNORE, conditions: [{ type: 'DisruptionTarget' }] }),
      ],
      containers: [container],
    });
    const policy = cronJobOf(synth(chart)).spec.jobTemplate.spec.podFailurePolicy;
    expect(policy).toEqual({
      rules: [
        { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [3, 42] } },
        { action: 'Count', onExitCodes: { operator: 'NotIn', values: [0] } },
        { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      ],
    });
  });

  test('containers added after construction are rendered', () => {
    const chart = Testing.chart();
    const batch = new ScheduledBatch(chart, 'late', { schedule: Schedule.daily() });
    batch.addInitContainer({ name: 'init', image: 'busybox:1.36' });
    batch.addContainer(container);
    const spec = cronJobOf(synth(chart)).spec.jobTemplate.spec.template.spec;
    expect(spec.containers.map((c: any) => c.name)).toEqual(['main']);
    expect(spec.initContainers.map((c: any) => c.name)).toEqual(['init']);
  });

  test('synthesizing twice gives byte-identical YAML', () => {
    const build = () => {
      const app = new App();
      const chart = new Chart(app, 'c', { namespace: 'ns' });
      new ScheduledBatch(chart, 'x', {
        schedule: Schedule.cron('H(0-29)/10 H/3 * * MON-FRI'),
        timeZone: TimeZone.of('UTC+9'),
        config: { Z: 'z', A: 'a' },
        concurrency: Concurrency.forbid(),
        containers: [container],
      });
      return app.synthYaml();
    };
    const first = build();
    expect(build()).toBe(first);
    expect(first).toContain('timeZone: Etc/GMT-9');
  });

  describe('warns when a controller-only feature has no BatchController', () => {
    test.each([
      ['Concurrency.enqueue()', { concurrency: Concurrency.enqueue() }],
      ['notBefore/notAfter', { notAfter: new Date('2030-01-01T00:00:00Z') }],
      ['pendingTimeout', { pendingTimeout: Duration.minutes(10) }],
    ])('%s', (feature, extra) => {
      const chart = Testing.chart();
      const batch = new ScheduledBatch(chart, 'x', { schedule: Schedule.daily(), containers: [container], ...extra });
      const emitted = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      Testing.synth(chart);
      expect(warningsOf(batch)).toEqual([
        `${feature} is carried out by the cdk8s-batch companion controller, and this app has no BatchController. ` +
        'Add a BatchController to the app, or set the context "cdk8s-batch.dev/controller": "external" if it is installed elsewhere.',
      ]);
      expect(emitted).toHaveBeenCalled();
      emitted.mockRestore();
    });

    test('but not with the controller marked external', () => {
      const chart = Testing.chart();
      chart.node.setContext('cdk8s-batch.dev/controller', 'external');
      const batch = new ScheduledBatch(chart, 'x', { schedule: Schedule.daily(), containers: [container], concurrency: Concurrency.enqueue() });
      Testing.synth(chart);
      expect(warningsOf(batch)).toEqual([]);
    });
  });

  describe('rejects bad input with the path, the field, the value and the fix', () => {
    const cases: Array<[string, object, string]> = [
      ['a name over 52 characters', { metadata: { name: 'a'.repeat(53) } },
        `test/x: metadata.name: is 53 characters long, more than the 52 allowed (Kubernetes adds an 11-character suffix to name the Jobs of a CronJob) (got "${'a'.repeat(53)}"). Shorten the name to at most 52 characters.`],
      ['a name with capitals', { metadata: { name: 'Nightly' } },
        'test/x: metadata.name: is not a lowercase RFC 1123 label (lower case letters, digits and "-", starting and ending with a letter or digit) (got "Nightly"). Use a name such as "nightly-report".'],
      ['a starting deadline under 10 s', { startingDeadline: Duration.seconds(5) },
        'test/x: startingDeadline: must be a whole number of seconds, at least 10 (the CronJob controller checks schedules about every 10 seconds, so shorter deadlines skip runs) (got "5 seconds"). Use Duration.minutes(1) or more, or leave it unset.'],
      ['zero attempts', { maxAttempts: 0 },
        'test/x: maxAttempts: must be a whole number of at least 1 (the first attempt counts) (got "0"). Use 1 for no retries, 3 for two retries.'],
      ['restartPolicy Always', { restartPolicy: kplus.RestartPolicy.ALWAYS },
        'test/x: restartPolicy: is not allowed for Jobs (Kubernetes accepts only OnFailure and Never) (got "Always"). Use RestartPolicy.NEVER (a new pod per attempt) or RestartPolicy.ON_FAILURE.'],
      ['a failure rule with OnFailure', {
        restartPolicy: kplus.RestartPolicy.ON_FAILURE,
        podFailureRules: [PodFailureRule.onExitCodes({ action: PodFailureAction.FAIL_JOB, exitCodes: [1] })],
      }, 'test/x: podFailureRules: need restartPolicy Never (Kubernetes rejects pod failure policies otherwise) (got "restartPolicy OnFailure"). Remove restartPolicy (it defaults to Never) or the pod failure rules.'],
      ['FailIndex without a matrix', {
        podFailureRules: [PodFailureRule.onExitCodes({ action: PodFailureAction.FAIL_INDEX, exitCodes: [1] })],
      }, 'test/x: podFailureRules: needs per-cell retries, which only matrix workloads have (got "FailIndex"). Use PodFailureAction.FAIL_JOB, or give the workload a matrix.'],
      ['a window that ends before it starts', { notBefore: new Date('2027-01-01T00:00:00Z'), notAfter: new Date('2026-01-01T00:00:00Z') },
        'test/x: notAfter: is not after notBefore (2027-01-01T00:00:00.000Z) (got "2026-01-01T00:00:00.000Z"). Set notAfter later than notBefore, or drop one of them.'],
      ['a bad label value', { metadata: { labels: { team: 'a b' } } },
        'test/x: metadata.labels["team"]: is not a valid label value (at most 63 characters: letters, digits, "-", "_" or ".", starting and ending with a letter or digit) (got "a b"). Use a short value such as "nightly", or move free text to an annotation.'],
      ['a bad config key', { config: { 'a key': 'v' } },
        'test/x: config: is not a valid ConfigMap key (letters, digits, "-", "_" or ".", at most 253 characters) (got "a key"). Use a key such as "REPORT_BUCKET" or "report.bucket".'],
      ['config over 1 MiB', { config: { A: 'x'.repeat(1_048_577) } },
        'test/x: config: exceeds the 1048576-byte ConfigMap limit (got "1048577 bytes"). Move large data to a volume or an object store and pass its location instead.'],
      ['a negative history limit', { failedJobsRetained: -1 },
        'test/x: failedJobsRetained: must be a whole number of at least 0 (got "-1"). Use e.g. failedJobsRetained: 3.'],
      ['a zero active deadline', { activeDeadline: Duration.seconds(0) },
        'test/x: activeDeadline: must be a whole number of seconds, at least 1 (got "0 seconds"). Use e.g. Duration.minutes(5).'],
    ];
    test.each(cases)('%s', (_name, extra, message) => {
      const chart = Testing.chart();
      expect(() => new ScheduledBatch(chart, 'x', { schedule: Schedule.daily(), containers: [container], ...extra }))
        .toThrow(message);
    });

    test('an empty hash seed names the construct path', () => {
      const chart = Testing.chart();
      expect(() => new ScheduledBatch(chart, 'x', { schedule: Schedule.cron('H H * * *'), hashSeed: '', containers: [container] }))
        .toThrow('test/x: hashSeed: is empty (got ""). Pass a non-empty seed; by default it is NAMESPACE/NAME of the CronJob.');
    });

    test('no containers fails at synth', () => {
      const chart = Testing.chart();
      new ScheduledBatch(chart, 'x', { schedule: Schedule.daily() });
      expect(() => Testing.synth(chart)).toThrow('containers: the workload has no containers. Pass `containers` or call addContainer().');
    });

    test('a failure rule naming a missing container fails at synth', () => {
      const chart = Testing.chart();
      new ScheduledBatch(chart, 'x', {
        schedule: Schedule.daily(),
        containers: [container],
        podFailureRules: [PodFailureRule.onExitCodes({ action: PodFailureAction.FAIL_JOB, exitCodes: [1], containerName: 'worker' })],
      });
      expect(() => Testing.synth(chart)).toThrow('podFailureRules: the rule names container "worker", which the pod does not have. Use one of: "main".');
    });

    test.each([
      ['Concurrency.enqueue({ maxConcurrency: 0 })', () => Concurrency.enqueue({ maxConcurrency: 0 }),
        'concurrency.maxConcurrency: must be a whole number from 1 to 10000 (got "0"). Pass Concurrency.enqueue({ maxConcurrency: 1 }) or another whole number in range.'],
      ['exit code 0 with In', () => PodFailureRule.onExitCodes({ action: PodFailureAction.FAIL_JOB, exitCodes: [0, 1] }),
        'podFailureRules.exitCodes: exit code 0 cannot be matched with the In operator (a successful container never fails a pod) (got "[0, 1]"). Remove 0 from the list, or use ExitCodeOperator.NOT_IN.'],
      ['exit code 256', () => PodFailureRule.onExitCodes({ action: PodFailureAction.FAIL_JOB, exitCodes: [256] }),
        'podFailureRules.exitCodes: exit code 256 is not a whole number from 0 to 255 (got "[256]"). Use exit codes from 0 to 255.'],
      ['no exit codes', () => PodFailureRule.onExitCodes({ action: PodFailureAction.FAIL_JOB, exitCodes: [] }),
        'podFailureRules.exitCodes: must hold 1 to 255 exit codes (got "[]"). List the exit codes that the rule should match.'],
      ['a bad condition status', () => PodFailureRule.onPodConditions({ action: PodFailureAction.IGNORE, conditions: [{ type: 'DisruptionTarget', status: 'yes' }] }),
        'podFailureRules.conditions.status: is not a condition status (got "yes"). Use "True", "False" or "Unknown".'],
    ])('%s is reported at the workload it is passed to', (_name, make, message) => {
      const value = make(); // no error yet: there is no construct to name
      const chart = Testing.chart();
      const rule = value instanceof PodFailureRule;
      expect(() => new ScheduledBatch(chart, 'x', {
        schedule: Schedule.daily(),
        containers: [container],
        ...(rule ? { podFailureRules: [value] } : { concurrency: value as Concurrency }),
      })).toThrow(`test/x: ${message}`);
    });
  });
});

test('Yaml output of a chart keeps apiVersion, kind and metadata first', () => {
  const chart = Testing.chart();
  new ScheduledBatch(chart, 'x', { schedule: Schedule.daily(), containers: [container] });
  const yaml = Yaml.stringify(...Testing.synth(chart));
  expect(yaml.startsWith('apiVersion: batch/v1\nkind: CronJob\nmetadata:')).toBe(true);
});

/** `a-b/n` or `a/n` to its values, for checking a resolved step field. */
function expandStep(field: string, max: number): number[] {
  const [range, step] = field.split('/');
  const [from, to] = range.includes('-') ? range.split('-').map(Number) : [Number(range), max];
  const out: number[] = [];
  for (let v = from; v <= to; v += Number(step)) out.push(v);
  return out;
}

test('a hashed macro is annotated with what was hashed', () => {
  const chart = Testing.chart();
  new ScheduledBatch(chart, 'x', { metadata: { name: 'x' }, schedule: Schedule.hashed('@daily'), containers: [container] });
  const cron = Testing.synth(chart)[0];
  expect(cron.metadata.annotations['cdk8s-batch.dev/schedule']).toBe('H H * * *');
  expect(cron.spec.schedule).toBe(Schedule.cron('H H * * *').resolve('default/x'));
});

test('a pod changed after a failed synth is rendered as changed', () => {
  const chart = Testing.chart();
  const batch = new ScheduledBatch(chart, 'x', { metadata: { name: 'x' }, schedule: Schedule.daily() });
  expect(() => Testing.synth(chart)).toThrow('containers: the workload has no containers');
  batch.addContainer({ name: 'late', image: 'busybox:1.36' });
  batch.addVolume(kplus.Volume.fromEmptyDir(chart, 'scratch', 'scratch'));
  const pod = Testing.synth(chart)[0].spec.jobTemplate.spec.template.spec;
  expect(pod.containers.map((c: any) => c.name)).toEqual(['late']);
  expect(pod.volumes).toEqual([{ name: 'scratch', emptyDir: {} }]);
});

test('a container changed between two synths is rendered as changed', async () => {
  const chart = Testing.chart();
  const batch = new ScheduledBatch(chart, 'x', { metadata: { name: 'x' }, schedule: Schedule.daily() });
  const main = batch.addContainer({ name: 'main', image: 'busybox:1.36' });
  Testing.synth(chart);
  await Promise.resolve();
  main.env.addVariable('LATE', kplus.EnvValue.fromValue('yes'));
  const rendered = Testing.synth(chart)[0].spec.jobTemplate.spec.template.spec.containers[0];
  expect(rendered.env).toEqual([{ name: 'LATE', value: 'yes' }]);
});

describe('value objects report their errors at the construct they are passed to', () => {
  test('a bad Schedule.cron and a bad TimeZone.of name the ScheduledBatch\'s path', () => {
    const chart = Testing.chart();
    const bad = Schedule.cron('0 0 * * * *'); // no error yet: there is no construct to name
    expect(() => new ScheduledBatch(chart, 'nightly', { schedule: bad, containers: [{ image: 'x' }] })).toThrow(
      'test/nightly: schedule: has 6 fields; seconds and year fields are not supported (got "0 0 * * * *"). Write exactly 5 fields: minute hour day-of-month month day-of-week (Kubernetes schedules to the minute).');
    expect(() => new ScheduledBatch(chart, 'tz', { schedule: Schedule.daily(), timeZone: TimeZone.of('europe/berlin'), containers: [{ image: 'x' }] })).toThrow(
      'test/tz: timeZone: is not a time zone that Kubernetes can load (got "europe/berlin"). Names are case-sensitive: use "Europe/Berlin".');
  });
});
