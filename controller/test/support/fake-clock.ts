/**
 * A clock for tests: time stands still until `advance()` moves it, firing due timers in
 * order and letting the promise chains they start run in between.
 */
import { Clock, Timer } from '../../src/runtime/clock';

interface Pending {
  readonly at: number;
  readonly seq: number;
  readonly fn: () => void;
  cancelled: boolean;
}

/** Lets pending promise callbacks and I/O-free macrotasks run. */
export async function flush(rounds = 20): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

export class FakeClock implements Clock {
  private t: number;
  private seq = 0;
  private timers: Pending[] = [];
  private wallOffset = 0;

  constructor(start: number | string = '2026-01-05T10:00:00Z') {
    this.t = typeof start === 'string' ? Date.parse(start) : start;
  }

  now(): number {
    return this.t + this.wallOffset;
  }

  /** Fake time only moves forward: it is its own monotonic clock. */
  monotonicNow(): number {
    return this.t;
  }

  /** Steps the wall clock (`now()`) by `ms` without moving timers or `monotonicNow()` (an NTP step). */
  stepWall(ms: number): void {
    this.wallOffset += ms;
  }

  setTimer(ms: number, fn: () => void): Timer {
    const pending: Pending = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(pending);
    return { cancel: () => { pending.cancelled = true; } };
  }

  /** Timers not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /** When the next timer is due, if any. */
  nextTimerAt(): number | undefined {
    const live = this.timers.filter((t) => !t.cancelled);
    return live.length ? Math.min(...live.map((t) => t.at)) : undefined;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.t + ms);
  }

  async advanceTo(target: number): Promise<void> {
    await flush();
    for (let guard = 0; guard < 100_000; guard++) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      const due = this.timers
        .filter((t) => t.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.t = Math.max(this.t, due.at);
      due.fn();
      await flush();
    }
    this.t = Math.max(this.t, target);
    await flush();
  }
}
