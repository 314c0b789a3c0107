/**
 * Lease-based leader election (coordination.k8s.io/v1), client-go's algorithm with
 * controller-runtime's defaults: 15 s lease, 10 s renew deadline, 2 s retry period.
 *
 * - A candidate takes the Lease when it does not exist, when its holder released it (empty
 *   holder), or when the holder has not renewed it for a whole lease duration **as observed
 *   on this candidate's own clock** (the Lease's timestamps are not compared across
 *   machines, so clock skew does not matter).
 * - Every write is a PUT carrying the resourceVersion read, so two candidates can never both
 *   succeed: the second one gets 409 Conflict.
 * - The leader renews every retry period. If it cannot renew within the renew deadline (less
 *   than the lease duration), it reports the loss *before* another candidate could take the
 *   Lease; the process then exits rather than keep writing as a stale leader.
 * - `release()` (on SIGTERM) clears the holder, so a standby takes over at once instead of
 *   after the lease duration.
 */
import { Clock, sleep, systemClock } from '../runtime/clock';
import { errorFields, Logger, nullLogger } from '../runtime/log';
import { Metrics } from '../runtime/metrics';
import { isConflict, isNotFound, KubeApi } from './api';
import { microTime } from './events';
import { Lease, LEASES } from './types';

export interface LeaderElectorOptions {
  readonly api: KubeApi;
  readonly namespace: string;
  /** Lease name. */
  readonly name: string;
  /** This candidate: pod name, or hostname and pid. */
  readonly identity: string;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
  readonly clock?: Clock;
  readonly log?: Logger;
  readonly metrics?: Metrics;
}

export interface LeaderCallbacks {
  /** This instance is the leader now. */
  onStartedLeading(): void;
  /** Renewal failed: this instance is no longer the leader and must stop acting at once. */
  onStoppedLeading(): void;
  /** The Lease is held by someone (including this instance). */
  onNewLeader?(identity: string): void;
}

type LeaseSpec = NonNullable<Lease['spec']>;

function sameSpec(a: LeaseSpec | undefined, b: LeaseSpec | undefined): boolean {
  return JSON.stringify(a ?? {}) === JSON.stringify(b ?? {});
}

export class LeaderElector {
  readonly identity: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private observed?: Lease;
  /** When the observed record last changed, on the monotonic clock. */
  private observedAt = 0;
  private lastRenewAt = 0;
  private leading = false;
  private lastLeader?: string;

  constructor(private readonly options: LeaderElectorOptions) {
    this.identity = options.identity;
    this.clock = options.clock ?? systemClock;
    this.log = (options.log ?? nullLogger).child({ lease: `${options.namespace}/${options.name}`, identity: options.identity });
    this.leaseDurationMs = options.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = options.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = options.retryPeriodMs ?? 2_000;
    if (this.renewDeadlineMs >= this.leaseDurationMs) {
      throw new Error('the renew deadline must be shorter than the lease duration');
    }
    if (this.retryPeriodMs >= this.renewDeadlineMs) {
      throw new Error('the retry period must be shorter than the renew deadline');
    }
  }

  /**
   * Whether this instance may act as leader now: it won, and its last successful renewal
   * (sent) is less than the renew deadline ago on the monotonic clock.
   */
  get isLeader(): boolean {
    return this.leading && this.clock.monotonicNow() - this.lastRenewAt < this.renewDeadlineMs;
  }

  /**
   * Campaigns until leader, then renews until `signal` aborts (returns; call `release()`)
   * or renewal fails (`onStoppedLeading`, then returns).
   */
  async run(signal: AbortSignal, callbacks: LeaderCallbacks): Promise<void> {
    this.log.info('campaigning for leadership');
    while (!signal.aborted) {
      if (await this.tryAcquireOrRenew(callbacks)) break;
      await sleep(this.clock, this.retryPeriodMs * (1 + 0.2 * Math.random()), signal);
    }
    if (signal.aborted) return;
    this.leading = true;
    this.lastRenewAt = this.clock.monotonicNow();
    this.options.metrics?.leader.set(1);
    this.log.info('became leader');
    callbacks.onStartedLeading();

    // Durations on the monotonic clock: a wall-clock step must not stretch the renew
    // deadline. A timer ends leadership the moment the deadline passes, not at the next
    // loop turn (client-go's renew loop runs under a context with that deadline).
    let lost = false;
    const lose = () => {
      if (lost) return;
      lost = true;
      this.leading = false;
      this.options.metrics?.leader.set(0);
      this.log.error('failed to renew the lease within the renew deadline; leadership lost', {
        renewDeadlineMs: this.renewDeadlineMs,
      });
      callbacks.onStoppedLeading();
    };
    let deadline = this.clock.setTimer(this.renewDeadlineMs, lose);
    while (!signal.aborted && !lost) {
      await sleep(this.clock, this.retryPeriodMs, signal);
      if (signal.aborted || lost) break;
      // Counted from when the request was sent: the standby counts from later still.
      const sentAt = this.clock.monotonicNow();
      const remaining = this.renewDeadlineMs - (sentAt - this.lastRenewAt);
      const renewed = remaining > 0 && await this.withTimeout(this.tryAcquireOrRenew(callbacks), remaining);
      if (lost) break;
      if (renewed) {
        this.lastRenewAt = sentAt;
        deadline.cancel();
        deadline = this.clock.setTimer(Math.max(0, this.renewDeadlineMs - (this.clock.monotonicNow() - sentAt)), lose);
      } else if (this.clock.monotonicNow() - this.lastRenewAt >= this.renewDeadlineMs) {
        lose();
      }
    }
    deadline.cancel();
  }

