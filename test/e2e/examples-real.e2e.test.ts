/**
 * The examples run to their outcome on the rig's real node: containers really start, print
 * and exit; the assertions read what lasts (logs, container timestamps, exit codes, Job
 * conditions), never a passing phase. Each example's manifests are used as synthesized; only
 * the image (the rig's busybox), where the pods run (the real node's toleration and label)
 * and, where the example's own program does not exist here, the command are swapped.
 */
import { execFile } from 'child_process';
import * as path from 'path';
import { promisify } from 'util';
import { App, Chart, Testing } from 'cdk8s';
import { ControllerProcess, deleteControllerRbac } from './controller-process';
import {
  BUSYBOX_IMAGE, jobCondition, jobPods, maxConcurrent, onRealNode, podLogs, runInterval, waitForJobFinished,
} from './support/real-node';
import { FirstJobChart, JobBehaviourChart } from '../../examples/jobs';
import { MatrixChart } from '../../examples/matrix';
import { ParameterizedChart } from '../../examples/parameterized';
import { TaskReporterChart } from '../../examples/task-reporter';
import { Matrix, ParallelMatrixJob } from '../../src';
import { apply, createNamespace, deleteNamespace, kubectl, rigKubeconfig, waitFor } from './support/rig';

const CLI = path.resolve(__dirname, '..', '..', 'controller', 'dist', 'controller', 'src', 'cli', 'main.js');

/** Prints the cell as the pod sees it: every matrix file, then every MATRIX_* variable. */
const PRINT_CELL = [
  'for f in /etc/cdk8s-batch/matrix/*; do printf "FILE %s=" "${f##*/}"; cat "$f"; echo; done',
  'env | grep "^MATRIX_" | sort | sed "s/^/ENV /"',
].join('; ');

/** What PRINT_CELL must print for cell `index` of `matrix`. */
function expectedCell(matrix: Matrix, index: number): string {
  const cell = matrix.cell(index);
  const env = matrix.cellEnv(index);
  const files = Object.keys(cell).sort().map((k) => `FILE ${k}=${cell[k]}`);
  const vars = Object.keys(env).map((k) => `${k}=${env[k]}`).sort().map((l) => `ENV ${l}`);
  return [...files, ...vars].join('\n') + '\n';
}

function inNamespace(objects: any[], ns: string): any[] {
  return objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: ns } }));
}

/** Checks every pod of a matrix Job against the expansion, cell by cell. */
function expectCellsDelivered(ns: string, jobName: string, matrix: Matrix): void {
  const pods = jobPods(ns, jobName).filter((p: any) => p.status.phase === 'Succeeded');
  const byIndex = new Map(pods.map((p: any) => [Number(p.metadata.labels['batch.kubernetes.io/job-completion-index']), p]));
  expect([...byIndex.keys()].sort((a, b) => a - b)).toEqual([...Array(matrix.cellCount).keys()]);
  for (let i = 0; i < matrix.cellCount; i++) {
    expect({ cell: i, out: podLogs(ns, byIndex.get(i).metadata.name) }).toEqual({ cell: i, out: expectedCell(matrix, i) });
  }
}

describe('matrix examples on the real node', () => {
  let ns: string;
  beforeAll(async () => { ns = await createNamespace('e2e-real-matrix'); });
  afterAll(() => deleteNamespace(ns));

  test('every cell of every example matrix gets exactly its own MATRIX_* variables and files', async () => {
    const chart = new MatrixChart(Testing.app(), 'matrix');
    const objects = inNamespace(Testing.synth(chart), ns);
    const jobs = objects.filter((o) => o.kind === 'Job');
    for (const job of jobs) {
      const c = job.spec.template.spec.containers[0];
      c.command = ['sh', '-c', `${PRINT_CELL}; exit 0`];
      delete c.args;
      job.spec.backoffLimitPerIndex = 0; // a wrong cell must show, not be retried away
    }
    apply(onRealNode(objects, { '*': BUSYBOX_IMAGE }), ns);
    const matrices: Record<string, Matrix> = { 'go-build': chart.build.matrix };
    expect(jobs.map((j) => j.metadata.name).sort()).toEqual(Object.keys(matrices).sort());
    for (const [name, matrix] of Object.entries(matrices)) {
      const job = await waitForJobFinished(ns, name, 300_000);
      expect({ name, complete: !!jobCondition(job, 'Complete') }).toEqual({ name, complete: true });
      expectCellsDelivered(ns, name, matrix);
    }
  }, 600_000);

  test('values with spaces, #, =, $, double quotes, backslashes and unicode arrive byte for byte', async () => {
    const matrix = Matrix.of({
      'text': ['two  spaces ', '#hash = sign', 'dollar $HOME ${X} $(Y)', 'say "hi" `x`', 'back\\slash', 'ünïcødé ✓ 日本'],
      'node-version': ['20'],
    });
    const chart = new Chart(new App(), 'c', { namespace: ns });
    new ParallelMatrixJob(chart, 'odd', {
      metadata: { name: 'odd-values' },
      matrix,
      maxParallel: 3,
      maxAttempts: 1,
      containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sh', '-c', PRINT_CELL], securityContext: { user: 65532, group: 65532 } }],
    });
    // '*': the cell copier (init container) has an image of its own, busybox:1.36.1.
    apply(onRealNode(chart.toJson(), { '*': BUSYBOX_IMAGE }), ns);
    const job = await waitForJobFinished(ns, 'odd-values', 300_000);
    expect(jobCondition(job, 'Complete')).toBeDefined();
    expectCellsDelivered(ns, 'odd-values', matrix);
  }, 400_000);

  test('a single quote in a value is refused at synth with env files (the format has no escape; line breaks are carried)', () => {
    for (const bad of ['it\'s']) {
      const chart = new Chart(new App(), 'c');
      expect(() => new ParallelMatrixJob(chart, 'bad', {
        matrix: Matrix.of({ text: [bad] }),
        containers: [{ name: 'main', image: BUSYBOX_IMAGE }],
      })).toThrow(/cannot carry/);
    }
  });
});

