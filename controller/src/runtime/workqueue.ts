/**
 * A keyed work queue with client-go's semantics:
 *
 * - **dedup**: a key waiting in the queue is queued once, however often it is added;
 * - **one worker per key**: a key being processed is not handed out again; if it is added
 *   meanwhile, it is queued again when the worker calls `done()`;
 * - **delays**: `addAfter(key, ms)` (requeue-after timers; the earliest pending time wins);
 * - **rate-limited retries**: `addRateLimited(key)` waits `base * 2^failures` (capped, with
 *   jitter) until `forget(key)` resets the key after a success.
 */
import { backoffDelay, Clock, systemClock, Timer } from './clock';

export interface WorkQueueOptions {
  readonly clock?: Clock;
  /** First retry delay (default 50 ms). */
  readonly baseDelayMs?: number;
  /** Longest retry delay (default 5 minutes). */
  readonly maxDelayMs?: number;
  /** Jitter fraction of retry delays (default 0.1). */
  readonly jitter?: number;
  /** Called when the number of waiting keys changes (metrics). */
  readonly onDepth?: (depth: number) => void;
  /** Called for every accepted add (metrics). */
  readonly onAdd?: () => void;
  /** Called for every rate-limited re-add (metrics). */
  readonly onRetry?: () => void;
}

export class WorkQueue {
  private readonly clock: Clock;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly jitter: number;
  private readonly queue: string[] = [];
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly delayed = new Map<string, { at: number; timer: Timer }>();
  private waiters: Array<(key: string | undefined) => void> = [];
  private idleWaiters: Array<() => void> = [];
  private shuttingDown = false;

  constructor(private readonly options: WorkQueueOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.baseDelayMs = options.baseDelayMs ?? 50;
    this.maxDelayMs = options.maxDelayMs ?? 5 * 60_000;
    this.jitter = options.jitter ?? 0.1;
  }

  /** Keys waiting (not counting keys being processed or delayed). */
  get length(): number {
    return this.queue.length;
  }

  /** Keys being processed right now. */
  get inFlight(): number {
    return this.processing.size;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  add(key: string): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.options.onAdd?.();
    this.dirty.add(key);
    if (this.processing.has(key)) return; // re-queued by done()
    this.enqueue(key);
  }

  /** Adds `key` after `ms`; if the key already waits for an earlier time, that one stands. */
  addAfter(key: string, ms: number): void {
    if (this.shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.clock.now() + ms;
    const existing = this.delayed.get(key);
    if (existing && existing.at <= at) return;
    existing?.timer.cancel();
    const timer = this.clock.setTimer(ms, () => {
      if (this.delayed.get(key)?.timer === timer) this.delayed.delete(key);
      this.add(key);
    });
    this.delayed.set(key, { at, timer });
  }

  /**
   * Re-adds `key` after its per-key exponential backoff; returns the delay. `maxDelayMs`
   * caps this one delay below the queue's own cap (a failure that says the API server was
   * away: the next try must not wait as long as the outage lasted).
   */
  addRateLimited(key: string, maxDelayMs = this.maxDelayMs): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    const delay = backoffDelay(n, this.baseDelayMs, Math.min(this.maxDelayMs, maxDelayMs), this.jitter);
    this.options.onRetry?.();
    this.addAfter(key, delay);
    return delay;
  }

  /** Ends the backoff of `key` (after a successful reconcile). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** How often `key` was retried since its last `forget`. */
  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /**
   * The next key to process; `undefined` once the queue is shut down (keys still waiting are
   * dropped: all state is in the cluster, and whoever runs next reconciles everything).
   */
  get(): Promise<string | undefined> {
    if (this.shuttingDown) return Promise.resolve(undefined);
    if (this.queue.length > 0) {
      return Promise.resolve(this.take());
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Marks `key` as processed; if it was added meanwhile, it is queued again. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.enqueue(key);
    }
    if (this.processing.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((w) => w());
    }
  }

  /** Stops handing out keys (waiting `get()`s resolve to `undefined`) and cancels timers. */
  shutDown(): void {
    this.shuttingDown = true;
    for (const { timer } of this.delayed.values()) timer.cancel();
    this.delayed.clear();
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((w) => w(undefined));
  }

  /** Resolves once no key is being processed. */
  whenIdle(): Promise<void> {
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue(key: string): void {
    if (this.shuttingDown) return;
    const waiter = this.waiters.shift();
    if (waiter) {
      this.dirty.delete(key);
      this.processing.add(key);
      waiter(key);
      return;
    }
    this.queue.push(key);
    this.options.onDepth?.(this.queue.length);
  }

  private take(): string {
    const key = this.queue.shift()!;
    this.dirty.delete(key);
    this.processing.add(key);
    this.options.onDepth?.(this.queue.length);
    return key;
  }
}
