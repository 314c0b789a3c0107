/**
 * The manager wires the runtime together: informers, the controllers and their work queues,
 * leader election, the HTTP endpoint, and shutdown.
 *
 * Lifecycle:
 * 1. the HTTP endpoint and the informers start on every replica (a standby keeps warm
 *    caches and reports ready once synced);
 * 2. with leader election, only the leader runs reconcilers. When it becomes leader it first
 *    **relists every informer** and only then starts its workers: the fresh LIST is a
 *    consistent read made after the Lease was acquired, so it includes every write the
 *    previous leader made before it released the Lease or stopped renewing it. Nothing is
 *    decided from a cache that could miss the old leader's last admissions. The standby's
 *    cache is let go before that LIST (tombstones kept to report deletes), so the leader
 *    never holds two full caches;
 * 3. on SIGTERM: stop handing out keys, wait for reconciles in flight (bounded), release the
 *    Lease (a standby takes over at once), stop informers, close the endpoint;
 * 4. if renewing the Lease fails, workers stop at once and `onLeadershipLost` is called
 *    (the process exits; Kubernetes restarts it as a standby);
 * 5. if the leader's relist does not complete within `cacheSyncTimeoutMs` (a missing CRD,
 *    a 403 from missing RBAC), it reports not ready, releases the Lease so that another
 *    replica may try, and calls `onLeadershipLost` (controller-runtime's cache-sync
 *    timeout): a leader that cannot see its objects must not sit on the Lease doing nothing.
 */
import { LABEL_WORKLOAD } from '../../src/contract/keys';
import { isConflict, isUnavailable, KubeApi, UNAVAILABLE_RETRY_MAX_MS } from './kube/api';
import { Store, WriteTracker, Writer } from './kube/cache';
import { ApiEventRecorder, EventRecorder } from './kube/events';
import { Informer, ListWatchLike, MultiNamespaceListWatch, projectJobForCache, stripManagedFields } from './kube/informer';
import { LeaderElector } from './kube/leader';
import {
  CronJob, CRONJOBS, Job, JOB_RUNS, JOB_TEMPLATES, JobRun, JobTemplate, JOBS, KubeList, KubeObject, Pod, PODS, ResourceType,
} from './kube/types';
import { builtinControllers, Caches, ControllerDeps, Stores } from './reconcilers';
import { Clock, systemClock } from './runtime/clock';
import { Controller } from './runtime/controller';
import { HttpServer, startHttpServer } from './runtime/http';
import { errorFields, Logger, nullLogger } from './runtime/log';
import { Metrics } from './runtime/metrics';

