/**
 * A resilient informer over a `ListWatch` (ours, below: client-node's, ported, so that the
 * controller does not load client-node): a cache of one resource kept current by LIST +
 * WATCH, with what client-node 1.4's lacks:
 *
 * - **restart on error**: `ListWatch` stops for good on any error but 410 Gone (which it
 *   handles with a relist); here it is started again after a jittered exponential backoff
 *   (1 s to 10 s, so a watch resumes within 15 s of the API server's return), or at once when
 *   `retryNow()` says the API server answers again (the manager calls it on every informer
 *   when one of them got through). It resumes the watch from its last resourceVersion, so its
 *   cache keeps serving (stale, never inconsistent) meanwhile;
 * - **resync after a restart**: once a restarted watch runs again, every cached object is
 *   reported as an update, so level-triggered reconcilers look at everything again: work that
 *   failed while the API server was away is retried now, not when its backoff ends or when an
 *   unrelated change comes by;
 * - **watchdog relist**: a watch can die silently (a dropped connection without FIN). When
 *   nothing arrived for `watchdogMs`, a *new* ListWatch lists from scratch, and once it has
 *   synced it replaces the old one in one step, so readers never see a half-filled cache;
 *   objects that vanished meanwhile are reported as deletes, everything else as an update
 *   (a resync), so level-triggered reconcilers look at everything again;
 * - **synced**: true once a LIST completed without error (readiness, and the gate before
 *   reconcilers may trust the cache).
 */
import { KubeList, KubeObject } from './types';
import { backoffDelay, Clock, sleep, systemClock, Timer } from '../runtime/clock';
import { errorFields, Logger, nullLogger } from '../runtime/log';
import { Metrics } from '../runtime/metrics';

/** What `ListWatch` (and client-node's, and test fakes) offer. */
export interface ListWatchLike<T> {
  on(verb: 'add' | 'update' | 'delete', cb: (obj: T) => void): void;
  on(verb: 'error' | 'connect', cb: (err?: unknown) => void): void;
  start(): Promise<void>;
  stop(): Promise<void>;
  get(name: string, namespace?: string): T | undefined;
  list(namespace?: string): ReadonlyArray<T>;
}

export type InformerEventType = 'add' | 'update' | 'delete';
export type InformerListener<T> = (type: InformerEventType, obj: T) => void;

export interface InformerOptions<T = KubeObject> {
  /** For logs and metrics, e.g. `jobs`. */
  readonly name: string;
  readonly clock?: Clock;
  readonly log?: Logger;
  readonly metrics?: Metrics;
  /** First restart delay after an error (default 1 s). */
  readonly restartBaseMs?: number;
  /** Longest restart delay (default 10 s; jitter spreads it by up to half). */
  readonly restartMaxMs?: number;
  /** Relist when nothing arrived for this long, watch bookmarks included (default 10 minutes; 0 disables). */
  readonly watchdogMs?: number;
  /**
   * Changes each object in place before the cache's listeners see it (client-go's
   * `SetTransform`): it runs on the very object the ListWatch caches, so what it drops
   * (e.g. `managedFields`) is not held in memory.
   */
  readonly transform?: (obj: T) => void;
}

/** Drops `metadata.managedFields` (server-side apply bookkeeping, about 40% of a Job's JSON; never read here). */
export function stripManagedFields(obj: KubeObject): void {
  if (obj?.metadata && 'managedFields' in obj.metadata) delete (obj.metadata as { managedFields?: unknown }).managedFields;
}

/** What a delete listener needs of a vanished object: its identity, labels and owners. */
function tombstone(obj: KubeObject): KubeObject {
  const { name, namespace, uid, labels, ownerReferences } = obj.metadata;
  return { apiVersion: obj.apiVersion, kind: obj.kind, metadata: { name, namespace, uid, labels, ownerReferences } } as KubeObject;
}

