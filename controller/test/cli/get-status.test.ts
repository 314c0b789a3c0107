import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCliAsync } from './cli-async';
import { FakeApi } from '../support/fake-api';
import { FakeClock } from '../support/fake-clock';
import { serveFakeApi, ServedApi } from '../support/http-api';
import { enqueueAnnotations } from '../support/objects';
import { ANNOTATION_ADMITTED_AT, LABEL_JOB_RUN, LABEL_WORKLOAD } from '../../../src/contract/keys';
import { Condition, CRONJOBS, Job, JOB_RUNS, JobRun, JOBS } from '../../src/kube/types';

const NS = 'batch';
const NOW = { CDK8S_BATCH_NOW: '2026-12-01T10:00:00Z' };

function job(name: string, created: string, extra: { suspend?: boolean; start?: string; end?: string; condition?: 'Complete' | 'Failed';
  cron?: boolean; run?: boolean; admitted?: boolean; }): Job {
  const conditions: Condition[] = extra.condition ? [{ type: extra.condition, status: 'True', lastTransitionTime: extra.end }] : [];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      namespace: NS,
      creationTimestamp: created,
      labels: { [LABEL_WORKLOAD]: 'sales-report', ...(extra.run ? { [LABEL_JOB_RUN]: name } : {}) },
      annotations: { ...enqueueAnnotations({ maxConcurrency: 1 }), ...(extra.admitted ? { [ANNOTATION_ADMITTED_AT]: extra.start! } : {}) },
      ownerReferences: extra.cron ? [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'sales-report', uid: 'cron-uid', controller: true }] : undefined,
    },
    spec: { suspend: extra.suspend ?? false },
    status: { ...(extra.start ? { startTime: extra.start } : {}), ...(extra.end && extra.condition === 'Complete' ? { completionTime: extra.end } : {}), conditions },
  };
}

function jobRun(name: string, created: string, status: JobRun['status']): JobRun {
  return {
    apiVersion: 'cdk8s-batch.dev/v1alpha1',
    kind: 'JobRun',
    metadata: { name, namespace: NS, creationTimestamp: created, labels: { [LABEL_WORKLOAD]: 'sales-report' } },
    spec: { templateRef: { name: 'sales-report' } },
    status,
  };
}

