/**
 * Matrix workloads on a server that behaves as Kubernetes 1.34 does by default: a second,
 * small rig (kwok nodes only, ~5 s to start) whose kube-apiserver runs with
 * `--feature-gates=EnvFiles=false` (CDK8S_BATCH_RIG_APISERVER_FEATURE_GATES, start.sh).
 *
 * - The rig really is such a server: the env-files Job a 1.35 target emits is rejected with
 *   the message the issue measured (the disabled field is dropped, the empty `valueFrom`
 *   fails), and a server-side dry-run leaves nothing behind.
 * - examples/matrix.ts with the target set to 1.34 (files): the two examples that pass the cell
 *   in env or command fail at synth, saying why; the third is applied for real and accepted,
 *   so no ConfigMap is left without its Job. On 1.29 (one Job per cell) normal-job's maxParallel
 *   fails at synth; the Go build, with an image per cell, is applied for real and leaves no
 *   ConfigMap at all.
 * - The property corpus's matrix workloads, synthesized for 1.34 with files only and for 1.29
 *   (its ParallelMatrixJobs, kept to what one Job per cell can do: a short name, no
 *   maxParallel, no fail-fast, no podFailureRules), are accepted by server-side dry-run.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import { MatrixChart } from '../../examples/matrix';
import { KubernetesVersion, Matrix, MatrixDelivery, ParallelMatrixJob } from '../../src';
import { buildWorkload, validSpec, WorkloadSpec } from '../support/arbitraries';
import { apply, applyServerDryRun, createNamespace, KUBECONFIG_ENV, KUBECTL_ENV, KubectlError, listObjects } from './support/rig';

const RIG_SRC = path.resolve(__dirname, 'rig');
const SEED = 20261202;
const CORPUS_SPECS = 150;

let rigDir: string | undefined;
const saved = { kubeconfig: process.env[KUBECONFIG_ENV], kubectl: process.env[KUBECTL_ENV] };
let ns: string;

beforeAll(async () => {
  const bin = execFileSync('bash', [path.join(RIG_SRC, 'build.sh'), '--print-bin-dir'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim().split('\n').pop()!;
  rigDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-rig-old-'));
  const kubeconfig = execFileSync('bash', [path.join(RIG_SRC, 'start.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      CDK8S_BATCH_RIG_DIR: rigDir,
      CDK8S_BATCH_RIG_BIN_DIR: bin,
      CDK8S_BATCH_RIG_REAL_NODE: '0',
      CDK8S_BATCH_RIG_APISERVER_FEATURE_GATES: 'EnvFiles=false',
      // A killed jest must not leave this rig running either.
      CDK8S_BATCH_RIG_OWNER_PID: String(process.pid),
    },
  }).trim().split('\n').pop()!;
  // The rig helpers read these on every call: from here on they talk to the old server.
  process.env[KUBECONFIG_ENV] = kubeconfig;
  process.env[KUBECTL_ENV] = path.join(bin, 'kubectl');
  ns = await createNamespace('e2e-oldsrv', { 'pod-security.kubernetes.io/enforce': 'restricted' });
}, 180_000);

afterAll(() => {
  process.env[KUBECONFIG_ENV] = saved.kubeconfig;
  process.env[KUBECTL_ENV] = saved.kubectl;
  if (rigDir) {
    execFileSync('bash', [path.join(RIG_SRC, 'stop.sh'), '--purge'], { env: { ...process.env, CDK8S_BATCH_RIG_DIR: rigDir }, stdio: ['ignore', 'ignore', 'inherit'] });
    fs.rmSync(rigDir, { recursive: true, force: true });
  }
}, 120_000);

function examples(version: string): any[] {
  const app = Testing.app();
  app.node.setContext(KubernetesVersion.CONTEXT_KEY, version);
  const chart = new MatrixChart(app, 'matrix');
  return Testing.synth(chart).map((o) => ({ ...o, metadata: { ...o.metadata, namespace: ns } }));
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

/** Seed 002's six cells two at a time, as a matrix over a count (values only in files). */
function countJob(chart: Chart, maxParallel?: number): ParallelMatrixJob {
  return new ParallelMatrixJob(chart, 'normal-job', {
    metadata: { name: 'normal-job' },
    matrix: Matrix.count(6),
    maxParallel,
    containers: [{
      name: 'main',
      image: 'busybox:1.36',
      command: ['sh', '-c', 'cat /etc/cdk8s-batch/matrix/*'],
      securityContext: { user: 65534, group: 65534 },
    }],
  });
}