/**
 * One ListWatch over several namespaces (the controller's namespaced mode): a LIST and a
 * WATCH per namespace, which a ServiceAccount with a Role in each namespace may do, where one
 * cluster-wide watch would need a ClusterRole. Events and errors of each are passed on; it
 * is synced when all are.
 */
export class MultiNamespaceListWatch<T extends KubeObject> implements ListWatchLike<T> {
  private readonly byNamespace: ReadonlyMap<string, ListWatchLike<T>>;

  constructor(parts: ReadonlyMap<string, ListWatchLike<T>>) {
    this.byNamespace = parts;
  }

  on(verb: any, cb: any): void {
    for (const lw of this.byNamespace.values()) lw.on(verb, cb);
  }

  async start(): Promise<void> {
    await Promise.all([...this.byNamespace.values()].map((lw) => lw.start()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.byNamespace.values()].map((lw) => lw.stop()));
  }

  get(name: string, namespace?: string): T | undefined {
    if (namespace !== undefined) return this.byNamespace.get(namespace)?.get(name, namespace);
    for (const lw of this.byNamespace.values()) {
      const found = lw.get(name);
      if (found) return found;
    }
    return undefined;
  }

  list(namespace?: string): ReadonlyArray<T> {
    if (namespace !== undefined) return this.byNamespace.get(namespace)?.list(namespace) ?? [];
    return [...this.byNamespace.values()].flatMap((lw) => [...lw.list()]);
  }
}

/**
 * A Job as the cache keeps it: without `managedFields` and without `spec.template`, the pod
 * template (containers, env, volumes: most of a Job's JSON), which no rule reads from a cached
 * Job: they read its metadata, `spec.suspend`, `spec.backoffLimit` and `status`, and a new run's
 * Job is built from its CronJob or JobTemplate, never from another Job. client-go's informers
 * are trimmed the same way (a cache transform). About 5.7 KiB of heap per Job before, see
 * bench/README.md for after.
 */
export function projectJobForCache(obj: KubeObject): void {
  stripManagedFields(obj);
  const spec = (obj as { spec?: { template?: unknown } }).spec;
  if (spec && 'template' in spec) delete spec.template;
}

/** client-node `Watch`'s shape (`RestClient.watch`, and the test fake's). */
export interface WatchLike {
  watch(
    path: string, query: Record<string, any>, cb: (type: string, obj: any, raw: any) => void, done: (err: any) => void,
  ): Promise<{ abort(): void }>;
}

type ListWatchVerb = 'add' | 'update' | 'delete' | 'error' | 'connect';

/**
 * A cache of one collection kept by LIST then WATCH from the list's resourceVersion: client-node
 * 1.4's `ListWatch` (`cache.js`) ported as it is, behaviour for behaviour, so that the
 * controller does not import client-node (about 60-70 MiB of RSS, bench/README.md). When a
 * watch ends it watches again from the last resourceVersion seen; after a 410 Gone (an `ERROR`
 * event with code 410, or an HTTP 410) it lists again in place, reporting what the new list
 * lacks as deletes and the rest as adds or updates (an update only when the resourceVersion
 * changed). Any other error is reported to the `error` listeners and ends it (the `Informer`
 * restarts it). `start()` resolves once the LIST is in the cache and the watch is open.
 */
export class ListWatch<T extends KubeObject> implements ListWatchLike<T> {
  private objects = new Map<string, Map<string, T>>();
  private readonly callbacks: Record<ListWatchVerb, Array<(arg: any) => void>> = {
    add: [], update: [], delete: [], error: [], connect: [],
  };
  private resourceVersion = '';
  private request?: { abort(): void };
  private stopped = false;

  constructor(
    private readonly path: string,
    private readonly watcher: WatchLike,
    private readonly listFn: () => Promise<KubeList<T>>,
    private readonly labelSelector?: string,
    private readonly fieldSelector?: string,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.doneHandler(null);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abortRequest();
  }

