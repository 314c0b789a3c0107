/**
 * Time, injectable: every timer of the runtime (requeue-after, retry backoff, informer
 * restarts and watchdog, leader election) goes through a `Clock`, so unit tests drive them
 * with a fake clock instead of waiting.
 */

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch (wall clock: can step, e.g. when NTP corrects it). */
  now(): number;
  /**
   * Milliseconds from an arbitrary origin that never step: for durations (lease expiry,
   * renew deadline), which a wall-clock step must not stretch or shrink.
   */
  monotonicNow(): number;
  /** Runs `fn` once after `ms` milliseconds unless cancelled. */
  setTimer(ms: number, fn: () => void): Timer;
}

/** Node's setTimeout fires at once for delays above 2^31-1 ms (about 24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The real clock. Timers are unref'd: they never keep the process alive on their own. Delays
 * beyond `MAX_TIMER_MS` are chained, so a window boundary months away does not fire now.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  monotonicNow: () => performance.now(),
  setTimer(ms: number, fn: () => void): Timer {
    const due = Date.now() + Math.max(0, ms);
    let handle: NodeJS.Timeout;
    const arm = () => {
      const left = due - Date.now();
      handle = setTimeout(left > MAX_TIMER_MS ? arm : fn, Math.min(Math.max(0, left), MAX_TIMER_MS));
      handle.unref();
    };
    arm();
    return { cancel: () => clearTimeout(handle) };
  },
};

/**
 * Resolves after `ms` on `clock`, or at once when `signal` aborts (resolves, never rejects:
 * callers check the signal).
 */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve();
      return;
    }
    const onAbort = () => {
      timer.cancel();
      resolve();
    };
    const timer = clock.setTimer(ms, () => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Exponential backoff with jitter: `base * 2^attempt`, capped at `max`, then spread by
 * ±`jitter` (a fraction) so that many clients retrying at once do not stay in lock-step.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, jitter = 0.2, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * Math.pow(2, Math.min(attempt, 52)));
  const spread = exp * jitter * (2 * random() - 1);
  return Math.max(0, Math.round(Math.min(maxMs * (1 + jitter), exp + spread)));
}