test('the rig behaves as 1.34: the env-files Job of a 1.35 target is rejected, and the dry-run leaves no ConfigMap', () => {
  const objects = examples('1.35');
  const job = objects.find((o) => o.kind === 'Job' && o.metadata.name === 'go-build');
  expect(JSON.stringify(job)).toContain('fileKeyRef');
  const error = errorOf(() => applyServerDryRun(objects, ns));
  expect(error).toBeInstanceOf(KubectlError);
  // The measurement (field names with or without backticks, as the server's version writes them).
  expect(error.message).toMatch(new RegExp('spec\\.template\\.spec\\.containers\\[0\\]\\.env\\[\\d+\\]\\.valueFrom: Invalid value: "": ' +
    'must specify one of: `?fieldRef`?, `?resourceFieldRef`?, `?configMapKeyRef`? or `?secretKeyRef`?'));
  expect(listObjects('configmaps', ns, 'cdk8s-batch.dev/workload')).toEqual([]);
});

test('examples/matrix.ts on target 1.34 (files only): ${matrix.KEY} in env fails at synth; a matrix read from files is applied for real, with its ConfigMap', () => {
  const app = Testing.app();
  app.node.setContext(KubernetesVersion.CONTEXT_KEY, '1.34');
  const chart = new MatrixChart(app, 'matrix');
  // go-build passes the cell in env: files only cannot, and says so.
  const message = errorOf(() => Testing.synth(chart)).message;
  expect(message).toMatch(/\[matrix\/build\] spec\.template\.spec\.containers\[0\]\.env\[\d\]\.value: refers to the matrix, and MatrixDelivery\.files\(\) delivers the cell only as files/);
  chart.node.tryRemoveChild('build');
  countJob(chart, 2);
  const objects = Testing.synth(chart).map((o) => ({ ...o, metadata: { ...o.metadata, namespace: ns } }));
  expect(objects.map((o) => o.kind)).toEqual(['ConfigMap', 'Job']);
  expect(JSON.stringify(objects)).not.toContain('fileKeyRef');
  apply(objects, ns);
  expect(listObjects('jobs', ns, 'cdk8s-batch.dev/kind=ParallelMatrixJob').map((j: any) => j.metadata.name)).toEqual(['normal-job']);
  expect(listObjects('configmaps', ns, 'cdk8s-batch.dev/workload').map((c: any) => c.metadata.name)).toEqual([objects[0].metadata.name]);
});