describe('seed 001 on the real node', () => {
  let ns: string;
  beforeAll(async () => { ns = await createNamespace('e2e-real-seed001'); });
  afterAll(() => deleteNamespace(ns));

  test('uzimihsr-echo-number: the args replace the image\'s CMD and print NUMBER; one pod, Complete', async () => {
    const objects = inNamespace(Testing.synth(new FirstJobChart(Testing.app(), 'first-job')), ns);
    const c = objects[0].spec.template.spec.containers[0];
    // The seed's image has ENTRYPOINT /bin/sh and ENV NUMBER=777; the rig's busybox has neither.
    c.command = ['/bin/sh'];
    c.env = [{ name: 'NUMBER', value: '777' }];
    apply(onRealNode(objects, { '*': BUSYBOX_IMAGE }), ns);
    const job = await waitForJobFinished(ns, 'uzimihsr-echo-number', 240_000);
    expect(jobCondition(job, 'Complete')).toBeDefined();
    const pods = jobPods(ns, 'uzimihsr-echo-number');
    expect(pods).toHaveLength(1);
    expect(podLogs(ns, pods[0].metadata.name)).toBe('777\n');
  }, 300_000);
});

describe('seed 002 on the real node', () => {
  let ns: string;
  beforeAll(async () => { ns = await createNamespace('e2e-real-seed002'); });
  afterAll(() => deleteNamespace(ns));

  /** The container's end as the kubelet recorded it. */
  const terminated = (pod: any, container: string): any =>
    pod.status.containerStatuses.find((s: any) => s.name === container).state.terminated;

  test('normal-job: six completions two at a time; abnormal-end: four attempts, then Failed; two-containers: the failing container fails the pod', async () => {
    const chart = new JobBehaviourChart(Testing.app(), 'jobs');
    const names = ['normal-job', 'abnormal-end', 'two-containers'];
    const objects = inNamespace(Testing.synth(chart), ns)
      .filter((o) => o.kind === 'Job' && names.includes(o.metadata.name));
    expect(objects).toHaveLength(3);
    // The examples' own commands (sleep 5; exit 0 / sleep 5; exit 1), for real.
    apply(onRealNode(objects, { '*': BUSYBOX_IMAGE }), ns);

    const normal = await waitForJobFinished(ns, 'normal-job', 300_000);
    expect(jobCondition(normal, 'Complete')).toBeDefined();
    expect(normal.status.succeeded).toBe(6);
    const pods = jobPods(ns, 'normal-job');
    expect(pods).toHaveLength(6);
    expect(pods.map((p: any) => terminated(p, 'busybox').exitCode)).toEqual([0, 0, 0, 0, 0, 0]);
    const intervals = pods.map(runInterval);
    expect(intervals.every(([s, e]) => e - s >= 4000)).toBe(true); // each really slept 5 s
    // Two at a time: the kubelet's start and finish times show two containers overlapping,
    // never three (six pods of 5 s each one after another would never overlap).
    expect(maxConcurrent(intervals)).toBe(2);

    // seed 002: backoffLimit 3, so four attempts; examples/jobs.ts: maxAttempts 4.
    const abnormal = await waitForJobFinished(ns, 'abnormal-end', 420_000);
    expect(jobCondition(abnormal, 'Failed').reason).toBe('BackoffLimitExceeded');
    expect(abnormal.status.failed).toBe(4);
    const attempts = jobPods(ns, 'abnormal-end');
    expect(attempts).toHaveLength(4);
    expect(attempts.map((p: any) => terminated(p, 'busybox').exitCode)).toEqual([1, 1, 1, 1]);
    // One attempt at a time: each pod is created after the previous one finished.
    const starts = attempts.map(runInterval).sort((a: number[], b: number[]) => a[0] - b[0]);
    expect(maxConcurrent(starts)).toBe(1);

    // seed 002: backoffLimit 2, so three pods, each with busybox1 exiting 0 and busybox2 exiting 1.
    const two = await waitForJobFinished(ns, 'two-containers', 420_000);
    expect(jobCondition(two, 'Failed').reason).toBe('BackoffLimitExceeded');
    expect(two.status).toMatchObject({ failed: 3 });
    expect(two.status.succeeded ?? 0).toBe(0);
    const twoPods = jobPods(ns, 'two-containers');
    expect(twoPods.map((p: any) => [p.status.phase, terminated(p, 'busybox1').exitCode, terminated(p, 'busybox2').exitCode]))
      .toEqual([['Failed', 0, 1], ['Failed', 0, 1], ['Failed', 0, 1]]);
  }, 900_000);
});