export interface ListWatchSelectors {
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

/**
 * Builds a `ListWatch` (./kube/informer.ts) for one resource and selection. `list` is
 * the LIST it must use: the manager's, which tells the write tracker what every LIST holds.
 */
export type ListWatchFactory = <T extends KubeObject>(
  rt: ResourceType, selectors: ListWatchSelectors, list?: () => Promise<KubeList<T>>, onBookmark?: () => void,
) => ListWatchLike<T>;

export interface LeaderElectionConfig {
  readonly namespace: string;
  readonly name: string;
  readonly leaseDurationMs?: number;
  readonly renewDeadlineMs?: number;
  readonly retryPeriodMs?: number;
}

export interface ManagerOptions {
  readonly api: KubeApi;
  readonly listWatch: ListWatchFactory;
  /** This instance: pod name, or hostname and pid. */
  readonly identity: string;
  /** Watch only this namespace (default: all). */
  readonly namespace?: string;
  /**
   * Watch and act only in these namespaces (namespaced mode: a LIST and WATCH per namespace,
   * so Roles suffice). Overrides `namespace`.
   */
  readonly namespaces?: readonly string[];
  /** Lease-based leader election; omit to run as the only instance. */
  readonly leaderElection?: LeaderElectionConfig;
  /** `host:port` of the metrics endpoint (and of the probes, unless `healthBindAddress` is set); omit for none. */
  readonly bindAddress?: string;
  /** `host:port` of `/healthz` and `/readyz` alone, apart from `/metrics` (default: on `bindAddress`). */
  readonly healthBindAddress?: string;
  /** Workers per controller (default 2). */
  readonly workers?: number;
  readonly clock?: Clock;
  readonly log?: Logger;
  readonly metrics?: Metrics;
  readonly eventRecorder?: EventRecorder;
  /** Informer watchdog (default 10 minutes). */
  readonly watchdogMs?: number;
  readonly informerRestartBaseMs?: number;
  readonly informerRestartMaxMs?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** Finished JobRuns kept per JobTemplate or CronJob (default 100); older ones are deleted. */
  readonly jobRunHistoryLimit?: number;
  /** How long shutdown waits for reconciles in flight (default 8 s, below the renew deadline). */
  readonly shutdownTimeoutMs?: number;
  /**
   * How long a new leader waits for its relist before it gives the Lease up (default 2
   * minutes, as controller-runtime's `CacheSyncTimeout`).
   */
  readonly cacheSyncTimeoutMs?: number;
  /** Called when the Lease could not be renewed, or was given up: the process must exit. */
  readonly onLeadershipLost?: () => void;
}

export class Manager {
  readonly metrics: Metrics;
  readonly caches: Caches;
  readonly stores: Stores;
  readonly controllers: Controller[];
  readonly writer: Writer;
  readonly events: EventRecorder;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly informers: Array<Informer<any>>;
  private readonly abort = new AbortController();
  private elector?: LeaderElector;
  private http?: HttpServer;
  private healthHttp?: HttpServer;
  private leading = false;
  /** Holds the Lease (elected), whether or not its reconcilers run yet. */
  private elected = false;
  /** The leader's relist timed out: the Lease was given up. */
  private syncFailed = false;
  private stopping = false;
  private stopped?: Promise<void>;

