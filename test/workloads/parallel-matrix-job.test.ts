import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  Completion, JobOption, Matrix, MatrixDelivery, ParallelMatrixJob, ParallelMatrixJobProps, PodFailureAction, PodFailureRule,
  Schedule, ScheduledBatch,
} from '../../src';
import { validateManifest } from '../support/kube-schema';
import { filesUnder, matrixEnv, podView } from '../support/pod-view';

const ROOT = '/etc/cdk8s-batch/matrix';

function synth(chart: Chart): any[] {
  return validateManifest(Testing.synth(chart));
}

function matrixJob(props: Partial<ParallelMatrixJobProps> & { matrix: Matrix }, name = 'job'): any[] {
  const chart = Testing.chart();
  new ParallelMatrixJob(chart, 'pm', {
    metadata: { name },
    containers: [{ name: 'main', image: 'registry.example/app:1.0', args: ['run'] }],
    ...props,
  });
  return synth(chart);
}

function jobOf(objects: any[]): any {
  const jobs = objects.filter((o) => o.kind === 'Job');
  expect(jobs).toHaveLength(1);
  return jobs[0];
}

const goBuild = (): Matrix => Matrix.of({ goos: ['linux', 'darwin', 'windows'], goarch: ['amd64', 'arm64'] });

describe('ParallelMatrixJob: Job fields', () => {
  test('defaults: all cells at once, three attempts per cell, fail-fast AllSuccessful', () => {
    const job = jobOf(matrixJob({ matrix: goBuild() }));
    expect(job.spec).toMatchObject({
      completionMode: 'Indexed', completions: 6, parallelism: 6, backoffLimitPerIndex: 2, maxFailedIndexes: 0,
    });
    expect(job.spec.backoffLimit).toBeUndefined();
    expect(job.spec.successPolicy).toBeUndefined();
    expect(job.metadata.labels).toEqual({ 'cdk8s-batch.dev/kind': 'ParallelMatrixJob', 'cdk8s-batch.dev/workload': 'job' });
  });

  test('maxParallel, maxAttempts and AllSuccessful without fail-fast', () => {
    const job = jobOf(matrixJob({
      matrix: Matrix.count(6), maxParallel: 2, maxAttempts: 4, completion: Completion.allSuccessful({ failFast: false }),
    }));
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 6, parallelism: 2, backoffLimitPerIndex: 3 });
    expect(job.spec.maxFailedIndexes).toBeUndefined();
    expect(job.spec.successPolicy).toBeUndefined();
  });

  test('AnySuccessful: successPolicy with succeededCount 1, no maxFailedIndexes', () => {
    const job = jobOf(matrixJob({ matrix: Matrix.keys(['a', 'b', 'c']), completion: Completion.anySuccessful(), maxAttempts: 1 }));
    expect(job.spec.successPolicy).toEqual({ rules: [{ succeededCount: 1 }] });
    expect(job.spec.maxFailedIndexes).toBeUndefined();
    expect(job.spec.backoffLimitPerIndex).toBe(0);
    expect(job.spec.completions).toBe(3);
  });

  test('maxParallel above the cell count is capped at it', () => {
    expect(jobOf(matrixJob({ matrix: Matrix.count(3), maxParallel: 50 })).spec.parallelism).toBe(3);
  });

  test('FailIndex rules are allowed with a matrix', () => {
    const job = jobOf(matrixJob({
      matrix: Matrix.count(2),
      podFailureRules: [PodFailureRule.onExitCodes({ action: PodFailureAction.FAIL_INDEX, exitCodes: [42] })],
    }));
    expect(job.spec.podFailurePolicy).toEqual({ rules: [{ action: 'FailIndex', onExitCodes: { operator: 'In', values: [42] } }] });
  });

  test('the matrix ConfigMap: immutable, content-named, one file per key and an env file per cell', () => {
    const objects = matrixJob({ matrix: goBuild() }, 'go-build');
    const cm = objects.find((o) => o.kind === 'ConfigMap');
    expect(cm.metadata.name).toMatch(/^go-build-matrix-[0-9a-f]{10}$/);
    expect(cm.immutable).toBe(true);
    expect(cm.metadata.labels).toEqual({ 'cdk8s-batch.dev/workload': 'go-build' });
    expect(cm.data['0.env']).toBe('MATRIX_GOARCH=\'amd64\'\nMATRIX_GOOS=\'linux\'\n');
    expect(cm.data['5.goos']).toBe('windows');
    expect(Object.keys(cm.data)).toHaveLength(18);
    const pod = jobOf(objects).spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'cdk8s-batch-matrix', configMap: { name: cm.metadata.name } });
    expect(pod.volumes).toContainEqual({ name: 'cdk8s-batch-cell', emptyDir: { sizeLimit: '1Mi' } });
    // No items: the pod template does not grow with the cell count.
    expect(JSON.stringify(pod)).not.toContain('"items"');
    expect(pod.initContainers[0]).toMatchObject({
      name: 'cdk8s-batch-cell',
      image: 'busybox:1.36.1',
      command: ['cp', '/cdk8s-batch/in/cell.env', '/cdk8s-batch/cell/cell.env'],
      securityContext: { runAsNonRoot: true, runAsUser: 65534, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false },
    });
    expect(pod.containers[0].env[0]).toEqual({
      name: 'MATRIX_GOARCH',
      valueFrom: { fileKeyRef: { volumeName: 'cdk8s-batch-cell', path: 'cell.env', key: 'MATRIX_GOARCH' } },
    });
    expect(pod.containers[0].volumeMounts).toContainEqual({
      name: 'cdk8s-batch-matrix', mountPath: `${ROOT}/goos`, subPathExpr: '$(JOB_COMPLETION_INDEX).goos', readOnly: true,
    });
  });

  test('cellInitImage replaces the init image', () => {
    const job = jobOf(matrixJob({ matrix: Matrix.count(2), cellInitImage: 'registry.example/busybox:1.36.1' }));
    expect(job.spec.template.spec.initContainers[0].image).toBe('registry.example/busybox:1.36.1');
  });

  test('re-synthesis is byte-identical', () => {
    const once = JSON.stringify(matrixJob({ matrix: goBuild(), maxParallel: 2 }));
    const twice = JSON.stringify(matrixJob({ matrix: goBuild(), maxParallel: 2 }));
    expect(twice).toBe(once);
  });

  test('snapshot of the goos × goarch Job, with the fields that matter checked', () => {
    const objects = matrixJob({ matrix: goBuild() }, 'go-build');
    expect(objects.map((o) => o.kind).sort()).toEqual(['ConfigMap', 'Job']);
    const job = jobOf(objects);
    expect(job.metadata.name).toBe('go-build');
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 6, parallelism: 6 });
    // Cell order: keys bytewise (goarch, goos), the last key varies fastest.
    const cells = [0, 1, 2, 3, 4, 5].map((i) => matrixEnv(podView(objects, i).containers[0].env));
    expect(cells).toEqual([
      { MATRIX_GOARCH: 'amd64', MATRIX_GOOS: 'linux' }, { MATRIX_GOARCH: 'amd64', MATRIX_GOOS: 'darwin' },
      { MATRIX_GOARCH: 'amd64', MATRIX_GOOS: 'windows' }, { MATRIX_GOARCH: 'arm64', MATRIX_GOOS: 'linux' },
      { MATRIX_GOARCH: 'arm64', MATRIX_GOOS: 'darwin' }, { MATRIX_GOARCH: 'arm64', MATRIX_GOOS: 'windows' },
    ]);
    const cm = objects.find((o) => o.kind === 'ConfigMap');
    expect(job.spec.template.spec.volumes.map((v: any) => v.configMap?.name).filter(Boolean)).toEqual([cm.metadata.name]);
    expect(objects).toMatchSnapshot();
  });
});

