import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, test } from 'node:test';
import { parse } from 'yaml';
import { runCliAsync } from './cli-async';
import { FIXTURES, runCli } from './run-cli-subprocess';
import { FakeApi } from '../support/fake-api';
import { FakeClock } from '../support/fake-clock';
import { Harness, startHarness } from '../support/harness';
import { serveFakeApi, ServedApi } from '../support/http-api';
import { Job, JOB_RUNS, JOB_TEMPLATES, JobRun, JOBS } from '../../src/kube/types';

const RUNS = 'runs'; // fixtures/runs/batch.k8s.yaml: greet (Forbid), sales-report (Enqueue), nightly (CronJob)
const NOW = { CDK8S_BATCH_NOW: '2026-12-01T09:30:00Z' }; // 1796117400

function templateFromFixture(name: string): any {
  const docs = fs.readFileSync(path.join(FIXTURES, RUNS, 'batch.k8s.yaml'), 'utf8').split(/^---$/m).map((d) => parse(d));
  return docs.find((d) => d.metadata.name === name && d.kind === 'JobTemplate');
}

describe('cdk8s-batch run --dry-run (from synthesized manifests)', () => {
  test('prints the JobRun to commit, named after the workload and the time', () => {
    const r = runCli(['run', 'greet', '-f', RUNS, '--dry-run', '--set', 'username=Alice'], { env: NOW });
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `apiVersion: cdk8s-batch.dev/v1alpha1
kind: JobRun
metadata:
  name: greet-1796117400
  namespace: batch
  labels:
    cdk8s-batch.dev/workload: greet
spec:
  templateRef:
    name: greet
  values:
    username: Alice
`);
  });

  test('--job prints the Job the controller would create, values rendered and substituted', () => {
    const r = runCli(['run', 'greet', '-f', RUNS, '--dry-run', '--job', '--name', 'greet-alice', '--set', 'username=  Alice  ']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `apiVersion: batch/v1
kind: Job
metadata:
  name: greet-alice
  namespace: batch
  labels:
    cdk8s-batch.dev/workload: greet
    cdk8s-batch.dev/job-run: greet-alice
spec:
  backoffLimit: 2
  template:
    metadata:
      labels:
        cdk8s-batch.dev/workload: greet
        cdk8s-batch.dev/job-run: greet-alice
    spec:
      automountServiceAccountToken: false
      containers:
        - args:
            - echo
            - Hello world, Alice!
          image: alpine:3.20
          imagePullPolicy: Always
          name: main
          resources:
            limits:
              memory: 1024Mi
            requests:
              cpu: 100m
              memory: 256Mi
          securityContext:
            allowPrivilegeEscalation: false
            privileged: false
            readOnlyRootFilesystem: true
            runAsGroup: 65534
            runAsNonRoot: true
            runAsUser: 65534
      dnsPolicy: ClusterFirst
      hostNetwork: false
      restartPolicy: Never
      securityContext:
        fsGroupChangePolicy: Always
        runAsNonRoot: true
      setHostnameAsFQDN: false
      terminationGracePeriodSeconds: 30
`);
  });

  test('Enqueue: the Job is queued (suspended, with the caps); --force starts it and says so in the JobRun', () => {
    const queued = parse(runCli(['run', 'sales-report', '-f', RUNS, '--dry-run', '--job', '--name', 'q']).stdout);
    assert.equal(queued.spec.suspend, true);
    assert.deepEqual(queued.metadata.annotations, {
      'cdk8s-batch.dev/concurrency-policy': 'Enqueue', 'cdk8s-batch.dev/max-concurrency': '1', 'cdk8s-batch.dev/max-queued': '10',
    });
    assert.deepEqual(queued.spec.template.spec.containers[0].args, [
      '--since=', '--region=emea', '--channels=web,store', '--dry-run=yes', '--top=10', '--out=s3://reports/batch/sales-report/',
    ]);
    const forcedJob = parse(runCli(['run', 'sales-report', '-f', RUNS, '--dry-run', '--job', '--force', '--name', 'f']).stdout);
    assert.equal(forcedJob.spec.suspend, undefined);
    assert.equal(forcedJob.metadata.annotations, undefined);
    const forcedRun = parse(runCli(['run', 'sales-report', '-f', RUNS, '--dry-run', '--force', '--name', 'f']).stdout);
    assert.deepEqual(forcedRun.spec, { templateRef: { name: 'sales-report' }, force: true });
  });

  test('--values reads a YAML map (numbers, booleans, lists) and --set wins; -o json', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-values-'));
    fs.writeFileSync(path.join(dir, 'q3.yaml'), 'since: 2026-07-01T00:00:00+02:00\nregion: amer\nchannels: [web, partner]\ndry-run: false\ntop: 25\n');
    const r = runCli(['run', 'sales-report', '-f', path.join(FIXTURES, RUNS), '--values', 'q3.yaml', '--set', 'top=30',
      '--dry-run', '--name', 'q3', '-o', 'json'], { cwd: dir });
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).spec.values, {
      'channels': '["web","partner"]', 'dry-run': 'false', 'region': 'amer', 'since': '2026-07-01T00:00:00+02:00', 'top': '30',
    });
  });

  test('a ScheduledBatch without options runs from its CronJob: templateRef kind CronJob, the spec not substituted again', () => {
    const run = parse(runCli(['run', 'nightly', '-f', RUNS, '--dry-run', '--name', 'nightly-now']).stdout);
    assert.deepEqual(run.spec, { templateRef: { kind: 'CronJob', name: 'nightly' } });
    const job = parse(runCli(['run', 'nightly', '-f', RUNS, '--dry-run', '--job', '--name', 'nightly-now']).stdout);
    assert.deepEqual(job.spec.template.spec.containers[0].args, ['sh', '-c', 'echo ${HOME}']);
  });

  test('YAML: a value a YAML 1.1 reader would take for a date, a boolean or a number is quoted', () => {
    const r = runCli(['run', 'sales-report', '-f', RUNS, '--dry-run', '--name', 'q', '--set', 'since=2026-03-08T01:30:00+09:00',
      '--set', 'region=emea', '--set', 'channels=web', '--set', 'dry-run=true', '--set', 'top=10'], { env: NOW });
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(r.stdout.split('values:\n')[1], `    channels: web
    dry-run: "true"
    region: emea
    since: "2026-03-08T01:30:00+09:00"
    top: "10"
`);
  });

  test('bad values: exit 2 with every message of the options core, nothing printed on stdout', () => {
    const r = runCli(['run', 'sales-report', '-f', RUNS, '--dry-run', '--set', 'top=500', '--set', 'region=mars', '--set', 'colour=red']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `error: JobTemplate batch/sales-report: 3 values are not valid:
  option "colour": is not a defined option (got "red"). Use one of the defined options "since", "region", "channels", "dry-run", "top" (names are case-sensitive).
  option "region": must be one of "emea", "amer", "apac" (got "mars"). Pick one of the listed values; this option does not allow custom values.
  option "top": is greater than the maximum 100 (got "500"). Write a number from 1 to 100.
`);
  });

  test('usage errors exit 2 with the flag, the value and the fix', () => {
    const cases: Array<[string[], string]> = [
      [['run', 'greet', '-f', RUNS, '--set', 'username'],
        'error: --set: expected NAME=VALUE (got "username"). Write e.g. --set username=Alice; an empty value is --set username=\n'],
      [['run', 'greet', '-f', RUNS, '--job'],
        'error: --job: only applies with --dry-run. Creating a Job directly would bypass the workload\'s concurrency policy; drop --job to create a JobRun, or add --dry-run to print the Job.\n'],
      [['run', 'greet', '-f', RUNS, '--dry-run', '--name', 'Greet_Alice'],
        'error: --name: is not a lowercase RFC 1123 label (lower case letters, digits and "-", starting and ending with a letter or digit) (got "Greet_Alice"). Use a name such as "nightly-report".\n'],
      [['run', 'greet', '-f', RUNS, '--dry-run', '-o', 'xml'],
        'error: option \'-o, --output <format>\' argument \'xml\' is invalid. Allowed choices are yaml, json.\n(run with --help for usage)\n'],
    ];
    for (const [args, stderr] of cases) {
      const r = runCli(args);
      assert.equal(r.stderr, stderr, args.join(' '));
      assert.equal(r.code, 2, args.join(' '));
    }
  });

  test('runtime failures exit 1: an unknown workload, a missing values file', () => {
    const unknown = runCli(['run', 'nope', '-f', RUNS, '--dry-run']);
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, 'error: runs: no JobTemplate or CronJob matches "nope" (by name, cdk8s-batch.dev/workload label, construct id or name prefix). The workloads there:\n'
      + '  batch/greet (JobTemplate)\n  batch/nightly (CronJob)\n  batch/sales-report (JobTemplate)\nPass one of the names above.\n');
    const missing = runCli(['run', 'greet', '-f', RUNS, '--dry-run', '--values', 'missing.yaml']);
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'error: --values missing.yaml: cannot read it (ENOENT).\n');
  });

  test('without --file and without a cluster configuration: exit 2 naming the ways to give one', () => {
    const r = runCli(['run', 'greet', '--set', 'username=Alice'], { env: { HOME: '/nonexistent', KUBECONFIG: undefined } });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'error: no cluster configuration: pass --kubeconfig, set KUBECONFIG, or run in a cluster. '
      + 'Or print the run without a cluster, from synthesized manifests: --dry-run -f dist/\n');
    // --dry-run alone still needs the workload from somewhere: the same hint.
    const dry = runCli(['run', 'greet', '--dry-run'], { env: { HOME: '/nonexistent', KUBECONFIG: undefined } });
    assert.equal(dry.code, 2);
    assert.equal(dry.stderr, r.stderr);
  });
});

