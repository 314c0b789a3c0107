/**
 * The controller's pending timeout on the real control plane: a pod that no node can take
 * (a nodeSelector no kwok node has) stays Pending; after the Job's
 * `cdk8s-batch.dev/pending-timeout-seconds` the controller marks it Failed through the
 * pods/status subresource, and Kubernetes' Job controller counts that as a failed attempt.
 */
import { Duration, JsonPatch, Testing } from 'cdk8s';
import { ControllerProcess, controllerTestChart, deleteControllerRbac, clusterEvents } from './controller-process';
import { apply, createNamespace, deleteNamespace, getObject, listObjects, waitFor } from './support/rig';
import { ParameterizedJob, PodFailureAction, PodFailureRule, RunKind } from '../../src';

/** How late the controller may fail a pod after its timeout: room for a starved CPU (it sets a timer, no polling). */
const TIMEOUT_SLACK_S = 20;

/**
 * A run-once Job of a ParameterizedJob with a 3 s pending timeout, as the library emits it;
 * the test pins its pod to a node that does not exist (the escape hatch a user would use).
 */
function stuckJob(name: string, props: { maxAttempts: number; podFailureRules?: PodFailureRule[] }): any {
  const chart = controllerTestChart();
  const workload = new ParameterizedJob(chart, name, {
    metadata: { name },
    pendingTimeout: Duration.seconds(3),
    maxAttempts: props.maxAttempts,
    podFailureRules: props.podFailureRules,
    containers: [{ name: 'main', image: 'registry.example/batch/worker:1.0' }],
  });
  workload.addRun('run', { kind: RunKind.JOB, name })
    .addJsonPatch(JsonPatch.add('/spec/template/spec/nodeSelector', { 'e2e.cdk8s-batch.dev/no-such-node': 'true' }));
  const job = Testing.synth(chart).find((o) => o.kind === 'Job');
  expect(job.metadata.annotations['cdk8s-batch.dev/pending-timeout-seconds']).toBe('3');
  return job;
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
    apply(stuckJob('stuck', { maxAttempts: 2 }), ns);
    // With a pod failure rule on the controller's condition, the first timeout fails the Job.
    apply(stuckJob('fail-fast', {
      maxAttempts: 6,
      podFailureRules: [PodFailureRule.onPodConditions({ action: PodFailureAction.FAIL_JOB, conditions: [{ type: 'cdk8s-batch.dev/PendingTimeout' }] })],
    }), ns);

    // Each attempt: Pending, then Failed by the controller, which the Job counts as a failure.
    const job = await waitFor(() => {
      const j = getObject('job', 'stuck', ns);
      return condition(j, 'Failed') ? j : undefined;
    }, 180_000, { description: 'Job Failed after its second attempt', intervalMs: 1000 });
    expect(job.status.failed).toBe(2);
    expect(condition(job, 'Failed').reason).toBe('BackoffLimitExceeded');
    const pods = listObjects('pods', ns, 'batch.kubernetes.io/job-name=stuck')
      .sort((a, b) => Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp));
    expect(pods).toHaveLength(2);
    expect(pods.every((p) => p.status.phase === 'Failed' && p.status.reason === 'PendingTimeout')).toBe(true);
    const first = pods[0];
    expect(first.status.reason).toBe('PendingTimeout');
    expect(first.spec.nodeName).toBeUndefined(); // never scheduled
    const pendingFor = (Date.parse(condition(first, 'cdk8s-batch.dev/PendingTimeout').lastTransitionTime)
      - Date.parse(first.metadata.creationTimestamp)) / 1000;
    // Never before the timeout; late only by a starved CPU (timestamps have whole seconds).
    expect(pendingFor).toBeGreaterThanOrEqual(3);
    expect(pendingFor).toBeLessThan(3 + TIMEOUT_SLACK_S);
    expect(condition(first, 'PodScheduled')).toBeUndefined(); // it stays False (Unschedulable), kept in the list
    expect(first.status.conditions.map((c: any) => c.type)).toContain('PodScheduled');

    const events = clusterEvents(ns, 'PendingTimeout').filter((e) => e.involvedObject.name === 'stuck');
    expect(events).toHaveLength(2);
    expect(events[0].type).toBe('Warning');
    expect(events[0].involvedObject.kind).toBe('Job');
    expect(events[0].message).toMatch(/Pod stuck-\w+ was Pending for \d+ s \(pending timeout 3 s\): marked it Failed, which counts as one failed attempt \(backoffLimit 1\)/);

    const failFast = await waitFor(() => {
      const j = getObject('job', 'fail-fast', ns);
      return condition(j, 'Failed') ? j : undefined;
    }, 120_000, { description: 'fail-fast Job Failed' });
    expect(condition(failFast, 'Failed').reason).toBe('PodFailurePolicy');
    expect(failFast.status.failed).toBe(1);
    expect(await controller.metric('cdk8s_batch_pending_timeout_failures_total', { namespace: ns })).toBe(3);
  });
});
