/**
 * Restricted by default: every example's objects, and a Pod made from every pod template
 * they hold (Pod Security enforces on Pods; it only warns on Jobs, CronJobs and
 * Deployments), are admitted by a real kube-apiserver into a namespace that enforces and
 * warns on the `restricted` profile. `kubectl()` throws on any `Warning:` line, so a
 * `warn: restricted` finding fails the test too.
 */
import { Chart, Testing } from 'cdk8s';
import { EXAMPLES } from '../../examples/main';
import { PodSecurity, ScheduledBatch, Schedule } from '../../src';
import { installBatchCrds } from './support/crds';
import { synthExample, intoNamespace } from './support/examples';
import { applyServerDryRun, createNamespace, deleteNamespace, KubectlError, kubectlWithWarnings, rigKubeconfig } from './support/rig';

const RESTRICTED = {
  'pod-security.kubernetes.io/enforce': 'restricted',
  'pod-security.kubernetes.io/enforce-version': 'latest',
  'pod-security.kubernetes.io/warn': 'restricted',
  'pod-security.kubernetes.io/warn-version': 'latest',
};

/** The pod templates an object holds, by the path of the template. */
function podTemplates(o: any): Array<[string, any]> {
  switch (o.kind) {
    case 'Job':
    case 'Deployment':
      return [['spec.template', o.spec.template]];
    case 'CronJob':
      return [['spec.jobTemplate.spec.template', o.spec.jobTemplate.spec.template]];
    case 'JobTemplate':
      return [['spec.template.spec.template', o.spec.template.spec.template]];
    default:
      return [];
  }
}

/** A Pod with the template's spec, as a Job controller (or the companion controller) would create. */
function podFrom(o: any, path: string, template: any, ns: string): any {
  const name = `${o.kind}-${o.metadata.name}`.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 60).replace(/-+$/, '');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: template.metadata?.labels, annotations: { 'e2e/from': `${o.kind}/${o.metadata.name} ${path}` } },
    spec: template.spec,
  };
}

beforeAll(async () => {
  await installBatchCrds();
  rigKubeconfig();
});

describe.each(Object.keys(EXAMPLES))('example %s in a namespace enforcing Pod Security restricted', (name) => {
  let ns: string;
  beforeAll(async () => { ns = await createNamespace(`e2e-psa-${name}`.slice(0, 40).replace(/-+$/, ''), RESTRICTED); });
  afterAll(() => deleteNamespace(ns));

  test('every object is admitted with no warning (server-side dry-run)', () => {
    const objects = intoNamespace(synthExample(name), ns);
    expect(() => applyServerDryRun(objects, ns)).not.toThrow();
  });

  test('a Pod from every pod template is admitted (enforce: restricted)', () => {
    const objects = intoNamespace(synthExample(name), ns);
    const pods = objects.flatMap((o) => podTemplates(o).map(([path, t]) => podFrom(o, path, t, ns)));
    expect(pods.length).toBeGreaterThan(0);
    for (const pod of pods) {
      expect(() => applyServerDryRun(pod, ns)).not.toThrow();
    }
  });
});

describe('the opt-out', () => {
  let ns: string;
  beforeAll(async () => { ns = await createNamespace('e2e-psa-optout', RESTRICTED); });
  afterAll(() => deleteNamespace(ns));

  /** The CronJob's pod as written by cdk8s-plus-27 alone, and with the library's defaults. */
  function podOf(podSecurity: PodSecurity | undefined): any {
    const app = Testing.app();
    const chart = new Chart(app, 'optout');
    new ScheduledBatch(chart, 'nightly', {
      schedule: Schedule.cron('0 3 * * *'),
      podSecurity,
      containers: [{ image: 'busybox:1.36.1', command: ['true'], securityContext: { user: 65534, group: 65534 } }],
    });
    const cronJob = chart.toJson().find((o: any) => o.kind === 'CronJob');
    return podFrom(cronJob, 'spec.jobTemplate.spec.template', cronJob.spec.jobTemplate.spec.template, ns);
  }

  test('PodSecurity.AS_WRITTEN emits a pod that restricted rejects, naming what is missing', () => {
    let error: unknown;
    try {
      applyServerDryRun(podOf(PodSecurity.AS_WRITTEN), ns);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KubectlError);
    const message = (error as Error).message;
    expect(message).toMatch(/violates PodSecurity "restricted:latest"/);
    expect(message).toMatch(/unrestricted capabilities/);
    expect(message).toMatch(/seccompProfile/);
  });

  test('the default emits a pod that restricted admits with no warning', () => {
    const { warnings } = kubectlWithWarnings([
      'apply', '--server-side', '--dry-run=server', '-n', ns, '-f', '-',
    ], { input: JSON.stringify(podOf(undefined)) });
    expect(warnings).toEqual([]);
  });
});
