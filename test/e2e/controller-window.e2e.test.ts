/**
 * The controller's run window on the real control plane: it suspends a CronJob outside
 * `[not-before, not-after)`, resumes it when the window opens, suspends it again when the
 * window ends, and keeps a user's own suspension inside the window.
 */
import { ControllerProcess, deleteControllerRbac, clusterEvents, mergePatch, sleep } from './controller-process';
import { apply, createNamespace, deleteNamespace, getObject, waitFor } from './support/rig';

const MARKER = 'cdk8s-batch.dev/window-suspended';

function windowCronJob(name: string, notBefore: Date, notAfter: Date) {
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: {
      name,
      labels: { 'cdk8s-batch.dev/workload': name },
      annotations: {
        'cdk8s-batch.dev/not-before': notBefore.toISOString(),
        'cdk8s-batch.dev/not-after': notAfter.toISOString(),
      },
    },
    spec: {
      schedule: '0 0 1 1 *',
      startingDeadlineSeconds: 60, // what ScheduledBatch emits with a run window
      suspend: false,
      jobTemplate: {
        spec: {
          template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'registry.example/batch/worker:1.0' }] } },
        },
      },
    },
  };
}

const cron = (name: string, ns: string) => getObject('cronjob', name, ns);

describe('controller: run window', () => {
  let ns: string;
  let controller: ControllerProcess | undefined;
  beforeAll(async () => {
    ns = await createNamespace('e2e-ctl-window');
  });
  afterAll(async () => {
    await controller?.stop();
    deleteControllerRbac(ns);
    deleteNamespace(ns);
  });

  test('suspends a CronJob before its window, resumes it when it opens, suspends it when it ends; a manual suspend is kept', async () => {
    controller = await ControllerProcess.start({ namespace: ns, identity: 'ctl-window' });
    await waitFor(() => controller!.isLeader(), 30_000, { description: 'controller leads' });
    const t0 = Date.now();
    const opens = new Date(t0 + 12_000);
    const closes = new Date(t0 + 24_000);
    apply(windowCronJob('windowed', opens, closes), ns);
    // Inside its window from the start; the user pauses it by hand.
    apply(windowCronJob('paused', new Date(t0 - 60_000), closes), ns);
    mergePatch('cronjob', 'paused', ns, { spec: { suspend: true } });

    const before = await waitFor(() => {
      const c = cron('windowed', ns);
      return c.spec.suspend === true ? c : undefined;
    }, 10_000, { description: 'suspended before the window' });
    expect(before.metadata.annotations[MARKER]).toBe('not-before');
    expect(Date.now()).toBeLessThan(opens.getTime());

    const resumed = await waitFor(() => {
      const c = cron('windowed', ns);
      return c.spec.suspend === false ? c : undefined;
    }, 30_000, { description: 'resumed when the window opens', intervalMs: 200 });
    const resumedAt = Date.now();
    expect(resumedAt).toBeGreaterThanOrEqual(opens.getTime());
    expect(resumedAt - opens.getTime()).toBeLessThan(3_000); // a requeue timer, not polling
    expect(resumed.metadata.annotations[MARKER]).toBeUndefined();

    const ended = await waitFor(() => {
      const c = cron('windowed', ns);
      return c.spec.suspend === true ? c : undefined;
    }, 30_000, { description: 'suspended when the window ends', intervalMs: 200 });
    expect(Date.now()).toBeGreaterThanOrEqual(closes.getTime());
    expect(Date.now() - closes.getTime()).toBeLessThan(3_000);
    expect(ended.metadata.annotations[MARKER]).toBe('not-after');

    const reasons = clusterEvents(ns).filter((e) => e.involvedObject.name === 'windowed').map((e) => e.reason);
    expect(reasons).toEqual(expect.arrayContaining(['SuspendedOutsideWindow', 'ResumedInsideWindow']));
    expect(reasons.filter((r) => r === 'SuspendedOutsideWindow')).toHaveLength(2);
    expect(reasons).not.toContain('NoStartingDeadline');

    // The manually paused CronJob was never touched: still suspended, no marker, no Events.
    await sleep(1_000);
    const paused = cron('paused', ns);
    expect(paused.spec.suspend).toBe(true);
    expect(paused.metadata.annotations[MARKER]).toBeUndefined();
    expect(clusterEvents(ns).filter((e) => e.involvedObject.name === 'paused')).toEqual([]);
    expect(await controller.metric('cdk8s_batch_window_suspensions_total', { namespace: ns })).toBe(2);
    expect(await controller.metric('cdk8s_batch_window_resumptions_total', { namespace: ns })).toBe(1);
  });
});
