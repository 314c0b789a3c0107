/**
 * Retry delay on the real control plane and the real node: a BatchJob with `maxAttempts: 3`
 * and `retryDelay: 30s` whose container always exits 3. Every pod is created behind the
 * `cdk8s-batch.dev/retry-delay` scheduling gate; the controller (least-privilege RBAC, as
 * the BatchController emits it) releases the first at once and each retry 30 s after its
 * predecessor's container finished. Asserted from what the cluster keeps: the container's
 * `finishedAt`, the pod's `PodScheduled` condition (the scheduler binds the pod as soon as
 * the gate is gone), the controller's `retry-released-at` annotation and Events.
 *
 * The delay is 30 s so that it is longer than Kubernetes' own back-off before it creates the
 * retry (10 s, then 20 s): the Job controller creates each retry early and the gate holds it,
 * which is what the test shows. The Job also has a 15 s pending timeout: shorter than the
 * delay, so had gated time counted as Pending, the retries would have been failed with
 * `PendingTimeout` instead of running.
 */
import { Duration, Testing } from 'cdk8s';
import { ControllerProcess, controllerTestChart, deleteControllerRbac, clusterEvents } from './controller-process';
import { BUSYBOX_IMAGE, jobPods, onRealNode, waitForJobFinished } from './support/real-node';
import { apply, createNamespace, deleteNamespace, waitFor } from './support/rig';
import { BatchJob } from '../../src';

const DELAY_S = 30;
/**
 * How late a retry may start after its delay: timestamps are whole seconds (finishedAt and
 * the condition time are both truncated: up to 1 s), plus the controller's timer and the
 * scheduler on a loaded 2-core machine. docs/retry-delay.md states the same bound.
 */
const SLACK_S = 3;

const condition = (obj: any, type: string) => (obj?.status?.conditions ?? []).find((c: any) => c.type === type && c.status === 'True');
const seconds = (a: string, b: string) => (Date.parse(b) - Date.parse(a)) / 1000;

function flakyJob(name: string): any[] {
  const chart = controllerTestChart();
  new BatchJob(chart, name, {
    metadata: { name },
    maxAttempts: 3,
    retryDelay: Duration.seconds(DELAY_S),
    pendingTimeout: Duration.seconds(15),
    containers: [{ name: 'main', image: BUSYBOX_IMAGE, command: ['sh', '-c', 'echo failing on purpose; exit 3'] }],
  });
  const objects = Testing.synth(chart);
  const job = objects.find((o) => o.kind === 'Job');
  expect(job.spec.backoffLimit).toBe(2);
  expect(job.spec.template.spec.schedulingGates).toEqual([{ name: 'cdk8s-batch.dev/retry-delay' }]);
  return onRealNode(objects);
}

describe('controller: retry delay', () => {
  let ns: string;
  let controller: ControllerProcess | undefined;
  beforeAll(async () => {
    ns = await createNamespace('e2e-ctl-retry', { 'pod-security.kubernetes.io/enforce': 'restricted' });
  });
  afterAll(async () => {
    await controller?.stop();
    deleteControllerRbac(ns);
    deleteNamespace(ns);
  });

  test('3 attempts exactly, each retry started the delay after the previous failure (not before, at most slack later)', async () => {
    controller = await ControllerProcess.start({ namespace: ns, identity: 'ctl-retry' });
    await waitFor(() => controller!.isLeader(), 30_000, { description: 'controller leads' });
    apply(flakyJob('flaky'), ns);

    const job = await waitForJobFinished(ns, 'flaky', 240_000);
    expect(condition(job, 'Failed').reason).toBe('BackoffLimitExceeded');
    expect(job.status.failed).toBe(3);
    expect(job.status.succeeded ?? 0).toBe(0);

    const pods = jobPods(ns, 'flaky').sort((a, b) => Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp));
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      // Failed by its own exit code, never by the pending timeout: gated time is not Pending time.
      expect(p.status.phase).toBe('Failed');
      expect(p.status.reason).toBeUndefined();
      expect(p.status.containerStatuses[0].state.terminated.exitCode).toBe(3);
      expect(condition(p, 'cdk8s-batch.dev/PendingTimeout')).toBeUndefined();
      // Released by the controller: the gate is gone, the release time recorded.
      expect(p.spec.schedulingGates).toBeUndefined();
      expect(p.metadata.annotations['cdk8s-batch.dev/retry-released-at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(p.metadata.annotations['cdk8s-batch.dev/retry-delay-seconds']).toBe(String(DELAY_S));
    }
    const scheduled = (p: any) => condition(p, 'PodScheduled').lastTransitionTime as string;
    const finished = (p: any) => p.status.containerStatuses[0].state.terminated.finishedAt as string;

    // The first attempt: released at once.
    expect(seconds(pods[0].metadata.creationTimestamp, scheduled(pods[0]))).toBeLessThanOrEqual(SLACK_S);

    const gaps: string[] = [];
    for (const i of [1, 2]) {
      const failedAt = finished(pods[i - 1]);
      const gap = seconds(failedAt, scheduled(pods[i]));
      const released = seconds(failedAt, pods[i].metadata.annotations['cdk8s-batch.dev/retry-released-at']);
      gaps.push(`attempt ${i + 1}: created ${seconds(failedAt, pods[i].metadata.creationTimestamp)} s, released ${released} s, scheduled ${gap} s after the failure`);
      // The Job controller created the retry before the delay had passed (its back-off is 10 s, 20 s): the gate held it.
      expect(Date.parse(pods[i].metadata.creationTimestamp)).toBeLessThan(Date.parse(failedAt) + DELAY_S * 1000);
      expect(released).toBeGreaterThanOrEqual(DELAY_S);
      expect(gap).toBeGreaterThanOrEqual(DELAY_S);
      expect(gap).toBeLessThanOrEqual(DELAY_S + SLACK_S);
    }
    // eslint-disable-next-line no-console
    console.log(`retry delay ${DELAY_S} s: ${gaps.join('; ')}`);

    const events = clusterEvents(ns, 'RetryDelayed');
    expect(events).toHaveLength(2);
    expect(events.every((e) => e.type === 'Normal' && e.involvedObject.kind === 'Pod')).toBe(true);
    expect(events.map((e) => e.message).join('\n')).toMatch(/Started the next attempt of Job flaky 3\d s after the failure at .* \(retry delay 30 s, cdk8s-batch.dev\/retry-delay-seconds\)/);
    expect(await controller.metric('cdk8s_batch_retry_delay_releases_total', { namespace: ns, delayed: 'true' })).toBe(2);
    expect(await controller.metric('cdk8s_batch_retry_delay_releases_total', { namespace: ns, delayed: 'false' })).toBe(1);
  }, 300_000);
});
