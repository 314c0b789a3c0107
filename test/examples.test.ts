import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { FurikoJobConfigChart } from '../examples/furiko-jobconfig';
import { HelloChart } from '../examples/hello';
import { FirstJobChart, JobBehaviourChart } from '../examples/jobs';
import { EXAMPLES, synthExamples } from '../examples/main';
import { MatrixChart } from '../examples/matrix';
import { ParameterizedChart } from '../examples/parameterized';
import { RetryDelayChart } from '../examples/retry-delay';
import { TaskReporterChart } from '../examples/task-reporter';
import { Schedule } from '../src';
import { validateManifest } from './support/kube-schema';
import { filesUnder, matrixEnv, podView } from './support/pod-view';

function byName(objects: any[], kind: string, name: string): any {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

describe('examples', () => {
  test('seed 000: hello every minute, with Forbid and suspended variants', () => {
    const chart = new HelloChart(Testing.app(), 'hello');
    const objects = validateManifest(Testing.synth(chart));
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'CronJob/hello', 'CronJob/hello-forbid', 'CronJob/hello-suspended',
    ]);
    const hello = byName(objects, 'CronJob', 'hello');
    // `0/1 * * * ?` (every minute) has no H token, so it is emitted as written; Kubernetes'
    // parser accepts `0/1` and `?` (the real control-plane tier proves it).
    expect(hello.spec.schedule).toBe('0/1 * * * ?');
    expect(hello.spec.concurrencyPolicy).toBe('Allow');
    const pod = hello.spec.jobTemplate.spec.template.spec;
    expect(pod.restartPolicy).toBe('OnFailure');
    expect(pod.containers[0]).toMatchObject({
      name: 'hello', image: 'busybox:1.36', args: ['/bin/sh', '-c', 'date; echo Hello from the Kubernetes cluster'],
    });
    expect(byName(objects, 'CronJob', 'hello-forbid').spec).toMatchObject({ concurrencyPolicy: 'Forbid', suspend: false });
    expect(byName(objects, 'CronJob', 'hello-suspended').spec).toMatchObject({ concurrencyPolicy: 'Forbid', suspend: true });
  });

  test('seed 003: the nightly task reporter', () => {
    const chart = new TaskReporterChart(Testing.app(), 'task-reporter');
    const objects = validateManifest(Testing.synth(chart));
    const cron = byName(objects, 'CronJob', 'task-reporter');
    expect(cron.spec).toMatchObject({
      schedule: '0 15 * * *',
      timeZone: 'UTC',
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      concurrencyPolicy: 'Allow',
    });
    expect(cron.spec.jobTemplate.spec).toMatchObject({ activeDeadlineSeconds: 3600, backoffLimit: 10 });
    const pod = cron.spec.jobTemplate.spec.template;
    expect(pod.metadata.labels.app).toBe('task-reporter');
    const cm = objects.find((o) => o.kind === 'ConfigMap');
    expect(cm.metadata.name).toMatch(/^task-reporter-config-[0-9a-f]{10}$/);
    expect(cm.data.REPORT_BUCKET).toBe('completed-task-report-bucket');
    expect(cm.data.TARGET_OFFSET_DAYS).toBe('0');
    const container = pod.spec.containers[0];
    expect(container.envFrom).toEqual([{ configMapRef: { name: cm.metadata.name } }]);
    expect(container.env).toEqual([{ name: 'TEMP_DIR', value: '/var/app/temp' }]);
    expect(container.volumeMounts).toEqual([{ mountPath: '/var/app/temp', name: 'app-temp-dir' }]);
    expect(container.imagePullPolicy).toBe('Never');
    expect(pod.spec.volumes).toEqual([{ name: 'app-temp-dir', emptyDir: { sizeLimit: '10240Mi' } }]);
    expect(pod.spec.restartPolicy).toBe('Never');
  });

  test('seed 004: Furiko JobConfig schedule, time zone, concurrency and window', () => {
    const chart = new FurikoJobConfigChart(Testing.app(), 'furiko');
    const objects = validateManifest(Testing.synth(chart));
    const cron = byName(objects, 'CronJob', 'example-jobconfig');
    const expected = Schedule.cron('H H/3 * * *').resolve('default/example-jobconfig');
    expect(cron.spec.schedule).toBe(expected);
    expect(cron.metadata.annotations).toMatchObject({
      'cdk8s-batch.dev/schedule': 'H H/3 * * *',
      'cdk8s-batch.dev/hash-seed': 'default/example-jobconfig',
      'cdk8s-batch.dev/not-before': '2022-01-01T03:00:00.000Z',
      'cdk8s-batch.dev/not-after': '2023-01-01T03:00:00.000Z',
    });
    // H/3 over hours: every third hour from a hashed start in 0..2.
    const hours = expandList(cron.spec.schedule.split(' ')[1], 23);
    expect(hours).toHaveLength(8);
    expect(hours[0]).toBeLessThan(3);
    expect(hours.every((h, i) => i === 0 || h - hours[i - 1] === 3)).toBe(true);
    expect(cron.spec).toMatchObject({ timeZone: 'Asia/Singapore', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 60 });
    expect(cron.spec.jobTemplate.metadata.annotations).toEqual({
      'annotations.furiko.io/job-group': 'cool-jobs',
      'cdk8s-batch.dev/pending-timeout-seconds': '1800',
    });
    expect(cron.spec.jobTemplate.spec.backoffLimit).toBe(2);

    const enqueued = byName(objects, 'CronJob', 'example-enqueue');
    expect(enqueued.spec.concurrencyPolicy).toBe('Allow');
    expect(enqueued.spec.jobTemplate.spec.suspend).toBe(true);
    expect(enqueued.metadata.annotations['cdk8s-batch.dev/max-concurrency']).toBe('1');

    // Several expressions: one CronJob each, one workload label, Forbid across both by the controller.
    const first = byName(objects, 'CronJob', 'example-expressions');
    const second = byName(objects, 'CronJob', 'example-expressions-1');
    expect(first.spec.schedule).toBe(Schedule.cron('H 9 * * 1-5').resolve('default/example-expressions'));
    expect(second.spec.schedule).toBe(Schedule.cron('H 12 * * 6,0').resolve('default/example-expressions#1'));
    for (const c of [first, second]) {
      expect(c.metadata.labels['cdk8s-batch.dev/workload']).toBe('example-expressions');
      expect(c.metadata.annotations).toMatchObject({ 'cdk8s-batch.dev/concurrency-policy': 'Enqueue', 'cdk8s-batch.dev/max-queued': '0' });
    }
  });

  test('seed 004 options: greet, and a report with every option type and committed runs', () => {
    const chart = new ParameterizedChart(Testing.app(), 'parameterized');
    const objects = validateManifest(Testing.synth(chart));
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'JobTemplate/greet', 'JobTemplate/sales-report', 'Job/sales-report-q3-emea', 'JobRun/sales-report-q3-apac',
    ]);
    const greet = byName(objects, 'JobTemplate', 'greet');
    expect(greet.spec.options).toEqual([{
      type: 'String', name: 'username', label: 'Username', required: false, string: { default: 'Example User', trimSpaces: true },
    }]);
    expect(greet.spec.template.spec.template.spec.containers[0].args).toEqual(['echo', 'Hello world, ${option.username}!']);
    expect(greet.spec.concurrency).toEqual({ policy: 'Forbid' });

    const job = byName(objects, 'Job', 'sales-report-q3-emea');
    expect(job.spec.template.spec.containers[0].args).toEqual([
      '--since=2026-07-01', '--region=emea', '--channels=web,partner', '--dry-run=no', '--top=25', '--out=s3://reports/sales-report/',
    ]);
    expect(job.spec.activeDeadlineSeconds).toBe(7200);
    const run = byName(objects, 'JobRun', 'sales-report-q3-apac');
    expect(run.spec).toEqual({ templateRef: { name: 'sales-report' }, values: { region: 'apac', since: '2026-07-01T00:00:00+09:00' } });
    const report = byName(objects, 'JobTemplate', 'sales-report');
    expect(report.spec.options.map((o: any) => o.type)).toEqual(['Date', 'Select', 'Multi', 'Bool', 'Int']);
  });

  test('matrix: Furiko\'s goos × goarch build', () => {
    const chart = new MatrixChart(Testing.app(), 'matrix');
    const objects = validateManifest(Testing.synth(chart));
    expect(objects.map((o) => o.kind === 'ConfigMap' ? `ConfigMap/${o.metadata.name.replace(/[0-9a-f]{10}$/, 'HASH')}` : `${o.kind}/${o.metadata.name}`)).toEqual([
      'ConfigMap/go-build-matrix-HASH', 'Job/go-build',
    ]);
    const build = byName(objects, 'Job', 'go-build');
    expect(build.spec).toMatchObject({ completionMode: 'Indexed', completions: 6, parallelism: 6, backoffLimitPerIndex: 2, maxFailedIndexes: 0 });
    const buildPods = objects.filter((o) => o.metadata.name.startsWith('go-build'));
    // Keys sort bytewise (goarch < goos); the last key, goos, varies fastest.
    const cells = [['linux', 'amd64'], ['darwin', 'amd64'], ['windows', 'amd64'], ['linux', 'arm64'], ['darwin', 'arm64'], ['windows', 'arm64']];
    cells.forEach(([goos, goarch], i) => {
      const go = podView(buildPods, i).containers[0];
      expect(go.command).toEqual(['go', 'build', './...']);
      expect(go.env).toMatchObject({ GOOS: goos, GOARCH: goarch, HOME: '/tmp' });
      expect(matrixEnv(go.env)).toEqual({ MATRIX_GOARCH: goarch, MATRIX_GOOS: goos });
      expect(filesUnder(go.files, '/etc/cdk8s-batch/matrix')).toEqual({ goarch, goos });
    });
  });

  test('seed 001: the first Job, args overriding the CMD, backoffLimit 1', () => {
    const objects = validateManifest(Testing.synth(new FirstJobChart(Testing.app(), 'first-job')));
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Job/uzimihsr-echo-number']);
    const job = objects[0];
    expect(job.spec).toMatchObject({ backoffLimit: 1, completions: 1, parallelism: 1 });
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('Never');
    expect(pod.containers).toHaveLength(1);
    expect(pod.containers[0]).toMatchObject({ name: 'echo-number', image: 'uzimihsr/uzimihsr-sample-image:0.1', args: ['-c', 'echo ${NUMBER}'] });
    expect(pod.containers[0].command).toBeUndefined(); // the image's ENTRYPOINT stays
  });

  test('seed 002: every Job, the broker and the CronJob', () => {
    const objects = validateManifest(Testing.synth(new JobBehaviourChart(Testing.app(), 'jobs')));
    expect(objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Job/normal-job', 'Job/abnormal-end', 'Job/two-containers', 'Job/prime-number',
      'Deployment/taskqueue', 'Service/taskqueue', 'Job/pngen', 'Job/pngen-workers', 'CronJob/hello',
    ]);
    const spec = (name: string): any => byName(objects, 'Job', name).spec;
    const commands = (name: string): any => spec(name).template.spec.containers.map((c: any) => [c.name, c.command.join(' ')]);
    expect(spec('normal-job')).toMatchObject({ completions: 6, parallelism: 2 });
    expect(commands('normal-job')).toEqual([['busybox', 'sh -c sleep 5; exit 0']]);
    expect(spec('abnormal-end')).toMatchObject({ backoffLimit: 3, completions: 1 });
    expect(commands('abnormal-end')).toEqual([['busybox', 'sh -c sleep 5; exit 1']]);
    expect(spec('two-containers').backoffLimit).toBe(2);
    expect(commands('two-containers')).toEqual([['busybox1', 'sh -c sleep 5; exit 0'], ['busybox2', 'sh -c sleep 5; exit 1']]);
    for (const name of ['normal-job', 'abnormal-end', 'two-containers', 'prime-number', 'pngen', 'pngen-workers']) {
      expect({ name, mode: spec(name).completionMode, restart: spec(name).template.spec.restartPolicy }).toEqual({ name, mode: undefined, restart: 'Never' });
    }
    expect(spec('prime-number')).toMatchObject({ backoffLimit: 4 });
    expect(spec('prime-number').template.spec.containers[0].env).toEqual([
      { name: 'A_START_NUM', value: '2' }, { name: 'A_SIZE_NUM', value: '10**5' },
    ]);
    expect(spec('pngen')).toMatchObject({ completions: 4, parallelism: 2, backoffLimit: 4 });
    // The work queue: parallelism and no completions.
    expect(spec('pngen-workers')).toMatchObject({ parallelism: 2, backoffLimit: 4 });
    expect('completions' in spec('pngen-workers')).toBe(false);
    expect(spec('pngen-workers').template.spec.containers[0].env).toEqual([
      { name: 'BROKER_URL', value: 'amqp://guest:guest@taskqueue:5672' }, { name: 'QUEUE', value: 'taskqueue' },
    ]);
    const svc = byName(objects, 'Service', 'taskqueue');
    expect(svc.spec.ports).toEqual([expect.objectContaining({ port: 5672 })]);
    const cron = byName(objects, 'CronJob', 'hello');
    expect(cron.spec.schedule).toBe('*/1 * * * *');
    expect(cron.spec.jobTemplate.spec.template.spec.restartPolicy).toBe('OnFailure');
  });

  test('retry delay: every pod template gated, the delay annotated, maxAttempts as backoffLimit + 1 (per index for the matrix)', () => {
    const objects = validateManifest(Testing.synth(new RetryDelayChart(Testing.app(), 'retry-delay')));
    const cron = byName(objects, 'CronJob', 'partner-sync').spec.jobTemplate.spec;
    const matrix = byName(objects, 'Job', 'region-export').spec;
    expect(cron.backoffLimit).toBe(2);
    expect(matrix).toMatchObject({ completionMode: 'Indexed', backoffLimitPerIndex: 3 });
    for (const [template, seconds] of [[cron.template, '120'], [matrix.template, '90']] as const) {
      expect(template.spec.schedulingGates).toEqual([{ name: 'cdk8s-batch.dev/retry-delay' }]);
      expect(template.metadata.annotations['cdk8s-batch.dev/retry-delay-seconds']).toBe(seconds);
    }
  });

  test('synth:examples writes one file per example into the out dir, byte-identical on re-run', () => {
    const dir1 = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-'));
    const dir2 = fs.mkdtempSync(path.join(os.tmpdir(), 'examples-'));
    synthExamples(dir1);
    synthExamples(dir2);
    const files = fs.readdirSync(dir1).sort();
    expect(files).toEqual(Object.keys(EXAMPLES).map((n) => `${n}.k8s.yaml`).sort());
    for (const file of files) {
      const text = fs.readFileSync(path.join(dir1, file), 'utf8');
      expect(fs.readFileSync(path.join(dir2, file), 'utf8')).toBe(text);
      validateManifest(parseAllDocuments(text).map((d) => d.toJSON()));
    }
  });

  test('every example chart synthesizes on its own app', () => {
    for (const [name, add] of Object.entries(EXAMPLES)) {
      const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), name)) });
      add(app);
      expect(app.charts).toHaveLength(1);
      expect(() => app.synthYaml()).not.toThrow();
    }
  });
});

/** A resolved field (list, range or step) to its values. */
function expandList(field: string, max: number): number[] {
  const out: number[] = [];
  for (const part of field.split(',')) {
    const [range, step] = part.split('/');
    const [from, to] = range === '*' ? [0, max] : range.includes('-') ? range.split('-').map(Number) : [Number(range), step ? max : Number(range)];
    for (let v = from; v <= to; v += Number(step ?? 1)) out.push(v);
  }
  return out;
}
