import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  Matrix, ParallelMatrixJob, ParameterizedJob, PodSecurity, RunKind, Schedule, ScheduledBatch,
} from '../../src';
import { validateManifest } from '../support/kube-schema';

const main: kplus.ContainerProps = { name: 'main', image: 'registry.example/app:1.0', args: ['run'] };
const init: kplus.ContainerProps = { name: 'prepare', image: 'registry.example/prep:1.0' };

const RESTRICTED_POD = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
const RESTRICTED_CONTAINER = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

function chart(): Chart {
  const c = Testing.chart();
  c.node.setContext('cdk8s-batch.dev/controller', 'external');
  return c;
}

/** Every pod spec of the chart, by `<kind>/<name> <path>`. */
function podSpecs(c: Chart): Record<string, any> {
  const out: Record<string, any> = {};
  for (const o of validateManifest(Testing.synth(c))) {
    const id = `${o.kind}/${o.metadata.name}`;
    if (o.kind === 'Job') out[id] = o.spec.template.spec;
    if (o.kind === 'CronJob') out[id] = o.spec.jobTemplate.spec.template.spec;
    if (o.kind === 'JobTemplate') out[id] = o.spec.template.spec.template.spec;
  }
  return out;
}

function expectRestricted(spec: any): void {
  expect(spec.securityContext).toMatchObject(RESTRICTED_POD);
  const containers = [...(spec.initContainers ?? []), ...spec.containers];
  expect(containers.length).toBeGreaterThan(0);
  for (const container of containers) {
    expect({ name: container.name, ...container.securityContext }).toMatchObject({ name: container.name, ...RESTRICTED_CONTAINER });
  }
}

describe('restricted by default', () => {
  test('ScheduledBatch: the CronJob pod and every container', () => {
    const c = chart();
    new ScheduledBatch(c, 'report', { metadata: { name: 'report' }, schedule: Schedule.cron('0 3 * * *'), containers: [main], initContainers: [init] });
    const specs = podSpecs(c);
    expect(Object.keys(specs)).toEqual(['CronJob/report']);
    expectRestricted(specs['CronJob/report']);
    expect(specs['CronJob/report'].containers[0].securityContext).toEqual({
      ...RESTRICTED_CONTAINER, privileged: false, readOnlyRootFilesystem: true,
    });
  });

  test('ParameterizedJob: its JobTemplate (every ad-hoc run) and its committed runs', () => {
    const c = chart();
    const job = new ParameterizedJob(c, 'greet', { metadata: { name: 'greet' }, containers: [main] });
    job.addRun('once', { kind: RunKind.JOB, name: 'greet-once' });
    const specs = podSpecs(c);
    expect(Object.keys(specs).sort()).toEqual(['Job/greet-once', 'JobTemplate/greet']);
    Object.values(specs).forEach(expectRestricted);
  });

  test('ParallelMatrixJob: the user containers and the cdk8s-batch-cell init container', () => {
    const c = chart();
    new ParallelMatrixJob(c, 'build', {
      metadata: { name: 'build' }, matrix: Matrix.of({ os: ['linux', 'darwin'] }), containers: [main], initContainers: [init],
    });
    const spec = podSpecs(c)['Job/build'];
    expect(spec.initContainers.map((x: any) => x.name)).toEqual(['cdk8s-batch-cell', 'prepare']);
    expectRestricted(spec);
    expect(spec.initContainers[0].securityContext).toEqual({
      ...RESTRICTED_CONTAINER, privileged: false, readOnlyRootFilesystem: true, runAsGroup: 65534, runAsUser: 65534,
    });
  });

  test('ScheduledBatch with a matrix', () => {
    const c = chart();
    new ScheduledBatch(c, 'nightly', {
      metadata: { name: 'nightly' }, schedule: Schedule.cron('0 3 * * *'), matrix: Matrix.count(2), containers: [main],
    });
    expectRestricted(podSpecs(c)['CronJob/nightly']);
  });

  test('a field the user sets is kept as written', () => {
    const c = chart();
    new ScheduledBatch(c, 'report', {
      metadata: { name: 'report' },
      schedule: Schedule.cron('0 3 * * *'),
      containers: [{ ...main, securityContext: { allowPrivilegeEscalation: true, capabilities: { add: [kplus.Capability.NET_BIND_SERVICE] } } }],
    });
    const sc = podSpecs(c)['CronJob/report'].containers[0].securityContext;
    expect(sc.allowPrivilegeEscalation).toBe(true);
    expect(sc.capabilities).toEqual({ add: ['CAP_NET_BIND_SERVICE'], drop: ['ALL'] });
    expect(sc.seccompProfile).toEqual({ type: 'RuntimeDefault' });
  });

  test('PodSecurity.AS_WRITTEN emits cdk8s-plus-27 pods unchanged', () => {
    const c = chart();
    new ScheduledBatch(c, 'report', {
      metadata: { name: 'report' }, schedule: Schedule.cron('0 3 * * *'), containers: [main], podSecurity: PodSecurity.AS_WRITTEN,
    });
    const spec = podSpecs(c)['CronJob/report'];
    expect(spec.securityContext).toEqual({ fsGroupChangePolicy: 'Always', runAsNonRoot: true });
    expect(spec.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true,
    });
  });
});