  on(verb: ListWatchVerb, cb: (arg: any) => void): void {
    const list = this.callbacks[verb];
    if (!list) throw new Error(`Unknown verb: ${verb}`);
    list.push(cb);
  }

  get(name: string, namespace?: string): T | undefined {
    return this.objects.get(namespace || '')?.get(name);
  }

  list(namespace?: string): ReadonlyArray<T> {
    if (!namespace) {
      const all: T[] = [];
      for (const byName of this.objects.values()) all.push(...byName.values());
      return all;
    }
    const byName = this.objects.get(namespace);
    return byName ? Array.from(byName.values()) : [];
  }

  private abortRequest(): void {
    const request = this.request;
    this.request = undefined;
    request?.abort();
  }

  private async doneHandler(err: any): Promise<void> {
    this.abortRequest();
    if (err && (err.statusCode === 410 || err.code === 410)) {
      this.resourceVersion = '';
    } else if (err) {
      this.callbacks.error.slice().forEach((cb) => cb(err));
      return;
    }
    if (this.stopped) return;
    this.callbacks.connect.slice().forEach((cb) => cb(undefined));
    if (!this.resourceVersion) {
      let list: KubeList<T>;
      try {
        list = await this.listFn();
      } catch (e) {
        this.callbacks.error.slice().forEach((cb) => cb(e));
        return;
      }
      this.deleteMissing(list.items ?? []);
      for (const obj of list.items ?? []) this.addOrUpdate(obj);
      this.resourceVersion = list.metadata?.resourceVersion || '';
    }
    const query: Record<string, string> = { resourceVersion: this.resourceVersion };
    if (this.labelSelector !== undefined) query.labelSelector = this.labelSelector;
    if (this.fieldSelector !== undefined) query.fieldSelector = this.fieldSelector;
    this.request = await this.watcher.watch(this.path, query, (type, obj) => this.onEvent(type, obj), (e) => void this.doneHandler(e));
  }

  private onEvent(type: string, obj: any): void {
    switch (type) {
      case 'ERROR':
        if (obj?.code === 410) this.resourceVersion = '';
        return; // the watch ends after it; doneHandler then lists again
      case 'ADDED':
      case 'MODIFIED':
        this.addOrUpdate(obj);
        break;
      case 'DELETED':
        this.deleteObject(obj);
        break;
      default: // BOOKMARK: only its resourceVersion
        break;
    }
    this.resourceVersion = obj?.metadata?.resourceVersion || '';
  }

  private addOrUpdate(obj: T): void {
    const ns = obj.metadata.namespace || '';
    let byName = this.objects.get(ns);
    if (!byName) {
      byName = new Map();
      this.objects.set(ns, byName);
    }
    const name = obj.metadata.name || '';
    const found = byName.get(name);
    if (!found) {
      byName.set(name, obj);
      this.callbacks.add.slice().forEach((cb) => cb(obj));
    } else if (found.metadata.resourceVersion == null || found.metadata.resourceVersion !== obj.metadata.resourceVersion) {
      byName.set(name, obj);
      this.callbacks.update.slice().forEach((cb) => cb(obj));
    }
  }

  private deleteObject(obj: T): void {
    const ns = obj.metadata.namespace || '';
    const byName = this.objects.get(ns);
    if (!byName) return;
    if (byName.delete(obj.metadata.name || '')) {
      this.callbacks.delete.slice().forEach((cb) => cb(obj));
      if (byName.size === 0) this.objects.delete(ns);
    }
  }

  /** Before a (re)list is applied: what the cache holds and the list lacks is deleted and reported. */
  private deleteMissing(items: readonly T[]): void {
    const listed = new Map<string, Set<string>>();
    for (const obj of items) {
      const ns = obj.metadata.namespace || '';
      let names = listed.get(ns);
      if (!names) listed.set(ns, (names = new Set()));
      names.add(obj.metadata.name || '');
    }
    const deletes = this.callbacks.delete.slice();
    for (const [ns, byName] of this.objects) {
      const names = listed.get(ns);
      if (names) {
        for (const [name, old] of byName) {
          if (!names.has(name)) {
            byName.delete(name);
            deletes.forEach((cb) => cb(old));
          }
        }
      } else {
        this.objects.delete(ns);
        byName.forEach((old) => deletes.forEach((cb) => cb(old)));
      }
    }
  }
}