describe('cdk8s-batch get and status', () => {
  let served: ServedApi;
  before(async () => {
    const api = new FakeApi(new FakeClock());
    api.seed(JOBS, job('sales-report-29400000', '2026-12-01T08:00:00Z', {
      cron: true, start: '2026-12-01T08:00:05Z', end: '2026-12-01T08:42:10Z', condition: 'Complete', admitted: true,
    }));
    api.seed(JOBS, job('q1', '2026-12-01T09:00:00Z', { run: true, start: '2026-12-01T09:00:03Z', admitted: true }));
    api.seed(JOBS, job('q3', '2026-12-01T09:10:00Z', { run: true, suspend: true }));
    api.seed(JOBS, job('q2', '2026-12-01T09:05:00Z', { run: true, suspend: true }));
    api.seed(JOBS, job('failed-once', '2026-12-01T07:00:00Z', {
      start: '2026-12-01T07:00:01Z', end: '2026-12-01T07:03:31Z', condition: 'Failed', admitted: true,
    }));
    api.seed(JOB_RUNS, jobRun('q1', '2026-12-01T09:00:00Z', {
      phase: 'Running', jobName: 'q1', values: { region: 'apac', top: '3' },
      conditions: [{ type: 'Accepted', status: 'True', reason: 'Queued', message: 'Created Job q1, suspended: it waits in the queue of workload sales-report (Enqueue, at most 1 running).' }],
    }));
    api.seed(JOB_RUNS, jobRun('bad', '2026-12-01T09:20:00Z', {
      phase: 'Failed', completionTime: '2026-12-01T09:20:00Z',
      conditions: [
        { type: 'Accepted', status: 'False', reason: 'InvalidValues', message: 'option "top": is greater than the maximum 100 (got "500"). Write a number from 1 to 100.' },
        { type: 'Failed', status: 'True', reason: 'InvalidValues', message: 'option "top": is greater than the maximum 100 (got "500"). Write a number from 1 to 100.' },
      ],
    }));
    // The workload's CronJob, by which `get` finds it from a prefix of its name.
    api.seed(CRONJOBS, { apiVersion: 'batch/v1', kind: 'CronJob',
      metadata: { name: 'sales-report', namespace: NS, labels: { [LABEL_WORKLOAD]: 'sales-report' } }, spec: { schedule: '0 8 * * *' } });
    served = await serveFakeApi(api, NS);
  });
  after(() => served.close());

  test('get finds the workload by a unique prefix of its name (no run carries the label "sales")', async () => {
    const prefix = await runCliAsync(['get', 'sales', '--kubeconfig', served.kubeconfig, '-o', 'json'], { env: NOW });
    assert.equal(prefix.code, 0, prefix.stderr);
    const runs = JSON.parse(prefix.stdout);
    assert.equal(runs.length, 6);
    assert.ok(runs.every((v: any) => v.workload === 'sales-report'));
  });

  test('get: every run of the workload, oldest first, with trigger, phase, start, duration and queue position', async () => {
    const r = await runCliAsync(['get', 'sales-report', '--kubeconfig', served.kubeconfig], { env: NOW });
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, [
      'NAME                   TRIGGER   PHASE      STARTED               DURATION  QUEUE',
      'failed-once            other     Failed     2026-12-01T07:00:01Z  3m30s     -',
      'sales-report-29400000  schedule  Succeeded  2026-12-01T08:00:05Z  42m05s    -',
      'q1                     JobRun    Running    2026-12-01T09:00:03Z  59m57s    -',
      'q2                     JobRun    Queued     -                     -         1',
      'q3                     JobRun    Queued     -                     -         2',
      'bad                    JobRun    Failed     -                     -         -',
      '',
    ].join('\n'));
  });

  test('get -o json carries the same facts for scripts', async () => {
    const r = await runCliAsync(['get', 'sales-report', '--kubeconfig', served.kubeconfig, '-o', 'json'], { env: NOW });
    const runs = JSON.parse(r.stdout);
    assert.deepEqual(runs.map((v: any) => [v.name, v.phase, v.durationSeconds ?? null, v.queuePosition ?? null]), [
      ['failed-once', 'Failed', 210, null], ['sales-report-29400000', 'Succeeded', 2525, null], ['q1', 'Running', 3597, null],
      ['q2', 'Queued', null, 1], ['q3', 'Queued', null, 2], ['bad', 'Failed', null, null],
    ]);
  });

  test('get colours phases only when asked (FORCE_COLOR), never with NO_COLOR', async () => {
    const coloured = await runCliAsync(['get', 'sales-report', '--kubeconfig', served.kubeconfig], { env: { ...NOW, NO_COLOR: undefined, FORCE_COLOR: '1' } });
    assert.match(coloured.stdout, /\u001b\[31mFailed\u001b\[39m/);
    assert.match(coloured.stdout, /\u001b\[32mSucceeded\u001b\[39m/);
    const plain = await runCliAsync(['get', 'sales-report', '--kubeconfig', served.kubeconfig], { env: { ...NOW, FORCE_COLOR: '1' } });
    assert.doesNotMatch(plain.stdout, /\u001b\[/);
  });

  test('get of a workload without runs says so', async () => {
    const r = await runCliAsync(['get', 'greet', '--kubeconfig', served.kubeconfig], { env: NOW });
    assert.equal(r.code, 0);
    assert.equal(r.stdout, 'No runs of workload greet in namespace batch.\n');
  });

  test('status of a JobRun: its Job, times, values and conditions', async () => {
    const r = await runCliAsync(['status', 'q1', '--kubeconfig', served.kubeconfig], { env: NOW });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `Run:       q1 (JobRun)
Namespace: batch
Workload:  sales-report
Phase:     Running
Job:       q1
Started:   2026-12-01T09:00:03Z
Completed: -
Duration:  59m57s
Values:    region=apac, top=3
Conditions:
  TYPE      STATUS  REASON  MESSAGE
  Accepted  True    Queued  Created Job q1, suspended: it waits in the queue of workload sales-report (Enqueue, at most 1 running).
`);
  });

  test('status of a queued Job gives its place in the queue; of a refused or invalid JobRun, why', async () => {
    const queued = await runCliAsync(['status', 'q3', '--kubeconfig', served.kubeconfig], { env: NOW });
    assert.match(queued.stdout, /^Phase: {5}Queued \(position 2 in the queue\)$/m);
    const bad = await runCliAsync(['status', 'bad', '--kubeconfig', served.kubeconfig], { env: NOW });
    assert.equal(bad.stdout, `Run:       bad (JobRun)
Namespace: batch
Workload:  sales-report
Phase:     Failed
Job:       -
Started:   -
Completed: 2026-12-01T09:20:00Z
Duration:  -
Conditions:
  TYPE      STATUS  REASON         MESSAGE
  Accepted  False   InvalidValues  option "top": is greater than the maximum 100 (got "500"). Write a number from 1 to 100.
  Failed    True    InvalidValues  option "top": is greater than the maximum 100 (got "500"). Write a number from 1 to 100.
`);
  });

  test('status of a scheduled run (a Job without a JobRun)', async () => {
    const r = await runCliAsync(['status', 'sales-report-29400000', '--kubeconfig', served.kubeconfig, '-o', 'yaml'], { env: NOW });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^trigger: schedule$/m);
    assert.match(r.stdout, /^phase: Succeeded$/m);
    assert.match(r.stdout, /^durationSeconds: 2525$/m);
  });

  test('status of something that is not a run: exit 1 pointing at get', async () => {
    const r = await runCliAsync(['status', 'nope', '--kubeconfig', served.kubeconfig], { env: NOW });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error: no JobRun or workload Job named "nope" in namespace batch. List the runs with: cdk8s-batch get WORKLOAD -n batch\n');
  });

  test('a kubeconfig that does not exist: exit 2; an API server that does not answer: exit 1', async () => {
    const missing = await runCliAsync(['get', 'x', '--kubeconfig', '/nonexistent/kubeconfig']);
    assert.equal(missing.code, 2);
    assert.equal(missing.stderr, 'error: --kubeconfig /nonexistent/kubeconfig: no such file\n');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-down-'));
    const kubeconfig = path.join(dir, 'kubeconfig');
    fs.writeFileSync(kubeconfig, JSON.stringify({
      'apiVersion': 'v1', 'kind': 'Config', 'current-context': 'down',
      'clusters': [{ name: 'down', cluster: { 'server': 'http://127.0.0.1:1', 'insecure-skip-tls-verify': true } }],
      'users': [{ name: 'down', user: {} }], 'contexts': [{ name: 'down', context: { cluster: 'down', user: 'down' } }],
    }));
    const down = await runCliAsync(['get', 'x', '--kubeconfig', kubeconfig]);
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(down.code, 1);
    assert.equal(down.stderr, 'error: cannot list the runs of default/x: GET /apis/batch/v1/namespaces/default/jobs: connect ECONNREFUSED 127.0.0.1:1\n');
  });
});