  constructor(private readonly options: ManagerOptions) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log ?? nullLogger;
    this.metrics = options.metrics ?? new Metrics();
    const informerOptions = {
      clock: this.clock,
      log: this.log,
      metrics: this.metrics,
      watchdogMs: options.watchdogMs,
      restartBaseMs: options.informerRestartBaseMs,
      restartMaxMs: options.informerRestartMaxMs,
    };
    const scope = options.namespaces && options.namespaces.length > 0
      ? [...new Set(options.namespaces)]
      : options.namespace ? [options.namespace] : [undefined];
    const tracker = new WriteTracker();
    // Kubernetes' kinds are label-selected to workloads; our own kinds are all ours.
    const make = <T extends KubeObject>(rt: ResourceType, labelSelector: string | undefined, fieldSelector?: string) => {
      // Cached objects keep what the rules read: Jobs, the many, lose their pod template too.
      const transform = rt === JOBS ? projectJobForCache : stripManagedFields;
      const one = (ns: string | undefined, onActivity: () => void) => {
        const selectors = { namespace: ns, labelSelector, fieldSelector };
        // Every LIST, also client-node's in-place relist after 410 Gone, expires the creations it lacks.
        const list = async (): Promise<KubeList<T>> => {
          const token = tracker.listStarted();
          const answer = await options.api.list<T>(rt, { ...selectors, transform });
          answer.items.forEach(transform); // again for an API without per-page transforms (idempotent)
          tracker.listed(rt.plural, token, answer.items, (o) => !ns || o.metadata.namespace === ns);
          return answer;
        };
        return options.listWatch<T>(rt, selectors, list, onActivity);
      };
      return new Informer<T>((onActivity) => (scope.length === 1
        ? one(scope[0], onActivity)
        : new MultiNamespaceListWatch<T>(new Map(scope.map((ns) => [ns!, one(ns, onActivity)])))), {
        ...informerOptions, name: rt.plural, transform,
      });
    };
    this.caches = {
      jobs: make<Job>(JOBS, LABEL_WORKLOAD),
      cronJobs: make<CronJob>(CRONJOBS, LABEL_WORKLOAD),
      pods: make<Pod>(PODS, LABEL_WORKLOAD, 'status.phase=Pending'),
      jobRuns: make<JobRun>(JOB_RUNS, undefined),
      jobTemplates: make<JobTemplate>(JOB_TEMPLATES, undefined),
    };
    this.informers = Object.values(this.caches);
    // One watch got through after an error: the API server answers again, so the others stop
    // waiting out their backoff (a control-plane restart ends for all of them at once).
    for (const informer of this.informers) {
      informer.onReconnected(() => this.informers.forEach((i) => i.retryNow()));
    }
    this.stores = {
      jobs: new Store(this.caches.jobs, tracker, JOBS.plural),
      cronJobs: new Store(this.caches.cronJobs, tracker),
      pods: new Store(this.caches.pods, tracker),
      jobRuns: new Store(this.caches.jobRuns, tracker),
      jobTemplates: new Store(this.caches.jobTemplates, tracker),
    };
    // With election, only a leader within its renew deadline writes (a reconcile in flight included).
    this.writer = new Writer(options.api, tracker, () => !options.leaderElection || (this.elector?.isLeader ?? false));
    this.events = options.eventRecorder ?? new ApiEventRecorder(options.api, {
      instance: options.identity, clock: this.clock, log: this.log, metrics: this.metrics,
    });
    const deps: ControllerDeps = {
      stores: this.stores, writer: this.writer, events: this.events, api: options.api, metrics: this.metrics,
      retryBaseMs: options.retryBaseMs, retryMaxMs: options.retryMaxMs, jobRunHistoryLimit: options.jobRunHistoryLimit,
    };
    const specs = builtinControllers(deps);
    this.controllers = specs.map((spec) => {
      const controller = new Controller(spec.reconciler, {
        workers: options.workers,
        clock: this.clock,
        log: this.log,
        metrics: this.metrics,
        retryBaseMs: options.retryBaseMs,
        retryMaxMs: options.retryMaxMs,
        isStale: isConflict,
        isUnavailable,
        unavailableRetryMaxMs: UNAVAILABLE_RETRY_MAX_MS,
      });
      spec.watch(this.caches, (key) => controller.enqueue(key));
      return controller;
    });
  }

  /** Whether this instance runs reconcilers (leader, or no election). */
  get isLeader(): boolean {
    return this.leading;
  }

  get httpAddress(): { host: string; port: number } | undefined {
    return this.http ? { host: this.http.host, port: this.http.port } : undefined;
  }

  get healthAddress(): { host: string; port: number } | undefined {
    const h = this.healthHttp ?? this.http;
    return h ? { host: h.host, port: h.port } : undefined;
  }

  healthy(): boolean {
    return !this.stopping;
  }

  /**
   * Ready: caches synced and, when this instance holds the Lease, reconciling (not a leader
   * stuck before its relist completed, nor one that gave the Lease up for it).
   */
  ready(): boolean {
    return !this.stopping && !this.syncFailed && !(this.elected && !this.leading) && this.informers.every((i) => i.hasSynced);
  }

  status(): Record<string, unknown> {
    return {
      identity: this.options.identity,
      leader: this.leading,
      ...(this.syncFailed ? { reason: 'caches did not sync after becoming leader; gave the Lease up' } : {}),
      leaderElection: !!this.options.leaderElection,
      informers: Object.fromEntries(this.informers.map((i) => [i.name, { synced: i.hasSynced, watching: i.isWatching }])),
    };
  }