/**
 * A Watch that asks for bookmarks (`allowWatchBookmarks=true`) and reports each one: a quiet
 * but healthy watch then shows it is alive, and the watchdog does not relist it.
 */
export function withBookmarks(watch: WatchLike, onBookmark: () => void): WatchLike {
  return {
    watch: (path, query, cb, done) => watch.watch(path, { ...query, allowWatchBookmarks: true }, (type, obj, raw) => {
      if (type === 'BOOKMARK') onBookmark();
      cb(type, obj, raw);
    }, done),
  };
}

interface Instance<T> {
  readonly lw: ListWatchLike<T>;
  /** False once this instance was stopped or replaced; its callbacks are then ignored. */
  live: boolean;
  starting: boolean;
  errorSeen: boolean;
  lastError?: unknown;
}

export class Informer<T extends KubeObject> {
  readonly name: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly restartBaseMs: number;
  private readonly restartMaxMs: number;
  private readonly watchdogMs: number;
  private current?: Instance<T>;
  private synced = false;
  private stopped = true;
  private failures = 0;
  private lastActivity = 0;
  private restartTimer?: Timer;
  private watchdogTimer?: Timer;
  private relisting?: Promise<boolean>;
  private listeners: Array<InformerListener<T>> = [];
  private relistListeners: Array<() => void> = [];
  private reconnectListeners: Array<() => void> = [];
  private syncWaiters: Array<() => void> = [];
  private relistCount = 0;
  /** What a relist with `dropCache` keeps of the dropped cache, until the swap. */
  private tombstones?: T[];

  /**
   * @param factory builds a ListWatch; `onActivity` is for what the ListWatch does not report
   * (watch bookmarks) and keeps the watchdog quiet
   */
  constructor(private readonly factory: (onActivity: () => void) => ListWatchLike<T>, private readonly options: InformerOptions<T>) {
    this.name = options.name;
    this.clock = options.clock ?? systemClock;
    this.log = (options.log ?? nullLogger).child({ informer: options.name });
    this.restartBaseMs = options.restartBaseMs ?? 1000;
    this.restartMaxMs = options.restartMaxMs ?? 10_000;
    this.watchdogMs = options.watchdogMs ?? 10 * 60_000;
  }

  /** Registers a listener for adds, updates and deletes (also the resync after a relist). */
  onEvent(listener: InformerListener<T>): void {
    this.listeners.push(listener);
  }

  /** Registers a listener called after a relist was swapped in (the cache is a fresh LIST). */
  onRelisted(listener: () => void): void {
    this.relistListeners.push(listener);
  }

  /**
   * Registers a listener called when the watch runs again after an error (the API server
   * answers again), after the resync was reported.
   */
  onReconnected(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  /**
   * Restarts a watch that waits out its error backoff now (the API server is known to answer
   * again); does nothing when the watch runs or a restart is under way.
   */
  retryNow(): void {
    const timer = this.restartTimer;
    const inst = this.current;
    if (!timer || !inst || this.stopped) return;
    timer.cancel();
    this.restartTimer = undefined;
    this.restart(inst);
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  /** Whether the watch currently runs (false while restarting after an error). */
  get isWatching(): boolean {
    return !!this.current && !this.restartTimer && !this.stopped;
  }

  /** Number of completed relists (watchdog or forced); for tests and logs. */
  get relists(): number {
    return this.relistCount;
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.current?.lw.get(name, namespace || undefined);
  }

  list(namespace?: string): ReadonlyArray<T> {
    return this.current?.lw.list(namespace || undefined) ?? [];
  }

  /** Starts listing and watching; returns at once (see `waitForSync`). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const inst = this.newInstance();
    this.current = inst;
    this.touch();
    void this.startInstance(inst).then((ok) => {
      if (this.stopped || inst !== this.current) return;
      if (ok) {
        this.failures = 0;
        this.markSynced();
      } else {
        this.scheduleRestart(inst);
      }
    });
    this.scheduleWatchdog();
  }

  /** Resolves true once synced, false if `signal` aborts or the informer stops first. */
  async waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.synced) return true;
    if (signal?.aborted || this.stopped) return false;
    await new Promise<void>((resolve) => {
      this.syncWaiters.push(resolve);
      signal?.addEventListener('abort', () => resolve(), { once: true });
    });
    return this.synced;
  }