  /** Gives the Lease up if this instance holds it, so a standby takes over at once. */
  async release(): Promise<void> {
    if (!this.leading) return;
    this.leading = false;
    this.options.metrics?.leader.set(0);
    const lease = this.observed;
    if (!lease || lease.spec?.holderIdentity !== this.identity) return;
    const now = microTime(this.clock.now());
    try {
      await this.options.api.replace<Lease>(LEASES, this.options.namespace, this.options.name, {
        ...lease,
        spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: now, acquireTime: now },
      });
      this.log.info('released the lease');
    } catch (e) {
      this.log.warn('could not release the lease', errorFields(e));
    }
  }

  private async tryAcquireOrRenew(callbacks: LeaderCallbacks): Promise<boolean> {
    const { api, namespace, name } = this.options;
    const nowMs = this.clock.now();
    const now = microTime(nowMs);
    const leaseSeconds = Math.ceil(this.leaseDurationMs / 1000);
    let current: Lease;
    try {
      current = await api.get<Lease>(LEASES, namespace, name);
    } catch (e) {
      if (!isNotFound(e)) {
        this.log.warn('could not read the lease', errorFields(e));
        return false;
      }
      try {
        const created = await api.create<Lease>(LEASES, namespace, {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace },
          spec: { holderIdentity: this.identity, leaseDurationSeconds: leaseSeconds, acquireTime: now, renewTime: now, leaseTransitions: 0 },
        });
        this.observe(created, callbacks);
        return true;
      } catch (ce) {
        if (!isConflict(ce)) this.log.warn('could not create the lease', errorFields(ce));
        return false;
      }
    }

    if (!this.observed || !sameSpec(this.observed.spec, current.spec)) {
      this.observe(current, callbacks);
    } else {
      this.observed = current; // same record, maybe a newer resourceVersion
    }
    const spec = current.spec ?? {};
    const holder = spec.holderIdentity ?? '';
    const iHold = holder === this.identity;
    const durationMs = (spec.leaseDurationSeconds ?? leaseSeconds) * 1000;
    if (holder && !iHold && this.observedAt + durationMs > this.clock.monotonicNow()) {
      return false; // held by another candidate that renewed within its lease duration
    }

    const next: Lease = {
      ...current,
      spec: {
        holderIdentity: this.identity,
        leaseDurationSeconds: leaseSeconds,
        acquireTime: iHold ? spec.acquireTime ?? now : now,
        renewTime: now,
        leaseTransitions: iHold ? spec.leaseTransitions ?? 0 : (spec.leaseTransitions ?? 0) + 1,
      },
    };
    try {
      const updated = await api.replace<Lease>(LEASES, namespace, name, next);
      this.observe(updated, callbacks);
      if (!iHold) this.log.info('acquired the lease', { previousHolder: holder || undefined });
      return true;
    } catch (e) {
      if (!isConflict(e)) this.log.warn('could not update the lease', errorFields(e));
      return false;
    }
  }

  private observe(lease: Lease, callbacks: LeaderCallbacks): void {
    this.observed = lease;
    this.observedAt = this.clock.monotonicNow();
    const holder = lease.spec?.holderIdentity ?? '';
    if (holder && holder !== this.lastLeader) {
      this.lastLeader = holder;
      if (holder !== this.identity) this.log.info('new leader observed', { leader: holder });
      callbacks.onNewLeader?.(holder);
    }
  }

  private withTimeout(p: Promise<boolean>, ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = this.clock.setTimer(ms, () => resolve(false));
      p.then((v) => {
        timer.cancel();
        resolve(v);
      }, () => {
        timer.cancel();
        resolve(false);
      });
    });
  }
}