  /** Starts everything; returns once the HTTP endpoint listens (reconcilers start later). */
  async start(): Promise<void> {
    const split = this.options.healthBindAddress !== undefined;
    if (split) {
      this.healthHttp = await startHttpServer(this.options.healthBindAddress!, this, this.metrics, 'health');
      this.log.info('health server listening', { host: this.healthHttp.host, port: this.healthHttp.port, paths: ['/healthz', '/readyz'] });
    }
    if (this.options.bindAddress !== undefined) {
      this.http = await startHttpServer(this.options.bindAddress, this, this.metrics, split ? 'metrics' : 'all');
      this.log.info('http server listening', {
        host: this.http.host, port: this.http.port, paths: split ? ['/metrics'] : ['/healthz', '/readyz', '/metrics'],
      });
    }
    for (const informer of this.informers) informer.start();
    this.metrics.leader.set(0);
    const le = this.options.leaderElection;
    if (!le) {
      void this.lead(false);
      return;
    }
    this.elector = new LeaderElector({
      api: this.options.api,
      namespace: le.namespace,
      name: le.name,
      identity: this.options.identity,
      leaseDurationMs: le.leaseDurationMs,
      renewDeadlineMs: le.renewDeadlineMs,
      retryPeriodMs: le.retryPeriodMs,
      clock: this.clock,
      log: this.log,
      metrics: this.metrics,
    });
    void this.elector.run(this.abort.signal, {
      onStartedLeading: () => void this.lead(true),
      onStoppedLeading: () => this.lostLeadership(),
    }).catch((e) => {
      this.log.error('leader election failed', errorFields(e));
      this.lostLeadership();
    });
  }

  /** Graceful shutdown; safe to call more than once. */
  stop(): Promise<void> {
    this.stopped ??= this.doStop();
    return this.stopped;
  }

  private async lead(elected: boolean): Promise<void> {
    const signal = this.abort.signal;
    if (elected) {
      this.elected = true;
      this.log.info('leader: relisting every informer before reconciling');
      const timeoutMs = this.options.cacheSyncTimeoutMs ?? 120_000;
      let timer: { cancel(): void } | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = this.clock.setTimer(timeoutMs, () => resolve('timeout'));
      });
      const relistedNames = new Set<string>();
      const relisted = Promise.all(this.informers.map((i) => i.relist('leader-elected', { dropCache: true }).then((ok) => {
        if (ok) relistedNames.add(i.name);
        return ok;
      })));
      const result = await Promise.race([relisted, timedOut]);
      timer?.cancel();
      if (result === 'timeout') {
        await this.giveUpLease(timeoutMs, this.informers.map((i) => i.name).filter((n) => !relistedNames.has(n)));
        return;
      }
      if (!result.every(Boolean)) return;
    } else {
      const ok = await Promise.all(this.informers.map((i) => i.waitForSync(signal)));
      if (!ok.every(Boolean)) return;
    }
    if (this.stopping) return;
    this.leading = true;
    if (!elected) this.metrics.leader.set(1);
    for (const c of this.controllers) c.start();
    this.log.info('reconcilers started', { controllers: this.controllers.map((c) => c.name) });
  }

  /** The leader's relist did not complete in time: not ready, Lease released, exit. */
  private async giveUpLease(timeoutMs: number, unsynced: string[]): Promise<void> {
    if (this.stopping || this.leading) return;
    this.syncFailed = true;
    this.log.error('caches did not sync after becoming leader; releasing the Lease', { timeoutMs, unsynced });
    // Stop renewing, then clear the holder so that another replica takes over at once.
    this.abort.abort();
    await this.elector?.release();
    this.elected = false;
    this.options.onLeadershipLost?.();
  }

  private lostLeadership(): void {
    this.leading = false;
    this.elected = false;
    for (const c of this.controllers) c.queue.shutDown();
    this.options.onLeadershipLost?.();
  }

  private async doStop(): Promise<void> {
    this.stopping = true;
    this.log.info('shutting down');
    this.abort.abort();
    const timeout = this.options.shutdownTimeoutMs ?? 8_000;
    const drained = await Promise.all(this.controllers.map((c) => c.stop(timeout)));
    if (!drained.every(Boolean)) this.log.warn('reconciles still running at shutdown', { timeoutMs: timeout });
    this.leading = false;
    await this.elector?.release();
    await Promise.all(this.informers.map((i) => i.stop()));
    await this.http?.close();
    await this.healthHttp?.close();
    this.log.info('stopped');
  }
}