describe('seed 003 task reporter on the real node', () => {
  let ns: string;
  beforeAll(async () => { ns = await createNamespace('e2e-real-seed003'); });
  afterAll(() => deleteNamespace(ns));

  test('the ConfigMap values are in the container environment and the scratch volume is writable', async () => {
    const chart = new TaskReporterChart(Testing.app(), 'task-reporter');
    const objects = inNamespace(Testing.synth(chart), ns);
    const cron = objects.find((o) => o.kind === 'CronJob');
    const c = cron.spec.jobTemplate.spec.template.spec.containers[0];
    // The reporter program does not exist here; this shows what it would see.
    c.command = ['sh', '-c', 'env | sort; echo scratch > "$TEMP_DIR/probe" && echo "wrote `cat "$TEMP_DIR/probe"`"'];
    apply(onRealNode(objects, { '*': BUSYBOX_IMAGE }), ns);
    kubectl(['create', 'job', 'report-now', '--from=cronjob/task-reporter', '-n', ns]);
    const job = await waitForJobFinished(ns, 'report-now', 240_000);
    expect(jobCondition(job, 'Complete')).toBeDefined();
    const out = podLogs(ns, jobPods(ns, 'report-now')[0].metadata.name).split('\n');
    const config = objects.find((o) => o.kind === 'ConfigMap' && c.envFrom?.some((e: any) => e.configMapRef?.name === o.metadata.name));
    expect(Object.keys(config.data)).toHaveLength(8);
    for (const [k, v] of Object.entries(config.data)) expect(out).toContain(`${k}=${v}`);
    expect(out).toContain('TEMP_DIR=/var/app/temp');
    expect(out).toContain('wrote scratch');
  }, 300_000);
});

describe('a parameterized run on the real node', () => {
  let ns: string;
  let controller: ControllerProcess | undefined;
  beforeAll(async () => {
    ns = await createNamespace('e2e-real-run');
    controller = await ControllerProcess.start({ namespace: ns, identity: 'ctl-real-run' });
    await waitFor(() => controller!.isLeader(), 60_000, { description: 'controller leads' });
  });
  afterAll(async () => {
    await controller?.stop();
    deleteControllerRbac(ns);
    deleteNamespace(ns);
  });

  test('cdk8s-batch run --set creates a JobRun whose pod gets the substituted arguments', async () => {
    const objects = inNamespace(Testing.synth(new ParameterizedChart(Testing.app(), 'parameterized')), ns)
      .filter((o) => o.kind === 'JobTemplate' && o.metadata.name === 'greet');
    expect(objects).toHaveLength(1);
    apply(onRealNode(objects, { '*': BUSYBOX_IMAGE }), ns);
    const value = '  Zoë "the #1" = $HOME  ';
    const { stdout } = await promisify(execFile)(process.execPath,
      [CLI, 'run', 'greet', '-n', ns, '--set', `username=${value}`, '--name', 'greet-zoe', '--wait', '--timeout', '180'],
      { env: { ...process.env, NO_COLOR: '1', KUBECONFIG: rigKubeconfig() } });
    expect(stdout).toMatch(/greet-zoe: Succeeded\n$/);
    const pod = jobPods(ns, 'greet-zoe')[0];
    // trimSpaces: the option trims. Run-time values are data: the controller writes each `$` of a
    // value as `$$`, which the kubelet turns back into `$` without expanding anything, so the
    // pod prints the value as given ($HOME is not expanded: no shell, no kubelet expansion).
    expect(pod.spec.containers[0].args).toEqual(['echo', 'Hello world, Zoë "the #1" = $$HOME!']);
    expect(podLogs(ns, pod.metadata.name)).toBe('Hello world, Zoë "the #1" = $HOME!\n');
  }, 300_000);
});
