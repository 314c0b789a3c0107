/**
 * Every example, synthesized by the library, is accepted by a real kube-apiserver
 * (server-side dry-run with strict field validation) and, applied for real, does what it
 * should: the CRDs install, their CEL rules reject what the options core rejects, and a
 * ScheduledBatch runs a Job to completion through the real CronJob and Job controllers.
 */
import { App, Chart } from 'cdk8s';
import { EXAMPLES } from '../../examples/main';
import { Schedule, ScheduledBatch } from '../../src';
import { installBatchCrds } from './support/crds';
import { synthExample, intoNamespace } from './support/examples';
import { apply, applyServerDryRun, createNamespace, deleteNamespace, getObject, kubectl, listObjects, waitFor } from './support/rig';


beforeAll(async () => {
  await installBatchCrds();
});

describe('the CRDs', () => {
  let ns: string;
  beforeAll(async () => { ns = await createNamespace('e2e-crd'); });
  afterAll(() => deleteNamespace(ns));

  const template = (options: any[]) => ({
    apiVersion: 'cdk8s-batch.dev/v1alpha1',
    kind: 'JobTemplate',
    metadata: { name: 't' },
    spec: { options, template: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'm', image: 'x' }] } } } } },
  });

  test('accept a valid JobTemplate and JobRun', () => {
    expect(() => applyServerDryRun(template([{ type: 'Select', name: 'region', select: { values: ['eu', 'us'], default: 'eu' } }]), ns)).not.toThrow();
    expect(() => applyServerDryRun({
      apiVersion: 'cdk8s-batch.dev/v1alpha1', kind: 'JobRun', metadata: { name: 'r' }, spec: { templateRef: { name: 't' }, values: { region: 'us' } },
    }, ns)).not.toThrow();
  });

  test.each([
    ['a Select default outside its values', [{ type: 'Select', name: 'r', select: { values: ['eu'], default: 'us' } }],
      /select\.default must be one of select\.values/],
    ['a required Bool', [{ type: 'Bool', name: 'b', required: true }], /a Bool option cannot be required/],
    ['settings of another type', [{ type: 'String', name: 's', int: { min: 1 } }], /the "int" settings belong to options of type Int/],
    ['int.min above int.max', [{ type: 'Int', name: 'i', int: { min: 5, max: 1 } }], /int\.min must not be greater than int\.max/],
    ['a bad option name', [{ type: 'String', name: 'a b' }], /spec\.options\[0\]\.name: Invalid value: "a b"/],
  ])('reject %s (CEL or schema)', (_what, options, message) => {
    expect(() => applyServerDryRun(template(options), ns)).toThrow(message);
  });

  test('a JobRun spec cannot change', () => {
    const run = { apiVersion: 'cdk8s-batch.dev/v1alpha1', kind: 'JobRun', metadata: { name: 'once' }, spec: { templateRef: { name: 't' } } };
    apply(run, ns);
    expect(() => apply({ ...run, spec: { templateRef: { name: 'other' } } }, ns))
      .toThrow(/a JobRun is a request for one run; its spec cannot change/);
  });
});

describe.each(Object.keys(EXAMPLES))('example %s', (name) => {
  let ns: string;
  beforeAll(async () => { ns = await createNamespace(`e2e-ex-${name}`.slice(0, 40).replace(/-+$/, '')); });
  afterAll(() => deleteNamespace(ns));

  test('is accepted by server-side dry-run with strict field validation', () => {
    const objects = intoNamespace(synthExample(name), ns);
    expect(objects.length).toBeGreaterThan(0);
    expect(() => applyServerDryRun(objects, ns)).not.toThrow();
  });

  test('applied for real, creates every object', () => {
    const objects = intoNamespace(synthExample(name), ns);
    apply(objects, ns);
    for (const o of objects) {
      expect(getObject(o.kind, o.metadata.name, ns)?.metadata?.name).toBe(o.metadata.name);
    }
  });
});

test('a ScheduledBatch every minute creates a Job whose pod completes on a kwok node', async () => {
  const ns = await createNamespace('e2e-sb');
  try {
    const app = new App();
    const chart = new Chart(app, 'c', { namespace: ns });
    const batch = new ScheduledBatch(chart, 'tick', {
      metadata: { name: 'tick' },
      schedule: Schedule.everyMinute(),
      containers: [{ name: 'main', image: 'registry.example/tick:1.0', args: ['run'] }],
    });
    apply(chart.toJson(), ns);
    const job = await waitFor(() => listObjects('jobs', ns, `cdk8s-batch.dev/workload=${batch.workload.name}`)
      .find((j: any) => (j.status?.conditions ?? []).some((c: any) => c.type === 'Complete' && c.status === 'True')),
    150_000, { intervalMs: 2000, description: 'a completed Job of the ScheduledBatch' });
    expect(job.metadata.ownerReferences[0]).toMatchObject({ kind: 'CronJob', name: 'tick' });
    const pods = listObjects('pods', ns, `batch.kubernetes.io/job-name=${job.metadata.name}`);
    expect(pods.map((p: any) => p.status.phase)).toContain('Succeeded');
    expect(pods[0].metadata.labels['cdk8s-batch.dev/workload']).toBe('tick');
    expect(kubectl(['get', 'cronjob', 'tick', '-n', ns, '-o', 'jsonpath={.status.lastScheduleTime}'])).not.toBe('');
  } finally {
    deleteNamespace(ns);
  }
});
