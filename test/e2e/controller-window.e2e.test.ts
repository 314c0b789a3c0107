/**
 * The controller's run window on the real control plane, on ScheduledBatch's own CronJobs:
 * it suspends a CronJob outside `[notBefore, notAfter)`, resumes it when the window opens,
 * suspends it again when the window ends, and keeps a user's own suspension inside the window.
 * When each change happened is read afterwards from the controller's Events (`eventTime`,
 * microseconds), not from how fast a poll noticed it.
 */
import { Testing } from 'cdk8s';
import { clusterEvents, ControllerProcess, controllerTestChart, deleteControllerRbac } from './controller-process';
import { apply, createNamespace, deleteNamespace, getObject, waitFor } from './support/rig';
import { Schedule, ScheduledBatch } from '../../src';

const MARKER = 'cdk8s-batch.dev/window-suspended';
/**
 * How late the controller may act after a window boundary: it sets a timer for the boundary
 * (no polling), so this is room for a starved CPU, not a polling period.
 */
const BOUNDARY_SLACK_MS = 10_000;

function windowCronJob(name: string, notBefore: Date, notAfter: Date, suspend = false): any[] {
  const chart = controllerTestChart();
  new ScheduledBatch(chart, name, {
    metadata: { name },
    schedule: Schedule.cron('0 0 1 1 *'),
    notBefore,
    notAfter,
    suspend,
    containers: [{ name: 'main', image: 'registry.example/batch/worker:1.0' }],
  });
  return Testing.synth(chart);
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
    await waitFor(() => controller!.isLeader(), 60_000, { description: 'controller leads' });
    const t0 = Date.now();
    const opens = new Date(t0 + 20_000);
    const closes = new Date(t0 + 40_000);
    const [windowed] = windowCronJob('windowed', opens, closes);
    expect(windowed.spec).toMatchObject({ suspend: false, startingDeadlineSeconds: 60 });
    apply(windowed, ns);
    // Inside its window from the start, and paused by its owner (suspend: true).
    apply(windowCronJob('paused', new Date(t0 - 60_000), closes, true), ns);

    // The end state lasts: suspended again, by the controller, for the window's end.
    const ended = await waitFor(() => {
      const c = cron('windowed', ns);
      return c.metadata.annotations?.[MARKER] === 'not-after' ? c : undefined;
    }, 120_000, { description: 'suspended when the window ends', intervalMs: 500 });
    expect(ended.spec.suspend).toBe(true);

    // The controller's record of what it did and when.
    const events = clusterEvents(ns).filter((e) => e.involvedObject.name === 'windowed')
      .sort((a, b) => Date.parse(a.eventTime!) - Date.parse(b.eventTime!));
    expect(events.map((e) => e.reason)).toEqual(['SuspendedOutsideWindow', 'ResumedInsideWindow', 'SuspendedOutsideWindow']);
    const [suspended, resumed, suspendedAgain] = events.map((e) => Date.parse(e.eventTime!));
    expect(suspended).toBeLessThan(opens.getTime());
    expect(resumed).toBeGreaterThanOrEqual(opens.getTime());
    expect(resumed - opens.getTime()).toBeLessThan(BOUNDARY_SLACK_MS);
    expect(suspendedAgain).toBeGreaterThanOrEqual(closes.getTime());
    expect(suspendedAgain - closes.getTime()).toBeLessThan(BOUNDARY_SLACK_MS);

    // The paused CronJob was never touched: still suspended, no marker, no Events.
    const paused = cron('paused', ns);
    expect(paused.spec.suspend).toBe(true);
    expect(paused.metadata.annotations[MARKER]).toBeUndefined();
    expect(clusterEvents(ns).filter((e) => e.involvedObject.name === 'paused')).toEqual([]);
    expect(await controller.metric('cdk8s_batch_window_suspensions_total', { namespace: ns })).toBe(2);
    expect(await controller.metric('cdk8s_batch_window_resumptions_total', { namespace: ns })).toBe(1);
  });
});