  /**
   * Lists from scratch with a new ListWatch and swaps it in once synced; concurrent calls
   * share one relist. Resolves true when swapped, false if the informer stopped first.
   *
   * With `dropCache` (for a new leader, whose reconcilers do not read the cache until the
   * relist is done) the old cache is let go *before* the LIST, so two full caches are never
   * held at once: only a tombstone per object (name, namespace, uid, labels, owners) is kept,
   * to report the objects that vanished as deletes. Meanwhile `get`/`list` answer nothing.
   * Without it (the watchdog, while reconcilers run) the old cache serves until the swap.
   */
  relist(reason = 'forced', options: { dropCache?: boolean } = {}): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    if (this.relisting) return this.relisting;
    this.options.metrics?.informerRestarts.inc({ resource: this.name, reason });
    this.log.info('relisting', { reason, dropCache: options.dropCache === true });
    if (options.dropCache && this.current) {
      const old = this.current;
      old.live = false;
      this.tombstones = old.lw.list().map(tombstone) as T[];
      this.current = undefined;
      this.restartTimer?.cancel();
      this.restartTimer = undefined;
      void old.lw.stop().catch(() => undefined);
    }
    this.relisting = (async () => {
      for (let attempt = 0; !this.stopped; attempt++) {
        const inst = this.newInstance();
        const ok = await this.startInstance(inst);
        if (ok && !this.stopped) {
          this.swap(inst);
          return true;
        }
        inst.live = false;
        await inst.lw.stop().catch(() => undefined);
        if (this.stopped) break;
        const delay = backoffDelay(attempt, this.restartBaseMs, this.restartMaxMs, 0.5);
        this.log.warn('relist failed; retrying', { delayMs: delay, ...errorFields(inst.lastError) });
        await sleep(this.clock, delay);
      }
      return false;
    })().finally(() => {
      this.relisting = undefined;
    });
    return this.relisting;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.restartTimer?.cancel();
    this.restartTimer = undefined;
    this.watchdogTimer?.cancel();
    this.watchdogTimer = undefined;
    const inst = this.current;
    if (inst) {
      inst.live = false;
      await inst.lw.stop().catch(() => undefined);
    }
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    waiters.forEach((w) => w());
  }

  private newInstance(): Instance<T> {
    let inst!: Instance<T>;
    const lw = this.factory(() => {
      if (inst?.live && inst === this.current) this.touch();
    });
    inst = { lw, live: true, starting: false, errorSeen: false };
    const transform = this.options.transform;
    const forward = (type: InformerEventType) => (obj: T) => {
      transform?.(obj);
      // Events of a relist in progress are held back: it is swapped in as a whole.
      if (!inst.live || inst !== this.current) return;
      this.touch();
      this.emit(type, obj);
    };
    lw.on('add', forward('add'));
    lw.on('update', forward('update'));
    lw.on('delete', forward('delete'));
    lw.on('connect', () => {
      if (inst.live && inst === this.current) this.touch();
    });
    lw.on('error', (err?: unknown) => {
      if (!inst.live) return; // our own stop() aborts the watch, which reports an error
      inst.lastError = err;
      if (inst.starting) {
        inst.errorSeen = true;
        return;
      }
      if (inst === this.current && !this.stopped) {
        this.log.warn('watch failed; restarting', errorFields(err));
        this.scheduleRestart(inst);
      }
    });
    return inst;
  }

  private async startInstance(inst: Instance<T>): Promise<boolean> {
    inst.starting = true;
    inst.errorSeen = false;
    try {
      await inst.lw.start();
    } catch (e) {
      inst.errorSeen = true;
      inst.lastError = e;
    } finally {
      inst.starting = false;
    }
    if (!inst.live) {
      // Stopped or replaced while listing: ListWatch opens its watch after the list even
      // when stop() came in between, so stop it again to close that watch.
      await inst.lw.stop().catch(() => undefined);
      return false;
    }
    return !inst.errorSeen;
  }

  private scheduleRestart(inst: Instance<T>): void {
    if (this.restartTimer || this.stopped) return;
    const delay = backoffDelay(this.failures, this.restartBaseMs, this.restartMaxMs, 0.5);
    this.failures++;
    this.options.metrics?.informerRestarts.inc({ resource: this.name, reason: 'error' });
    this.log.warn('informer will restart', { delayMs: delay, failures: this.failures, ...errorFields(inst.lastError) });
    this.restartTimer = this.clock.setTimer(delay, () => {
      this.restartTimer = undefined;
      this.restart(inst);
    });
  }

  /** Starts `inst` again (after an error); on success reports a resync, else backs off again. */
  private restart(inst: Instance<T>): void {
    if (this.stopped || inst !== this.current || !inst.live) return;
    void this.startInstance(inst).then((ok) => {
      if (this.stopped || inst !== this.current || !inst.live) return;
      if (ok) {
        this.log.info('informer restarted; resyncing', { failures: this.failures, objects: inst.lw.list().length });
        this.failures = 0;
        this.touch();
        this.markSynced();
        for (const o of inst.lw.list()) this.emit('update', o);
        for (const l of this.reconnectListeners) l();
      } else {
        this.scheduleRestart(inst);
      }
    });
  }

  private swap(inst: Instance<T>): void {
    const old = this.current;
    const gone = old ? old.lw.list() : this.tombstones ?? [];
    this.tombstones = undefined;
    this.current = inst;
    this.restartTimer?.cancel();
    this.restartTimer = undefined;
    this.failures = 0;
    this.relistCount++;
    this.touch();
    if (old) {
      old.live = false;
      void old.lw.stop().catch(() => undefined);
    }
    for (const o of gone) {
      if (!inst.lw.get(o.metadata.name ?? '', o.metadata.namespace)) this.emit('delete', o);
    }
    for (const o of inst.lw.list()) this.emit('update', o);
    this.markSynced();
    for (const l of this.relistListeners) l();
  }

  private scheduleWatchdog(): void {
    if (this.watchdogMs <= 0 || this.stopped) return;
    const period = Math.max(1000, Math.floor(this.watchdogMs / 4));
    this.watchdogTimer = this.clock.setTimer(period, () => {
      this.watchdogTimer = undefined;
      if (this.stopped) return;
      const idle = this.clock.now() - this.lastActivity;
      if (this.synced && !this.relisting && idle >= this.watchdogMs) {
        this.log.info('watch silent; watchdog relists', { idleMs: idle });
        void this.relist('watchdog');
      }
      this.scheduleWatchdog();
    });
  }

  private touch(): void {
    this.lastActivity = this.clock.now();
  }

  private markSynced(): void {
    if (!this.synced) {
      this.synced = true;
      this.options.metrics?.informerSynced.set({ resource: this.name }, 1);
      this.log.info('informer synced', { objects: this.list().length });
    }
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    waiters.forEach((w) => w());
  }

  private emit(type: InformerEventType, obj: T): void {
    for (const l of this.listeners) {
      try {
        l(type, obj);
      } catch (e) {
        this.log.error('informer listener failed', errorFields(e));
      }
    }
  }
}