describe('ParallelMatrixJob: what each pod sees (pod-view evaluator)', () => {
  function goBuildObjects(): any[] {
    const chart = Testing.chart();
    new ParallelMatrixJob(chart, 'build', {
      metadata: { name: 'go-build' },
      matrix: goBuild(),
      initContainers: [{ name: 'prepare', image: 'registry.example/prep:1', args: ['prep', '--os=${matrix.goos}'] }],
      containers: [{
        name: 'go',
        image: 'golang:1.22',
        command: ['go', 'build', '-o', 'out/${matrix.goos}-${matrix.goarch}', './...'],
        args: ['$(GOOS)', '$$(GOOS)', '$(UNDEFINED)'],
        envVariables: {
          GOOS: kplus.EnvValue.fromValue('${matrix.goos}'),
          GOARCH: kplus.EnvValue.fromValue('${matrix.goarch}'),
        },
      }],
    });
    return synth(chart);
  }

  // Keys sort bytewise: goarch < goos, so goos (the last key) varies fastest.
  const expected: Array<[number, string, string]> = [
    [0, 'linux', 'amd64'],
    [1, 'darwin', 'amd64'],
    [2, 'windows', 'amd64'],
    [3, 'linux', 'arm64'],
    [4, 'darwin', 'arm64'],
    [5, 'windows', 'arm64'],
  ];

  test.each(expected)('index %i is %s/%s', (index, goos, goarch) => {
    const view = podView(goBuildObjects(), index);
    const go = view.containers[0];
    expect(filesUnder(go.files, ROOT)).toEqual({ goarch, goos });
    expect(matrixEnv(go.env)).toEqual({ MATRIX_GOARCH: goarch, MATRIX_GOOS: goos });
    expect(go.env.GOOS).toBe(goos);
    expect(go.env.GOARCH).toBe(goarch);
    expect(go.command).toEqual(['go', 'build', '-o', `out/${goos}-${goarch}`, './...']);
    expect(go.args).toEqual([goos, '$(GOOS)', '$(UNDEFINED)']);
    // The user's init container runs after the cell init container and sees the same cell.
    const [cell, prepare] = view.initContainers;
    expect(cell.name).toBe('cdk8s-batch-cell');
    expect(prepare.args).toEqual(['prep', `--os=${goos}`]);
    expect(matrixEnv(prepare.env)).toEqual({ MATRIX_GOARCH: goarch, MATRIX_GOOS: goos });
    expect(filesUnder(prepare.files, ROOT)).toEqual({ goarch, goos });
  });

  test('Matrix.count: MATRIX_INDEX and the index file', () => {
    const objects = matrixJob({
      matrix: Matrix.count(12),
      containers: [{ name: 'shard', image: 'registry.example/shard:1', args: ['--shard=${matrix.index}', '--of=12'] }],
    });
    for (const i of [0, 9, 10, 11]) {
      const shard = podView(objects, i).containers[0];
      expect(shard.args).toEqual([`--shard=${i}`, '--of=12']);
      expect(matrixEnv(shard.env)).toEqual({ MATRIX_INDEX: String(i) });
      expect(filesUnder(shard.files, ROOT)).toEqual({ index: String(i) });
    }
  });

  test('include adds a key to some cells only; other cells get an empty file and no variable', () => {
    const objects = matrixJob({
      matrix: Matrix.of({ node: ['18', '20'], os: ['linux'] }, { include: [{ node: '20', experimental: 'true' }, { node: '22', os: 'linux' }] }),
      containers: [{ name: 'ci', image: 'registry.example/ci:1', args: ['test', 'node-${matrix.node}', 'x=${matrix.experimental}'] }],
    });
    // Cells: 0 {node 18, os linux}, 1 {experimental true, node 20, os linux}, 2 {node 22, os linux} (appended).
    const c0 = podView(objects, 0).containers[0];
    expect(matrixEnv(c0.env)).toEqual({ MATRIX_NODE: '18', MATRIX_OS: 'linux' });
    expect(filesUnder(c0.files, ROOT)).toEqual({ experimental: '', node: '18', os: 'linux' });
    expect(c0.args).toEqual(['test', 'node-18', 'x=$(MATRIX_EXPERIMENTAL)']);
    const c1 = podView(objects, 1).containers[0];
    expect(matrixEnv(c1.env)).toEqual({ MATRIX_EXPERIMENTAL: 'true', MATRIX_NODE: '20', MATRIX_OS: 'linux' });
    expect(c1.args).toEqual(['test', 'node-20', 'x=true']);
    const c2 = podView(objects, 2).containers[0];
    expect(matrixEnv(c2.env)).toEqual({ MATRIX_NODE: '22', MATRIX_OS: 'linux' });
    expect(filesUnder(c2.files, ROOT)).toEqual({ experimental: '', node: '22', os: 'linux' });
  });

  test('values with spaces, $ and $(...) reach the pod unchanged (no re-expansion)', () => {
    const objects = matrixJob({
      matrix: Matrix.keys(['a b', 'cost $5', '$(HOME)', 'x"y']),
      containers: [{ name: 'm', image: 'registry.example/m:1', args: ['[${matrix.key}]'], envVariables: { K: kplus.EnvValue.fromValue('${matrix.key}') } }],
    });
    const values = ['a b', 'cost $5', '$(HOME)', 'x"y'];
    values.forEach((value, i) => {
      const m = podView(objects, i).containers[0];
      expect(m.env.MATRIX_KEY).toBe(value);
      expect(m.env.K).toBe(value);
      expect(m.args).toEqual([`[${value}]`]);
      expect(filesUnder(m.files, ROOT)).toEqual({ key: value });
    });
  });

  test('a key with "-" becomes MATRIX_<KEY> with "_"', () => {
    const objects = matrixJob({
      matrix: Matrix.of({ 'node-version': ['18', '20'] }),
      containers: [{ name: 'm', image: 'registry.example/m:1', args: ['${matrix.node-version}'] }],
    });
    const m = podView(objects, 1).containers[0];
    expect(matrixEnv(m.env)).toEqual({ MATRIX_NODE_VERSION: '20' });
    expect(filesUnder(m.files, ROOT)).toEqual({ 'node-version': '20' });
    expect(m.args).toEqual(['20']);
  });

  test('config, options and workload references still work alongside the matrix', () => {
    const objects = matrixJob({
      matrix: Matrix.count(2),
      config: { REGION: 'eu' },
      options: [JobOption.string({ name: 'mode', default: 'fast' })],
      containers: [{ name: 'm', image: 'registry.example/m:1', args: ['${option.mode}', '${workload.name}', '${matrix.index}', '$(REGION)'] }],
    }, 'cfg');
    const m = podView(objects, 1).containers[0];
    expect(m.args).toEqual(['fast', 'cfg', '1', 'eu']);
    expect(m.env.REGION).toBe('eu');
  });
});

