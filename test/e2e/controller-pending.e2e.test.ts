/**
 * The controller's pending timeout on the real control plane: a pod that no node can take
 * (a nodeSelector no kwok node has) stays Pending; after the Job's
 * `cdk8s-batch.dev/pending-timeout-seconds` the controller marks it Failed through the
 * pods/status subresource, and Kubernetes' Job controller counts that as a failed attempt.
 */
import { ControllerProcess, deleteControllerRbac, clusterEvents } from './controller-process';
import { apply, createNamespace, deleteNamespace, getObject, listObjects, waitFor } from './support/rig';

function stuckJob(name: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      labels: { 'cdk8s-batch.dev/workload': name },
      annotations: { 'cdk8s-batch.dev/pending-timeout-seconds': '3' },
    },
    spec: {
      backoffLimit: 1, // two attempts
      ...extra,
      template: {
        metadata: { labels: { 'cdk8s-batch.dev/workload': name } },
        spec: {
          restartPolicy: 'Never',
          nodeSelector: { 'e2e.cdk8s-batch.dev/no-such-node': 'true' },
          containers: [{ name: 'main', image: 'registry.example/batch/worker:1.0' }],
        },
      },
    },
  };
}

const condition = (obj: any, type: string) => (obj?.status?.conditions ?? []).find((c: any) => c.type === type && c.status === 'True');

describe('controller: pending timeout', () => {
  let ns: string;
  let controller: ControllerProcess | undefined;
  beforeAll(async () => {
    ns = await createNamespace('e2e-ctl-pending');
  });
  afterAll(async () => {
    await controller?.stop();
    deleteControllerRbac(ns);
    deleteNamespace(ns);
  });

  test('an unschedulable pod is failed after the timeout and counts as one attempt each time', async () => {
    controller = await ControllerProcess.start({ namespace: ns, identity: 'ctl-pending' });
    await waitFor(() => controller!.isLeader(), 30_000, { description: 'controller leads' });
    apply(stuckJob('stuck'), ns);
    // With a pod failure rule on the controller's condition, the first timeout fails the Job.
    apply(stuckJob('fail-fast', {
      backoffLimit: 5,
      podFailurePolicy: { rules: [{ action: 'FailJob', onPodConditions: [{ type: 'cdk8s-batch.dev/PendingTimeout' }] }] },
    }), ns);

    // First attempt: Pending, then Failed by the controller; the Job records one failure.
    const first = await waitFor(() => {
      const pods = listObjects('pods', ns, 'batch.kubernetes.io/job-name=stuck');
      return pods.find((p) => p.status.phase === 'Failed');
    }, 30_000, { description: 'first pod failed' });
    expect(first.status.reason).toBe('PendingTimeout');
    expect(first.spec.nodeName).toBeUndefined(); // never scheduled
    const pendingFor = (Date.parse(condition(first, 'cdk8s-batch.dev/PendingTimeout').lastTransitionTime)
      - Date.parse(first.metadata.creationTimestamp)) / 1000;
    expect(pendingFor).toBeGreaterThanOrEqual(3);
    expect(pendingFor).toBeLessThan(8);
    expect(condition(first, 'PodScheduled')).toBeUndefined(); // it stays False (Unschedulable), kept in the list
    expect(first.status.conditions.map((c: any) => c.type)).toContain('PodScheduled');

    await waitFor(() => getObject('job', 'stuck', ns)?.status?.failed === 1, 30_000, { description: 'Job counts 1 failure' });
    // The Job controller replaces the pod (after its back-off) and the second attempt times out too.
    const job = await waitFor(() => {
      const j = getObject('job', 'stuck', ns);
      return condition(j, 'Failed') ? j : undefined;
    }, 90_000, { description: 'Job Failed after its second attempt', intervalMs: 1000 });
    expect(job.status.failed).toBe(2);
    expect(condition(job, 'Failed').reason).toBe('BackoffLimitExceeded');
    const pods = listObjects('pods', ns, 'batch.kubernetes.io/job-name=stuck');
    expect(pods).toHaveLength(2);
    expect(pods.every((p) => p.status.phase === 'Failed' && p.status.reason === 'PendingTimeout')).toBe(true);

    const events = clusterEvents(ns, 'PendingTimeout').filter((e) => e.involvedObject.name === 'stuck');
    expect(events).toHaveLength(2);
    expect(events[0].type).toBe('Warning');
    expect(events[0].involvedObject.kind).toBe('Job');
    expect(events[0].message).toMatch(/Pod stuck-\w+ was Pending for \d+ s \(pending timeout 3 s\): marked it Failed, which counts as one failed attempt \(backoffLimit 1\)/);

    const failFast = await waitFor(() => {
      const j = getObject('job', 'fail-fast', ns);
      return condition(j, 'Failed') ? j : undefined;
    }, 30_000, { description: 'fail-fast Job Failed' });
    expect(condition(failFast, 'Failed').reason).toBe('PodFailurePolicy');
    expect(failFast.status.failed).toBe(1);
    expect(await controller.metric('cdk8s_batch_pending_timeout_failures_total', { namespace: ns })).toBe(3);
  });
});