test('on 1.29 a matrix gets one Job per cell, applied for real with no ConfigMap; maxParallel is refused at synth', () => {
  // Six cells two at a time: a set of Jobs cannot promise that.
  const refused = new Chart(Testing.app(), 'matrix');
  refused.node.setContext(KubernetesVersion.CONTEXT_KEY, '1.29');
  expect(errorOf(() => {
    countJob(refused, 2);
    return Testing.synth(refused);
  }).message).toBe('matrix/normal-job: maxParallel: cannot be applied with one Job per cell ' +
    '(MatrixDelivery.jobPerCell()): all 6 Jobs start at once (got "2"). ' +
    'Remove maxParallel, or use matrixDelivery: MatrixDelivery.files() (one Indexed Job, Kubernetes 1.33 or later), whose parallelism caps the cells.');
  // examples/matrix.ts as it stands: go-build's six cells as six Jobs.
  expect(examples('1.29').map((o) => o.kind)).toEqual(Array(6).fill('Job'));
  const app = Testing.app();
  app.node.setContext(KubernetesVersion.CONTEXT_KEY, '1.29');
  const chart = new Chart(app, 'c', { namespace: ns });
  const build = new ParallelMatrixJob(chart, 'build', {
    metadata: { name: 'go-build-129' },
    matrix: Matrix.of({ goos: ['linux', 'darwin', 'windows'], goarch: ['amd64', 'arm64'] }),
    containers: [{ name: 'go', image: 'golang:1.22-${matrix.goos}', command: ['go', 'build', './...'], envVariables: { GOOS: kplus.EnvValue.fromValue('${matrix.goos}') } }],
  });
  const objects = Testing.synth(chart);
  expect(objects.map((o) => o.kind)).toEqual(Array(6).fill('Job'));
  apply(objects, ns);
  const jobs = listObjects('jobs', ns, 'cdk8s-batch.dev/workload=go-build-129');
  expect(jobs.map((j: any) => j.metadata.name).sort()).toEqual(build.jobs.map((j) => j.name).sort());
  expect(jobs.map((j: any) => j.spec.template.spec.containers[0].image).sort()).toEqual(
    ['golang:1.22-darwin', 'golang:1.22-darwin', 'golang:1.22-linux', 'golang:1.22-linux', 'golang:1.22-windows', 'golang:1.22-windows']);
  expect(listObjects('configmaps', ns, 'cdk8s-batch.dev/workload=go-build-129')).toEqual([]);
});

test.each([
  ['1.34', 'files only', MatrixDelivery.files()],
  ['1.29', 'the default for a ParallelMatrixJob: one Job per cell', undefined],
])('the corpus\'s matrix workloads for target %s (%s) are accepted by server-side dry-run', (version, _what, delivery) => {
  const samples = fc.sample(fc.nat().chain((n) => validSpec(`w${n}`)), { seed: SEED, numRuns: CORPUS_SPECS * 4 })
    .filter((s) => s.matrix !== undefined && (version === '1.34' || s.kind === 'ParallelMatrixJob')).slice(0, CORPUS_SPECS);
  const seen = new Set<string>();
  const accepted: any[] = [];
  samples.forEach((sample, i) => {
    // On 1.29 a ParallelMatrixJob runs one Job per cell: keep what a set of Jobs can do (the
    // rest fails at synth, tested in the fast tier): a short name, no maxParallel, every cell
    // to its end, no podFailureRules (1.31), no retryDelay (pod scheduling gates, 1.30).
    const spec: WorkloadSpec = version === '1.34' ? { ...sample, id: `w${i}` } : {
      ...sample,
      id: `w${i}`,
      name: `p${i}`,
      podFailureRules: undefined,
      retryDelaySeconds: undefined,
      matrix: { ...sample.matrix!, maxParallel: undefined, failFast: false, anySuccessful: false },
    };
    const chart = Testing.chart();
    chart.node.setContext(KubernetesVersion.CONTEXT_KEY, version);
    chart.node.setContext('cdk8s-batch.dev/controller', 'external');
    buildWorkload(chart, spec, delivery);
    const objects = Testing.synth(chart);
    const keys = objects.map((o) => `${o.kind}/${o.metadata.name}`);
    if (keys.some((k) => seen.has(k))) return;
    keys.forEach((k) => seen.add(k));
    accepted.push(...objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: ns } })));
  });
  expect(JSON.stringify(accepted)).not.toContain('fileKeyRef');
  expect(accepted.filter((o) => o.kind === 'Job' || o.kind === 'CronJob').length).toBeGreaterThan(50);
  const rejections: string[] = [];
  for (let start = 0; start < accepted.length; start += 50) {
    const batch = accepted.slice(start, start + 50);
    try {
      applyServerDryRun(batch, ns);
    } catch {
      for (const o of batch) {
        try {
          applyServerDryRun(o, ns);
        } catch (e) {
          rejections.push(`${o.kind}/${o.metadata.name}: ${(e as Error).message}`);
        }
      }
    }
  }
  expect(rejections).toEqual([]);
  // eslint-disable-next-line no-console
  console.log(`target ${version}: ${samples.length} specs, ${accepted.length} objects accepted`);
}, 300_000);