describe('ParallelMatrixJob: multi-line values with env files', () => {
  test('a value with line breaks reaches MATRIX_<KEY>, ${matrix.KEY} and the file whole (the kubelet\'s env file parser)', () => {
    const values = ['one', 'two\nlines', 'three\n\nlines\n', '# x\n  y = 1'];
    const objects = matrixJob({
      matrix: Matrix.keys(values),
      containers: [{ name: 'm', image: 'registry.example/m:1', args: ['[${matrix.key}]'] }],
    });
    const configMap = objects.find((o) => o.kind === 'ConfigMap');
    expect(configMap.data['1.env']).toBe('MATRIX_KEY=\'two\nlines\'\n');
    values.forEach((value, i) => {
      const m = podView(objects, i).containers[0];
      expect(m.env.MATRIX_KEY).toBe(value);
      expect(m.args).toEqual([`[${value}]`]);
      expect(filesUnder(m.files, ROOT)).toEqual({ key: value });
    });
  });
});

describe('ParallelMatrixJob: one Job per cell (MatrixDelivery.jobPerCell())', () => {
  function perCell(props: Partial<ParallelMatrixJobProps> & { matrix: Matrix }, name = 'job'): any[] {
    return matrixJob({ matrixDelivery: MatrixDelivery.jobPerCell(), ...props }, name);
  }

  test('one plain Job per cell, named <name>-<cell name>, labelled with the cell index; no ConfigMap', () => {
    const matrix = goBuild();
    const objects = perCell({ matrix, maxAttempts: 4 });
    expect(objects.map((o) => o.kind)).toEqual(['Job', 'Job', 'Job', 'Job', 'Job', 'Job']);
    expect(objects.map((o) => o.metadata.name)).toEqual(matrix.cellNames().map((n) => `job-${n}`));
    expect(objects[0].metadata.name).toBe(`job-${matrix.cellName(0)}`);
    objects.forEach((job, i) => {
      expect(job.metadata.labels).toEqual({
        'cdk8s-batch.dev/kind': 'ParallelMatrixJob', 'cdk8s-batch.dev/workload': 'job', 'cdk8s-batch.dev/matrix-cell': String(i),
      });
      expect(job.spec.template.metadata.labels['cdk8s-batch.dev/matrix-cell']).toBe(String(i));
      expect(job.spec.backoffLimit).toBe(3);
      for (const field of ['completionMode', 'completions', 'parallelism', 'backoffLimitPerIndex', 'maxFailedIndexes', 'successPolicy']) {
        expect(job.spec[field]).toBeUndefined();
      }
      expect(JSON.stringify(job)).not.toContain('JOB_COMPLETION_INDEX');
      expect(job.spec.template.spec.initContainers).toBeUndefined();
    });
  });

  test('each Job carries its cell literally: image, command, args, env, MATRIX_<KEY> and the files', () => {
    const objects = perCell({
      matrix: goBuild(),
      initContainers: [{ name: 'prepare', image: 'registry.example/prep:${matrix.goos}', args: ['prep', '--os=${matrix.goos}'] }],
      containers: [{
        name: 'go',
        image: 'golang:1.22-${matrix.goos}',
        command: ['go', 'build', '-o', 'out/${matrix.goos}-${matrix.goarch}', './...'],
        args: ['$(GOOS)', '$$(GOOS)', '$(UNDEFINED)'],
        envVariables: { GOOS: kplus.EnvValue.fromValue('${matrix.goos}') },
      }],
    });
    const cells: Array<[string, string]> = [['amd64', 'linux'], ['amd64', 'darwin'], ['amd64', 'windows'], ['arm64', 'linux'], ['arm64', 'darwin'], ['arm64', 'windows']];
    cells.forEach(([goarch, goos], i) => {
      const spec = objects[i].spec.template.spec;
      expect(spec.containers[0].image).toBe(`golang:1.22-${goos}`);
      expect(spec.initContainers[0].image).toBe(`registry.example/prep:${goos}`);
      const view = podView(objects, i);
      const go = view.containers[0];
      expect(filesUnder(go.files, ROOT)).toEqual({ goarch, goos });
      expect(matrixEnv(go.env)).toEqual({ MATRIX_GOARCH: goarch, MATRIX_GOOS: goos });
      expect(go.env.GOOS).toBe(goos);
      expect(go.command).toEqual(['go', 'build', '-o', `out/${goos}-${goarch}`, './...']);
      expect(go.args).toEqual([goos, '$(GOOS)', '$(UNDEFINED)']);
      const prepare = view.initContainers[0];
      expect(prepare.args).toEqual(['prep', `--os=${goos}`]);
      expect(filesUnder(prepare.files, ROOT)).toEqual({ goarch, goos });
    });
    // The files: a downward API volume over the pod's annotations, mounted read-only.
    const spec = objects[0].spec.template.spec;
    expect(spec.volumes).toEqual([{
      name: 'cdk8s-batch-matrix',
      downwardAPI: {
        items: [
          { path: 'goarch', fieldRef: { fieldPath: 'metadata.annotations[\'cdk8s-batch.dev/matrix-0\']' } },
          { path: 'goos', fieldRef: { fieldPath: 'metadata.annotations[\'cdk8s-batch.dev/matrix-1\']' } },
        ],
      },
    }]);
    expect(objects[0].spec.template.metadata.annotations).toEqual({ 'cdk8s-batch.dev/matrix-0': 'amd64', 'cdk8s-batch.dev/matrix-1': 'linux' });
    expect(spec.containers[0].volumeMounts).toEqual([{ name: 'cdk8s-batch-matrix', mountPath: ROOT, readOnly: true }]);
  });

  test('any value, quotes, line breaks and $ included, reaches the pod as written', () => {
    const values = ['a b', 'cost $5', '$(HOME)', '${x}', 'it\'s "q"', 'two\r\nlines\n', 'grüße ✓ #=1'];
    const objects = perCell({
      matrix: Matrix.keys(values),
      containers: [{ name: 'm', image: 'registry.example/m:1', args: ['[${matrix.key}]'], envVariables: { K: kplus.EnvValue.fromValue('${matrix.key}') } }],
    });
    values.forEach((value, i) => {
      const m = podView(objects, i).containers[0];
      expect(m.env.MATRIX_KEY).toBe(value);
      expect(m.env.K).toBe(value);
      expect(m.args).toEqual([`[${value}]`]);
      expect(filesUnder(m.files, ROOT)).toEqual({ key: value });
    });
  });

  test('include: a key some cells lack is an empty file and no variable there, as with the other deliveries', () => {
    const objects = perCell({
      matrix: Matrix.of({ node: ['18', '20'] }, { include: [{ node: '20', experimental: 'true' }] }),
      containers: [{ name: 'ci', image: 'registry.example/ci:1', args: ['x=${matrix.experimental}'] }],
    });
    const c0 = podView(objects, 0).containers[0];
    expect(matrixEnv(c0.env)).toEqual({ MATRIX_NODE: '18' });
    expect(filesUnder(c0.files, ROOT)).toEqual({ experimental: '', node: '18' });
    expect(c0.args).toEqual(['x=$(MATRIX_EXPERIMENTAL)']);
    const c1 = podView(objects, 1).containers[0];
    expect(matrixEnv(c1.env)).toEqual({ MATRIX_EXPERIMENTAL: 'true', MATRIX_NODE: '20' });
    expect(c1.args).toEqual(['x=true']);
  });

  test('the pods pass Pod Security restricted by default, like the Indexed deliveries', () => {
    const spec = perCell({ matrix: Matrix.count(2) })[0].spec.template.spec;
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.containers[0].securityContext).toMatchObject({
      allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' },
    });
  });

  test('re-synthesis is byte-identical, and adding a cell keeps the other Jobs\' names', () => {
    const a = perCell({ matrix: Matrix.of({ v: ['x', 'y'] }) });
    expect(JSON.stringify(perCell({ matrix: Matrix.of({ v: ['x', 'y'] }) }))).toBe(JSON.stringify(a));
    const b = perCell({ matrix: Matrix.of({ v: ['w', 'x', 'y'] }) });
    expect(b.map((o) => o.metadata.name)).toEqual(expect.arrayContaining(a.map((o) => o.metadata.name)));
  });

  test('names: <name>-<cell name> must stay within 63 characters; the generated name fits', () => {
    const matrix = Matrix.of({ v: ['abcdefghijklmnopqrstuvwxyz'] });
    const cell = matrix.cellName(0);
    const max = 62 - cell.length;
    expect(() => perCell({ matrix }, 'n'.repeat(max))).not.toThrow();
    expect(() => perCell({ matrix }, 'n'.repeat(max + 1))).toThrow(
      `test/pm: metadata.name: is ${max + 1} characters long, more than the ${max} allowed ` +
      '(with one Job per cell each Job is named <name>-<cell name>, which must stay within 63 characters) ' +
      `(got "${'n'.repeat(max + 1)}"). Shorten the name to at most ${max} characters.`);
    const chart = Testing.chart();
    const job = new ParallelMatrixJob(chart, 'a'.repeat(80), { matrix, matrixDelivery: MatrixDelivery.jobPerCell(), containers: [{ image: 'registry.example/m:1' }] });
    expect(job.jobs).toHaveLength(1);
    expect(job.matrixConfigMap).toBeUndefined();
    expect(synth(chart)[0].metadata.name).toBe(`${job.workload.name}-${cell}`);
    expect(synth(chart)[0].metadata.name.length).toBeLessThanOrEqual(63);
  });

  test('maxParallel below the cell count, and completions that need one Indexed Job, are errors with the fix', () => {
    expect(() => perCell({ matrix: Matrix.count(4), maxParallel: 2 })).toThrow(
      'test/pm: maxParallel: cannot be applied with one Job per cell (MatrixDelivery.jobPerCell()): all 4 Jobs start at once (got "2"). ' +
      'Remove maxParallel, or use matrixDelivery: MatrixDelivery.files() (one Indexed Job, Kubernetes 1.33 or later), whose parallelism caps the cells.');
    expect(() => perCell({ matrix: Matrix.count(4), maxParallel: 4 })).not.toThrow();
    expect(() => perCell({ matrix: Matrix.count(2), completion: Completion.allSuccessful() })).toThrow(
      'test/pm: completion: needs one Indexed Job (maxFailedIndexes), and MatrixDelivery.jobPerCell() runs one Job per cell, each to its end ' +
      '(got "Completion.allSuccessful() with fail-fast"). Use completion: Completion.allSuccessful({ failFast: false }), or matrixDelivery: MatrixDelivery.files() or MatrixDelivery.envFiles().');
  });

  test('values too large for a pod\'s annotations', () => {
    const big = 'x'.repeat(200_000);
    expect(() => perCell({ matrix: Matrix.of({ a: [big], b: [big] }) })).toThrow(
      'test/pm: matrix cell 0: is too large for the pod\'s annotations, which carry the cell\'s values with one Job per cell ' +
      '(Kubernetes allows 262144 bytes of annotations per object) (got "400048 bytes"). ' +
      'Shorten the values, or use matrixDelivery: MatrixDelivery.files(), which carries them in a ConfigMap (1 MiB for all cells).');
  });

  test('names the matrix delivery reserves: MATRIX_<KEY>, the volume, the mount root', () => {
    expect(() => perCell({
      matrix: Matrix.keys(['a']),
      containers: [{ name: 'm', image: 'registry.example/m:1', envVariables: { MATRIX_KEY: kplus.EnvValue.fromValue('x') } }],
    })).toThrow('containers: container "m" sets MATRIX_KEY, which the matrix sets.');
  });
});

