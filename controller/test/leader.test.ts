import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FakeApi } from './support/fake-api';
import { FakeClock, flush } from './support/fake-clock';
import { ApiError, KubeApi } from '../src/kube/api';
import { Lease, LEASES } from '../src/kube/types';
import { LeaderElector } from '../src/kube/leader';

const NS = 'cdk8s-batch';
const NAME = 'cdk8s-batch-controller';

/** Wraps the fake API so one candidate can lose its connection. */
function flaky(api: FakeApi): KubeApi & { down: boolean } {
  const wrapper = {
    down: false,
    check() {
      if (wrapper.down) throw new ApiError(0, 'connect ETIMEDOUT');
    },
  };
  const proxy = new Proxy(api, {
    get(target, prop, receiver) {
      if (prop === 'down') return wrapper.down;
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        wrapper.check();
        return value.apply(target, args);
      };
    },
    set(_target, prop, value) {
      if (prop === 'down') {
        wrapper.down = value;
        return true;
      }
      return false;
    },
  });
  return proxy as unknown as KubeApi & { down: boolean };
}

function candidate(api: KubeApi, clock: FakeClock, identity: string) {
  const elector = new LeaderElector({ api, namespace: NS, name: NAME, identity, clock });
  const state = { started: 0, stopped: 0, leaders: [] as string[] };
  const abort = new AbortController();
  const done = elector.run(abort.signal, {
    onStartedLeading: () => state.started++,
    onStoppedLeading: () => state.stopped++,
    onNewLeader: (id) => state.leaders.push(id),
  });
  return { elector, state, abort, done };
}

const lease = (api: FakeApi) => api.object<Lease>(LEASES, NS, NAME)!;

describe('LeaderElector', () => {
  test('creates the Lease, leads, and renews it every retry period', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const a = candidate(api, clock, 'a');
    await flush();
    assert.equal(a.elector.isLeader, true);
    assert.equal(a.state.started, 1);
    const l = lease(api);
    assert.equal(l.spec!.holderIdentity, 'a');
    assert.equal(l.spec!.leaseDurationSeconds, 15);
    assert.equal(l.spec!.leaseTransitions, 0);
    assert.match(l.spec!.renewTime!, /^2026-01-05T10:00:00\.000000Z$/);
    await clock.advance(2_000);
    assert.match(lease(api).spec!.renewTime!, /^2026-01-05T10:00:02\.000000Z$/);
    a.abort.abort();
    await a.done;
  });

  test('only one of two simultaneous candidates wins', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const a = candidate(api, clock, 'a');
    const b = candidate(api, clock, 'b');
    for (let i = 0; i < 10; i++) {
      await clock.advance(1_000);
      assert.notEqual(a.elector.isLeader && b.elector.isLeader, true);
    }
    assert.equal([a, b].filter((c) => c.elector.isLeader).length, 1);
    a.abort.abort();
    b.abort.abort();
  });

  test('release on shutdown hands over within one retry period', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const a = candidate(api, clock, 'a');
    await flush();
    const b = candidate(api, clock, 'b');
    await clock.advance(6_000);
    assert.equal(b.elector.isLeader, false);
    assert.deepEqual(b.state.leaders, ['a']);

    a.abort.abort();
    await a.done;
    await a.elector.release();
    assert.equal(lease(api).spec!.holderIdentity, '');
    await clock.advance(2_500);
    assert.equal(b.elector.isLeader, true);
    assert.equal(lease(api).spec!.holderIdentity, 'b');
    assert.equal(lease(api).spec!.leaseTransitions, 1);
    b.abort.abort();
  });

  test('a leader that cannot renew steps down before anyone else may take over', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const aApi = flaky(api);
    const a = candidate(aApi, clock, 'a');
    await flush();
    const b = candidate(api, clock, 'b');
    await clock.advance(4_000);
    assert.equal(a.elector.isLeader, true);

    aApi.down = true; // a is partitioned from the API server
    const cutAt = clock.now();
    let lostAt: number | undefined;
    let wonAt: number | undefined;
    for (let t = 0; t < 30_000; t += 500) {
      await clock.advance(500);
      if (lostAt === undefined && a.state.stopped > 0) lostAt = clock.now();
      if (wonAt === undefined && b.elector.isLeader) wonAt = clock.now();
      assert.notEqual(a.elector.isLeader && b.elector.isLeader, true, 'never two leaders');
    }
    assert.ok(lostAt !== undefined && wonAt !== undefined);
    // a gave up within the renew deadline (10 s) after its last renewal (at most 2 s before the cut)...
    assert.ok(lostAt - cutAt <= 10_000, `lost after ${lostAt - cutAt} ms`);
    // ...and b waited a whole lease duration (15 s) without renewals before taking over.
    assert.ok(wonAt - cutAt >= 13_000, `won after ${wonAt - cutAt} ms`);
    assert.ok(wonAt > lostAt);
    await a.done;
    b.abort.abort();
  });

  test('a leader whose wall clock steps back 30 s while cut off still stops within the renew deadline (monotonic clock)', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const aApi = flaky(api);
    // a's own clock: the shared timers and monotonic time, its own wall clock.
    let aWallOffset = 0;
    const aClock = {
      now: () => clock.now() + aWallOffset,
      monotonicNow: () => clock.monotonicNow(),
      setTimer: (ms: number, fn: () => void) => clock.setTimer(ms, fn),
    };
    const a = candidate(aApi, aClock as unknown as FakeClock, 'a');
    await flush();
    const b = candidate(api, clock, 'b');
    await clock.advance(4_000);
    assert.equal(a.elector.isLeader, true);
    const lastRenew = clock.now();

    aApi.down = true;
    aWallOffset = -30_000;
    let lostAt: number | undefined;
    let notLeaderAt: number | undefined;
    let wonAt: number | undefined;
    for (let t = 0; t < 30_000; t += 100) {
      await clock.advance(100);
      if (notLeaderAt === undefined && !a.elector.isLeader) notLeaderAt = clock.now();
      if (lostAt === undefined && a.state.stopped > 0) lostAt = clock.now();
      if (wonAt === undefined && b.elector.isLeader) wonAt = clock.now();
      assert.notEqual(a.elector.isLeader && b.elector.isLeader, true, 'never two leaders');
    }
    assert.ok(lostAt !== undefined && wonAt !== undefined && notLeaderAt !== undefined);
    // Exactly the renew deadline after the last renewal was sent, to the 100 ms step.
    assert.equal(notLeaderAt - lastRenew, 10_000);
    assert.equal(lostAt - lastRenew, 10_000);
    assert.ok(wonAt - lastRenew >= 15_000, `won after ${wonAt - lastRenew} ms`);
    await a.done;
    b.abort.abort();
  });
});