/** fixtures/runs with the names cdk8s generates (construct path and hash) and a required option. */
function hashedManifests(dir: string): string {
  const text = fs.readFileSync(path.join(FIXTURES, RUNS, 'batch.k8s.yaml'), 'utf8')
    .replace(/\bgreet\b/g, 'batch-greet-5e6f7a8b')
    .replace(/\bnightly\b/g, 'batch-nightly-report-c853095d')
    .replace(/\bsales-report\b/g, 'batch-nightly-sales-0f0f0f0f')
    .replace('required: false\n      string:\n        default: Example User\n', 'required: true\n      string:\n');
  fs.mkdirSync(path.join(dir, 'dist'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'dist', 'batch.k8s.yaml'), text);
  return dir;
}

describe('cdk8s-batch run: finding the workload the user means', () => {
  let dir: string;
  afterEach(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  test('by construct id: the generated name\'s middle; by unique prefix', () => {
    dir = hashedManifests(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-lookup-')));
    const byId = runCli(['run', 'nightly-report', '-f', 'dist/', '--dry-run', '--name', 'n1'], { cwd: dir });
    assert.equal(byId.stderr, '');
    assert.equal(byId.code, 0);
    assert.deepEqual(parse(byId.stdout).spec, { templateRef: { kind: 'CronJob', name: 'batch-nightly-report-c853095d' } });
    const byPrefix = runCli(['run', 'batch-gr', '-f', 'dist/', '--dry-run', '--name', 'g1', '--set', 'username=Ann'], { cwd: dir });
    assert.equal(byPrefix.code, 0, byPrefix.stderr);
    assert.equal(parse(byPrefix.stdout).spec.templateRef.name, 'batch-greet-5e6f7a8b');
  });

  test('several matches: exit 2 listing the candidates and the rule that matched them', () => {
    dir = hashedManifests(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-lookup-')));
    const r = runCli(['run', 'batch-nightly', '-f', 'dist/', '--dry-run'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'error: dist/: "batch-nightly" matches 2 workloads (by name prefix):\n'
      + '  batch/batch-nightly-report-c853095d (CronJob)\n  batch/batch-nightly-sales-0f0f0f0f (JobTemplate)\nPass one of the names above.\n');
  });

  test('no terminal: a required option without a value names the --set that gives it, and says no prompt was shown', () => {
    dir = hashedManifests(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-lookup-')));
    const r = runCli(['run', 'greet', '-f', 'dist/', '--dry-run'], { cwd: dir });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'error: JobTemplate batch/batch-greet-5e6f7a8b: option "username" is required and prompting was skipped '
      + '(stdin or stderr is not a terminal). Pass --set username=... (or put it in --values FILE).\n');
    const quiet = runCli(['run', 'greet', '-f', 'dist/', '--dry-run', '--no-prompt'], { cwd: dir });
    assert.equal(quiet.code, 2);
    assert.match(quiet.stderr, /prompting was skipped \(--no-prompt\)\. Pass --set username=\.\.\./);
  });

  test('-f without --dry-run checks the cluster before anything else: unreachable is exit 1, none is exit 2', () => {
    dir = hashedManifests(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-lookup-')));
    const none = runCli(['run', 'greet', '-f', 'dist/'], { cwd: dir, env: { HOME: '/nonexistent', KUBECONFIG: undefined } });
    assert.equal(none.code, 2);
    assert.equal(none.stderr, 'error: no cluster configuration: pass --kubeconfig, set KUBECONFIG, or run in a cluster. '
      + 'Or add --dry-run to print the run instead of creating it\n');
    // A kubeconfig whose server refuses connections (port 1 on loopback).
    fs.writeFileSync(path.join(dir, 'kubeconfig'), [
      'apiVersion: v1', 'kind: Config', 'current-context: c',
      'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1", insecure-skip-tls-verify: true}}]',
      'contexts: [{name: c, context: {cluster: c, user: u, namespace: batch}}]',
      'users: [{name: u, user: {}}]', ''].join('\n'));
    const down = runCli(['run', 'greet', '-f', 'dist/', '--kubeconfig', 'kubeconfig'], { cwd: dir });
    assert.equal(down.code, 1);
    assert.match(down.stderr, /^error: cannot reach the cluster to create the run in: .*ECONNREFUSED/);
    // It failed on the cluster, not on the missing required value that comes after it.
    assert.doesNotMatch(down.stderr, /username/);
  });
});

describe('cdk8s-batch run against an API server', () => {
  let served: ServedApi | undefined;
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.stop();
    await served?.close();
    h = undefined;
    served = undefined;
  });

  test('creates the JobRun; the Job the controller makes from it is the one --dry-run --job prints', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.seed(JOB_TEMPLATES, templateFromFixture('sales-report'));
    served = await serveFakeApi(api, 'batch');
    const args = ['--set', 'region=apac', '--set', 'top=3', '--name', 'q4'];
    const created = await runCliAsync(['run', 'sales-report', '--kubeconfig', served.kubeconfig, ...args]);
    assert.equal(created.stderr, '');
    assert.equal(created.code, 0);
    assert.equal(created.stdout, 'jobrun.cdk8s-batch.dev/q4 created in namespace batch\nFollow it with: cdk8s-batch status q4 -n batch\n');
    const run = api.object<JobRun>(JOB_RUNS, 'batch', 'q4')!;
    assert.deepEqual(run.spec, { templateRef: { name: 'sales-report' }, values: { region: 'apac', top: '3' } });

    // The controller acts on it; its Job equals the dry run's but for the owner reference.
    h = await startHarness({ api, clock });
    // What the controller sent to create the Job (the Enqueue rule admits it right after).
    const [create] = api.writes('create', 'jobs');
    const made = create.body as Job;
    const printed = parse(runCli(['run', 'sales-report', '-f', RUNS, '--dry-run', '--job', ...args]).stdout);
    const { ownerReferences, ...meta } = made.metadata;
    assert.deepEqual(ownerReferences, [{ apiVersion: 'cdk8s-batch.dev/v1alpha1', kind: 'JobRun', name: 'q4', uid: run.metadata.uid, controller: true }]);
    assert.deepEqual({ ...made, metadata: meta }, printed);
    assert.equal(printed.spec.suspend, true);
    assert.equal(api.object<Job>(JOBS, 'batch', 'q4')!.spec!.suspend, false, 'admitted by the Enqueue rule');
  });

  test('a JobRun of that name exists: exit 1 telling to pass another --name', async () => {
    const api = new FakeApi(new FakeClock());
    api.seed(JOB_TEMPLATES, templateFromFixture('greet'));
    served = await serveFakeApi(api, 'batch');
    const first = await runCliAsync(['run', 'greet', '--kubeconfig', served.kubeconfig, '--name', 'again']);
    assert.equal(first.code, 0, first.stderr);
    const second = await runCliAsync(['run', 'greet', '--kubeconfig', served.kubeconfig, '--name', 'again']);
    assert.equal(second.code, 1);
    assert.equal(second.stderr, 'error: JobRun again already exists in namespace batch. Pass another --name.\n');
  });

  test('in the cluster too: found by construct id, and a miss lists the workloads there', async () => {
    const api = new FakeApi(new FakeClock());
    const greet = templateFromFixture('greet');
    api.seed(JOB_TEMPLATES, { ...greet, metadata: { ...greet.metadata, name: 'batch-greet-5e6f7a8b', labels: { 'cdk8s-batch.dev/workload': 'batch-greet-5e6f7a8b' } },
      spec: { ...greet.spec, workload: { ...greet.spec.workload, name: 'batch-greet-5e6f7a8b' } } });
    served = await serveFakeApi(api, 'batch');
    const r = await runCliAsync(['run', 'greet', '--kubeconfig', served.kubeconfig, '--name', 'g1']);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    assert.equal(api.object<JobRun>(JOB_RUNS, 'batch', 'g1')!.spec!.templateRef!.name, 'batch-greet-5e6f7a8b');
    const miss = await runCliAsync(['run', 'backfill', '--kubeconfig', served.kubeconfig]);
    assert.equal(miss.code, 1);
    assert.equal(miss.stderr, 'error: namespace batch: no JobTemplate or CronJob matches "backfill" (by name, cdk8s-batch.dev/workload label, '
      + 'construct id or name prefix). The workloads there:\n  batch/batch-greet-5e6f7a8b (JobTemplate)\n'
      + 'Pass one of the names above, or another namespace with -n; --file reads synthesized manifests instead.\n');
  });

  test('an unknown workload in the cluster: exit 1 naming the namespace', async () => {
    const api = new FakeApi(new FakeClock());
    served = await serveFakeApi(api, 'batch');
    const r = await runCliAsync(['run', 'nope', '--kubeconfig', served.kubeconfig, '-n', 'other']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'error: namespace other: no JobTemplate or CronJob matches "nope" (by name, cdk8s-batch.dev/workload label, '
      + 'construct id or name prefix); there is none to run. Check the namespace (-n), or pass --file to read synthesized manifests instead.\n');
  });
});