describe('ParallelMatrixJob: names', () => {
  const name = (n: number) => 'n'.repeat(n);
  test.each([
    [10, 61], [11, 60], [100, 60], [101, 59],
  ])('%i cells: a name of %i characters is accepted, one more is not', (cells, max) => {
    expect(() => matrixJob({ matrix: Matrix.count(cells) }, name(max))).not.toThrow();
    expect(() => matrixJob({ matrix: Matrix.count(cells) }, name(max + 1))).toThrow(
      `test/pm: metadata.name: is ${max + 1} characters long, more than the ${max} allowed ` +
      `(the pods of an Indexed Job with ${cells} cells have host names <job>-<index>, which must stay DNS labels) ` +
      `(got "${name(max + 1)}"). Shorten the name to at most ${max} characters.`);
  });

  test('a name that is not a DNS label', () => {
    expect(() => matrixJob({ matrix: Matrix.count(2) }, 'Go.Build')).toThrow(
      'test/pm: metadata.name: is not a lowercase RFC 1123 label (lower case letters, digits and "-", starting and ending with a letter or digit) ' +
      '(got "Go.Build"). Use a name such as "nightly-report".');
  });

  test('the generated name fits the budget', () => {
    const chart = Testing.chart();
    const job = new ParallelMatrixJob(chart, 'a'.repeat(80), {
      matrix: Matrix.count(101), containers: [{ image: 'registry.example/m:1' }],
    });
    expect(job.workload.name.length).toBeLessThanOrEqual(59);
    expect(jobOf(synth(chart)).metadata.name).toBe(job.workload.name);
  });
});

