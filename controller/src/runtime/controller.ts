/**
 * A controller in controller-runtime's sense: a work queue of keys plus workers that run a
 * level-triggered reconciler for each key. Event handlers only enqueue keys; the reconciler
 * reads the whole current state from the informer caches and makes it right.
 */
import { Clock, systemClock } from './clock';
import { errorFields, Logger, nullLogger } from './log';
import { Metrics } from './metrics';
import { WorkQueue } from './workqueue';

export interface ReconcileContext {
  /** The time of this reconcile (ms since the epoch), from the controller's clock. */
  readonly now: number;
  readonly log: Logger;
}

export interface ReconcileResult {
  /** Reconcile this key again after this long (time-based rules), even without events. */
  readonly requeueAfterMs?: number;
}

export interface Reconciler {
  /** Short name for logs and metrics, e.g. `enqueue`. */
  readonly name: string;
  /**
   * Brings the object(s) behind `key` in line with the rules. Throwing retries the key with
   * per-key exponential backoff; an error that says the cache was stale (`isStale`, e.g. the
   * API server's 409 Conflict) is the normal way to learn it and is retried quietly.
   */
  reconcile(key: string, ctx: ReconcileContext): Promise<ReconcileResult | void>;
}

export interface ControllerOptions {
  /** Concurrent workers (default 2); one key never runs on two workers at once. */
  readonly workers?: number;
  readonly clock?: Clock;
  readonly log?: Logger;
  readonly metrics?: Metrics;
  /** Retry backoff of the work queue (defaults 50 ms .. 5 min). */
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /**
   * Whether an error only says the reconcile read a stale cache (the API server's 409
   * Conflict on a preconditioned write): retried like any error, but logged at debug and
   * counted as `conflict`. Given by the manager, which knows the API (the loop does not).
   */
  readonly isStale?: (error: unknown) => boolean;
  /**
   * Whether an error only says the API server was unreachable or could not answer (given by
   * the manager): its retry waits at most `unavailableRetryMaxMs`, however often the key
   * failed during the outage.
   */
  readonly isUnavailable?: (error: unknown) => boolean;
  /** Longest retry delay after an `isUnavailable` error (default: `retryMaxMs`). */
  readonly unavailableRetryMaxMs?: number;
}

export class Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly workers: number;
  private running: Array<Promise<void>> = [];
  private started = false;

  constructor(readonly reconciler: Reconciler, private readonly options: ControllerOptions = {}) {
    this.name = reconciler.name;
    this.clock = options.clock ?? systemClock;
    this.log = (options.log ?? nullLogger).child({ controller: this.name });
    this.workers = Math.max(1, options.workers ?? 2);
    const metrics = options.metrics;
    const labels = { controller: this.name };
    this.queue = new WorkQueue({
      clock: this.clock,
      baseDelayMs: options.retryBaseMs,
      maxDelayMs: options.retryMaxMs,
      onDepth: metrics ? (d) => metrics.queueDepth.set(labels, d) : undefined,
      onAdd: metrics ? () => metrics.queueAdds.inc(labels) : undefined,
      onRetry: metrics ? () => metrics.queueRetries.inc(labels) : undefined,
    });
    metrics?.queueDepth.set(labels, 0);
  }

  enqueue(key: string): void {
    this.queue.add(key);
  }

  get isStarted(): boolean {
    return this.started;
  }

  /** Starts the workers. Keys added before are processed now. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.log.info('controller started', { workers: this.workers });
    for (let i = 0; i < this.workers; i++) {
      this.running.push(this.work());
    }
  }

  /**
   * Stops handing out keys and waits (up to `timeoutMs`) for reconciles in flight; resolves
   * true if they all finished.
   */
  async stop(timeoutMs = 10_000): Promise<boolean> {
    this.queue.shutDown();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref();
    });
    const finished = await Promise.race([Promise.all(this.running).then(() => true), timedOut]);
    clearTimeout(timer);
    return finished;
  }

  /** Runs one key now (tests): the same path a worker takes. */
  async processNext(): Promise<string | undefined> {
    const key = await this.queue.get();
    if (key === undefined) return undefined;
    await this.process(key);
    return key;
  }

  private async work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      await this.process(key);
    }
  }

  private async process(key: string): Promise<void> {
    const metrics = this.options.metrics;
    const labels = { controller: this.name };
    const start = process.hrtime.bigint();
    const log = this.log.child({ key });
    try {
      const result = await this.reconciler.reconcile(key, { now: this.clock.now(), log });
      this.queue.forget(key);
      const after = result?.requeueAfterMs;
      if (after !== undefined && Number.isFinite(after)) {
        this.queue.addAfter(key, Math.max(0, after));
        metrics?.reconcileTotal.inc({ ...labels, result: 'requeue' });
      } else {
        metrics?.reconcileTotal.inc({ ...labels, result: 'success' });
      }
    } catch (e) {
      // The API server away (an outage, a restart): retried within seconds of its return.
      const delay = this.queue.addRateLimited(key, this.options.isUnavailable?.(e) ? this.options.unavailableRetryMaxMs : undefined);
      if (this.options.isStale?.(e)) {
        metrics?.reconcileTotal.inc({ ...labels, result: 'conflict' });
        log.debug('conflict; retrying with a fresh cache', { retryInMs: delay });
      } else {
        metrics?.reconcileTotal.inc({ ...labels, result: 'error' });
        metrics?.reconcileErrors.inc(labels);
        log.error('reconcile failed', { retryInMs: delay, retries: this.queue.retries(key), ...errorFields(e) });
      }
    } finally {
      metrics?.reconcileDuration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
      this.queue.done(key);
    }
  }
}
