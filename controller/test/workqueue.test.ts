import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeClock, flush } from './support/fake-clock';
import { backoffDelay, MAX_TIMER_MS, systemClock } from '../src/runtime/clock';
import { Controller } from '../src/runtime/controller';
import { Metrics } from '../src/runtime/metrics';
import { WorkQueue } from '../src/runtime/workqueue';

describe('WorkQueue', () => {
  test('dedups a key that is waiting', async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add('a');
    q.add('b');
    q.add('a');
    assert.equal(q.length, 2);
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), 'b');
  });

  test('never hands a key to two workers; an add while processing re-queues it once after done()', async () => {
    const q = new WorkQueue({ clock: new FakeClock() });
    q.add('a');
    const key = await q.get();
    q.add('a');
    q.add('a');
    assert.equal(q.length, 0, 'held back while in flight');
    let second: string | undefined;
    void q.get().then((k) => (second = k));
    await flush();
    assert.equal(second, undefined);
    q.done(key!);
    await flush();
    assert.equal(second, 'a');
    q.done('a');
    assert.equal(q.length, 0);
  });

  test('addAfter: fires at the time; the earliest pending time wins', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    q.addAfter('a', 10_000);
    q.addAfter('a', 5_000);
    q.addAfter('a', 20_000);
    await clock.advance(4_999);
    assert.equal(q.length, 0);
    await clock.advance(1);
    assert.equal(q.length, 1);
    await clock.advance(60_000);
    assert.equal(q.length, 1, 'the later timers were dropped');
  });

  test('rate-limited retries grow exponentially per key, are capped, and reset by forget()', () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock, baseDelayMs: 100, maxDelayMs: 1000, jitter: 0 });
    assert.deepEqual([1, 2, 3, 4, 5, 6].map(() => q.addRateLimited('a')), [100, 200, 400, 800, 1000, 1000]);
    assert.equal(q.addRateLimited('b'), 100, 'per key');
    assert.equal(q.retries('a'), 6);
    q.forget('a');
    assert.equal(q.addRateLimited('a'), 100);
  });

  test('the system clock does not fire delays beyond setTimeout\'s 24.8-day limit at once', async () => {
    let fired = false;
    const timer = systemClock.setTimer(MAX_TIMER_MS * 3, () => (fired = true));
    await new Promise((r) => setTimeout(r, 20));
    timer.cancel();
    assert.equal(fired, false);
  });

  test('backoffDelay jitter stays within bounds', () => {
    for (const r of [0, 0.5, 1]) {
      const d = backoffDelay(3, 100, 10_000, 0.2, () => r);
      assert.ok(d >= 640 && d <= 960, `${d}`);
    }
    assert.ok(backoffDelay(100, 100, 1000, 0.2, () => 1) <= 1200);
  });

  test('shutDown releases waiting workers and drops further adds', async () => {
    const clock = new FakeClock();
    const q = new WorkQueue({ clock });
    const waiting = q.get();
    q.addAfter('x', 1000);
    q.shutDown();
    assert.equal(await waiting, undefined);
    q.add('y');
    await clock.advance(2000);
    assert.equal(q.length, 0);
    assert.equal(await q.get(), undefined);
  });
});

describe('Controller', () => {
  test('runs a key on one worker at a time, requeues after, retries errors with backoff, counts metrics', async () => {
    const clock = new FakeClock();
    const metrics = new Metrics();
    const seen: string[] = [];
    let concurrent = 0;
    let maxConcurrent = 0;
    let fail = 2;
    const controller = new Controller({
      name: 'test',
      async reconcile(key) {
        concurrent++;
        maxConcurrent = Math.max(maxConcurrent, concurrent);
        seen.push(key);
        await flush(2);
        concurrent--;
        if (key === 'bad' && fail-- > 0) throw new Error('boom');
        return key === 'timer' ? { requeueAfterMs: 60_000 } : undefined;
      },
    }, { workers: 4, clock, metrics, retryBaseMs: 100, retryMaxMs: 1000 });
    controller.start();
    controller.enqueue('a');
    controller.enqueue('a');
    controller.enqueue('bad');
    controller.enqueue('timer');
    await flush(20);
    // The first add went straight to an idle worker; the second arrived while it ran, so
    // 'a' ran once more afterwards (never concurrently).
    assert.equal(seen.filter((k) => k === 'a').length, 2);
    controller.enqueue('a');
    await flush(20);
    assert.equal(seen.filter((k) => k === 'a').length, 3);
    assert.ok(maxConcurrent <= 3);
    await clock.advance(150); // first retry after 100 ms (±10% jitter)
    await clock.advance(250); // second after 200 ms
    assert.equal(seen.filter((k) => k === 'bad').length, 3);
    assert.equal(seen.filter((k) => k === 'timer').length, 1);
    await clock.advance(60_000);
    assert.equal(seen.filter((k) => k === 'timer').length, 2);
    const errors = await metrics.registry.getSingleMetricAsString('cdk8s_batch_reconcile_errors_total');
    assert.match(errors, /controller="test"} 2/);
    const hist = await metrics.registry.getSingleMetricAsString('cdk8s_batch_reconcile_duration_seconds');
    assert.match(hist, /cdk8s_batch_reconcile_duration_seconds_count{controller="test"} \d+/);
    assert.equal(await controller.stop(1000), true);
  });
});