describe('ParallelMatrixJob: errors', () => {
  test('${matrix.KEY} in an image', () => {
    expect(() => matrixJob({
      matrix: goBuild(),
      containers: [{ name: 'm', image: 'golang:${matrix.goos}' }],
    })).toThrow(
      'spec.template.spec.containers[0].image: refers to the matrix (got "golang:${matrix.goos}"). ' +
      'Every pod of the Indexed matrix Job runs the same image. Use matrixDelivery: MatrixDelivery.jobPerCell() for one Job (and image) per cell, ' +
      'or pass the cell\'s value to the container in command, args or env instead (e.g. ${matrix.KEY} in args).');
  });

  test('an unknown matrix key', () => {
    expect(() => matrixJob({
      matrix: goBuild(),
      containers: [{ name: 'm', image: 'golang:1.22', args: ['${matrix.os}'] }],
    })).toThrow(
      'spec.template.spec.containers[0].args[0]: refers to matrix key "os", which is not defined (got "${matrix.os}"). ' +
      'Use one of the defined matrix keys "goarch", "goos", or write $${matrix.os} to keep the text literally.');
  });

  test('a value with a carriage return before a line break (the kubelet would drop the \\r)', () => {
    expect(() => matrixJob({ matrix: Matrix.keys(['ok', 'two\r\nlines']) })).toThrow(
      'test/pm: matrix cell 1 key "key": holds a carriage return before a line break, which the kubelet drops when it reads the cell\'s env file ' +
      '(MATRIX_KEY would arrive with "\\n" only) (got "two\\r\\nlines"). ' +
      'Use "\\n" line breaks, or use matrixDelivery: MatrixDelivery.files() or MatrixDelivery.jobPerCell(), which carry any value.');
    expect(() => matrixJob({ matrix: Matrix.keys(['ok', 'two\r\nlines']), matrixDelivery: MatrixDelivery.jobPerCell() })).not.toThrow();
  });

  test('a value with a single quote', () => {
    expect(() => matrixJob({ matrix: Matrix.keys(['it\'s']) })).toThrow(
      'test/pm: matrix cell 0 key "key": holds a single quote, which the cell\'s env file cannot carry (MATRIX_KEY is written single-quoted, and the format has no escape) ' +
      '(got "it\'s"). Remove the single quote, or use matrixDelivery: MatrixDelivery.files() or MatrixDelivery.jobPerCell(), which carry any value.');
  });

  test('a value over the kubelet\'s 64 KiB env-file line limit', () => {
    const value = 'x'.repeat(70_000);
    expect(() => matrixJob({ matrix: Matrix.keys([value]) })).toThrow(
      'test/pm: matrix cell 0 key "key": is too long for the kubelet, which reads env files line by line with a limit of 65535 bytes per line (MATRIX_KEY=\'...\') ' +
      `(got "${'x'.repeat(40)}... (70013 bytes as an env file line)"). Shorten the value, or use matrixDelivery: MatrixDelivery.files() or MatrixDelivery.jobPerCell(), which have no such limit.`);
    // The largest value that fits: 65535 bytes minus `MATRIX_KEY=''`.
    expect(() => matrixJob({ matrix: Matrix.keys(['y'.repeat(65_535 - 13)]) })).not.toThrow();
    expect(() => matrixJob({ matrix: Matrix.keys([value]), matrixDelivery: MatrixDelivery.files() })).not.toThrow();
    // A multi-line value: the bound is per line of the env file (a middle line has no MATRIX_KEY=' and no closing quote).
    expect(() => matrixJob({ matrix: Matrix.keys([`a\n${'z'.repeat(65_536)}\nb`]) })).toThrow(
      'test/pm: matrix cell 0 key "key": is too long for the kubelet, which reads env files line by line with a limit of 65535 bytes per line (MATRIX_KEY=\'...\') ' +
      `(got "a\\n${'z'.repeat(38)}... (65536 bytes as an env file line (line 2 of its 3 lines))"). ` +
      'Shorten the value, or use matrixDelivery: MatrixDelivery.files() or MatrixDelivery.jobPerCell(), which have no such limit.');
    expect(() => matrixJob({ matrix: Matrix.keys([`a\n${'z'.repeat(65_535)}\nb`]) })).not.toThrow();
    expect(() => matrixJob({ matrix: Matrix.keys([`${'z'.repeat(65_535 - 12 + 1)}\nb`]) })).toThrow('(65536 bytes as an env file line (line 1 of its 2 lines))');
  });

  test.each([0, 1.5, -1])('maxParallel %p', (maxParallel) => {
    expect(() => matrixJob({ matrix: Matrix.count(4), maxParallel })).toThrow(
      `test/pm: maxParallel: must be a whole number of at least 1 (got "${maxParallel}"). ` +
      'Use e.g. 2 to run two cells at a time, or leave it unset to run all 4 at once.');
  });

  test('an empty cellInitImage', () => {
    expect(() => matrixJob({ matrix: Matrix.count(2), cellInitImage: '' })).toThrow(
      'test/pm: cellInitImage: is empty (got ""). Name an image with a `cp` binary, or leave it unset for busybox:1.36.1.');
  });

  test('restartPolicy OnFailure', () => {
    expect(() => matrixJob({ matrix: Matrix.count(2), restartPolicy: kplus.RestartPolicy.ON_FAILURE })).toThrow(
      'test/pm: restartPolicy: is not allowed with a matrix (per-cell retries, backoffLimitPerIndex, count failed pods and need restartPolicy Never) ' +
      '(got "OnFailure"). Remove restartPolicy (it defaults to Never).');
  });

  test('values too large for the ConfigMap (each value is stored twice)', () => {
    // 200 cells × 3000 bytes = 600000 bytes of values: fits the core check, not twice over.
    const values = Array.from({ length: 200 }, (_, i) => `${i}-${'v'.repeat(2995)}`.slice(0, 3000));
    expect(() => matrixJob({ matrix: Matrix.keys(values) })).toThrow(
      /^test\/pm: matrix: needs more than a ConfigMap holds \(1048576 bytes\): each value is stored twice, as a file and in the cell's env file \(got "1\d{6} bytes"\)\. Shorten the values or use fewer cells; about half of 1 MiB is left for the values themselves\.$/);
  });

  test('values too large for one ConfigMap at all (the matrix core check)', () => {
    const values = Array.from({ length: 256 }, (_, i) => `${i}-${'v'.repeat(5000)}`);
    expect(() => matrixJob({ matrix: Matrix.keys(values) })).toThrow(/^test\/pm: matrix: holds more cell values than a ConfigMap can \(1048576 bytes\)/);
  });

  test('names the matrix delivery reserves', () => {
    const chart = Testing.chart();
    new ParallelMatrixJob(chart, 'pm', {
      metadata: { name: 'job' },
      matrix: Matrix.count(2),
      volumes: [kplus.Volume.fromEmptyDir(chart, 'v', 'cdk8s-batch-cell')],
      containers: [{
        name: 'cdk8s-batch-cell',
        image: 'registry.example/m:1',
        envVariables: { MATRIX_INDEX: kplus.EnvValue.fromValue('x') },
      }],
    });
    expect(() => Testing.synth(chart)).toThrow(
      /volumes: the volume name "cdk8s-batch-cell" is reserved for the matrix delivery\. Rename the volume\.[^]*containers: the container name "cdk8s-batch-cell" is reserved for the matrix delivery\. Rename the container\.[^]*containers: container "cdk8s-batch-cell" sets MATRIX_INDEX, which the matrix sets\. Remove the variable; the matrix value reaches the container under that name\./);
  });
});

describe('ScheduledBatch with a matrix', () => {
  function scheduled(props: { name?: string; matrix?: Matrix; [key: string]: unknown }): any[] {
    const chart = Testing.chart();
    new ScheduledBatch(chart, 'sb', {
      metadata: { name: props.name ?? 'nightly' },
      schedule: Schedule.cron('0 3 * * *'),
      containers: [{ name: 'main', image: 'registry.example/app:1.0', args: ['shard', '${matrix.index}'] }],
      ...props,
    } as any);
    return synth(chart);
  }

  test('the CronJob\'s jobTemplate is the same Indexed Job spec', () => {
    const objects = scheduled({ matrix: Matrix.count(4), maxParallel: 2, completion: Completion.anySuccessful() });
    const cron = objects.find((o) => o.kind === 'CronJob');
    expect(cron.spec.jobTemplate.spec).toMatchObject({
      completionMode: 'Indexed', completions: 4, parallelism: 2, backoffLimitPerIndex: 2, successPolicy: { rules: [{ succeededCount: 1 }] },
    });
    expect(cron.spec.jobTemplate.spec.backoffLimit).toBeUndefined();
    const cm = objects.find((o) => o.kind === 'ConfigMap');
    expect(cm.metadata.name).toMatch(/^nightly-matrix-[0-9a-f]{10}$/);
    for (const i of [0, 3]) {
      const main = podView(objects, i).containers[0];
      expect(main.args).toEqual(['shard', String(i)]);
      expect(matrixEnv(main.env)).toEqual({ MATRIX_INDEX: String(i) });
      expect(filesUnder(main.files, ROOT)).toEqual({ index: String(i) });
    }
  });

  test.each([
    [10, 52], [11, 51], [100, 51], [101, 50],
  ])('%i cells: a CronJob name of %i characters is accepted, one more is not', (cells, max) => {
    const name = (n: number) => 'c'.repeat(n);
    expect(() => scheduled({ name: name(max), matrix: Matrix.count(cells) })).not.toThrow();
    expect(() => scheduled({ name: name(max + 1), matrix: Matrix.count(cells) })).toThrow(
      `test/sb: metadata.name: is ${max + 1} characters long, more than the ${max} allowed ` +
      `(its Jobs are named <cronjob>-<8 digits>, and the pods of an Indexed Job with ${cells} cells have host names <job>-<index>, which must stay DNS labels) ` +
      `(got "${name(max + 1)}"). Shorten the name to at most ${max} characters.`);
  });

  test('FailIndex is allowed with a matrix and still rejected without', () => {
    const rules = [PodFailureRule.onExitCodes({ action: PodFailureAction.FAIL_INDEX, exitCodes: [3] })];
    expect(() => scheduled({ matrix: Matrix.count(2), podFailureRules: rules })).not.toThrow();
    expect(() => scheduled({ podFailureRules: rules, containers: [{ image: 'registry.example/app:1.0' }] })).toThrow(
      'test/sb: podFailureRules: needs per-cell retries, which only matrix workloads have (got "FailIndex"). Use PodFailureAction.FAIL_JOB, or give the workload a matrix.');
  });

  test.each([
    ['maxParallel', 2, '2'],
    ['completion', Completion.anySuccessful(), 'AnySuccessful'],
    ['cellInitImage', 'busybox:1.36.1', 'busybox:1.36.1'],
  ])('%s without a matrix is an error', (field, value, shown) => {
    expect(() => scheduled({ [field]: value, containers: [{ image: 'registry.example/app:1.0' }] })).toThrow(
      `test/sb: ${field}: only applies to a ScheduledBatch with a matrix (got "${shown}"). Add a matrix, or remove ${field}.`);
  });

  test('options with a matrix are an error', () => {
    expect(() => scheduled({ matrix: Matrix.count(2), options: [JobOption.string({ name: 'x', default: 'y' })] })).toThrow(
      'test/sb: options: cannot be combined with a matrix yet (got "1 options"). Remove the options, or make the values matrix keys.');
  });

  test('snapshot, with the fields that matter checked', () => {
    const objects = scheduled({ matrix: Matrix.count(3), maxParallel: 1 });
    const cron = objects.find((o) => o.kind === 'CronJob');
    expect(cron.spec.schedule).toBe('0 3 * * *');
    expect(cron.spec.jobTemplate.spec).toMatchObject({ completionMode: 'Indexed', completions: 3, parallelism: 1 });
    expect([0, 1, 2].map((i) => podView(objects, i).containers[0].args)).toEqual([['shard', '0'], ['shard', '1'], ['shard', '2']]);
    expect(objects).toMatchSnapshot();
  });
});
