/**
 * The BatchController's manifests are accepted by a real kube-apiserver, and a namespace that
 * enforces the `restricted` Pod Security Standard admits its pods.
 */
import { Testing } from 'cdk8s';
import { BatchController } from '../../src';
import { apply, applyServerDryRun, createNamespace, deleteNamespace, getObject } from './support/rig';

test('the BatchController manifests pass server-side dry-run, then apply for real', () => {
  const chart = Testing.chart();
  new BatchController(chart, 'controller', { namespace: 'e2e-batch-system', imageTag: '0.1.0' });
  const objects = Testing.synth(chart);
  expect(objects.length).toBeGreaterThan(8);
  // A dry-run cannot create the namespace that the other objects go into: create it first.
  const clusterFirst = objects.filter((o) => o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition');
  apply(clusterFirst);
  try {
    expect(() => applyServerDryRun(objects.filter((o) => !clusterFirst.includes(o)))).not.toThrow();
    apply(objects);
    for (const o of objects) {
      expect(getObject(o.kind, o.metadata.name, o.metadata.namespace)?.metadata?.uid).toBeDefined();
    }
  } finally {
    deleteNamespace('e2e-batch-system');
  }
});

test('a restricted Pod Security namespace admits the controller pod', async () => {
  const ns = await createNamespace('e2e-psa-ctl', { 'pod-security.kubernetes.io/enforce': 'restricted' });
  try {
    const chart = Testing.chart();
    new BatchController(chart, 'controller', { namespace: ns, createNamespace: false, installCrds: false });
    const deployment = Testing.synth(chart).find((o) => o.kind === 'Deployment');
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'controller', labels: deployment.spec.template.metadata.labels },
      spec: { ...deployment.spec.template.spec, serviceAccountName: 'default' },
    };
    expect(() => applyServerDryRun(pod, ns)).not.toThrow();
    // The same pod with one restricted rule broken is refused: the check is real.
    const rooted = { ...pod, spec: { ...pod.spec, securityContext: { ...pod.spec.securityContext, runAsNonRoot: false, runAsUser: 0 } } };
    expect(() => applyServerDryRun(rooted, ns)).toThrow(/violates PodSecurity "restricted:latest"/);
  } finally {
    deleteNamespace(ns);
  }
});
