/**
 * A controller manager on the fake API and a fake clock, with the real `ListWatch`
 * (src/kube/informer.ts) as the informer (fed by the fake's watch). What the tests see is what the binary does,
 * minus HTTP.
 */
import { FakeApi } from './fake-api';
import { FakeClock, flush } from './fake-clock';
import { ListWatch, withBookmarks } from '../../src/kube/informer';
import { KubeObject, resourcePath } from '../../src/kube/types';
import { ListWatchFactory, Manager, ManagerOptions } from '../../src/manager';
import { jsonLogger, Logger, nullLogger } from '../../src/runtime/log';

/** The controller's ListWatch over the fake API. */
export async function fakeListWatch(api: FakeApi): Promise<ListWatchFactory> {
  const watch = api.watcher();
  return (rt, sel, list, onBookmark) => new ListWatch(
    resourcePath(rt, sel.namespace),
    withBookmarks(watch, onBookmark ?? (() => undefined)),
    list ?? (() => api.list(rt, sel)),
    sel.labelSelector,
    sel.fieldSelector,
  );
}

/** Logs to stderr when CONTROLLER_TEST_LOGS=1, else nowhere. */
export function testLogger(clock: FakeClock): Logger {
  return process.env.CONTROLLER_TEST_LOGS === '1'
    ? jsonLogger({ level: 'debug', now: () => clock.now(), write: (l) => process.stderr.write(l + '\n') })
    : nullLogger;
}

export interface Harness {
  readonly api: FakeApi;
  readonly clock: FakeClock;
  readonly manager: Manager;
  /** Runs until every queue is empty and no reconcile is in flight (no time passes). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export async function settle(managers: Manager[]): Promise<void> {
  for (let quiet = 0, i = 0; quiet < 3 && i < 10_000; i++) {
    await flush(5);
    const busy = managers.some((m) => m.controllers.some((c) => c.isStarted && (c.queue.length > 0 || c.queue.inFlight > 0)));
    quiet = busy ? 0 : quiet + 1;
  }
}

export interface HarnessOptions extends Partial<ManagerOptions> {
  readonly api?: FakeApi;
  readonly clock?: FakeClock;
  /** Wait until reconcilers run (default true). */
  readonly waitForLeader?: boolean;
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const clock = options.clock ?? new FakeClock();
  const api = options.api ?? new FakeApi(clock);
  const manager = new Manager({
    api,
    listWatch: await fakeListWatch(api),
    identity: 'test-controller',
    clock,
    log: testLogger(clock),
    retryBaseMs: 10,
    retryMaxMs: 1000,
    ...options,
  });
  await manager.start();
  if (options.waitForLeader !== false) {
    for (let i = 0; i < 200 && !manager.isLeader; i++) await flush(5);
    if (!manager.isLeader) throw new Error('the manager did not start its reconcilers');
  }
  const h: Harness = {
    api,
    clock,
    manager,
    settle: () => settle([manager]),
    stop: () => manager.stop(),
  };
  await h.settle();
  return h;
}

export function meta(obj: KubeObject): string {
  return `${obj.metadata.namespace}/${obj.metadata.name}`;
}
