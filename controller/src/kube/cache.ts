/**
 * Read-your-writes on top of informer caches.
 *
 * An informer learns about the controller's own write only when the watch event arrives, a
 * few milliseconds (or, with a broken watch, minutes) later. A reconcile that runs in between
 * would decide from the old object: e.g. see an admitted Job still suspended and admit one
 * more. client-go's controllers guard against this with "expectations"; here every write
 * goes through `Writer`, which records the answer of the API server, and `Store` serves that
 * answer instead of the cached object for as long as the cache still holds a version the
 * write replaced.
 *
 * No resourceVersion ordering is needed (they are opaque): every write carries the cached
 * object's resourceVersion as a precondition, so the cache can only hold that version (or an
 * older one of the chain of our own writes) until it catches up; any other version is newer
 * than the write and wins.
 */
import { DeleteOptions, isNotFound, KubeApi } from './api';
import { concurrencyKey, workloadKey } from '../../../src/runs/concurrency-key';
import { KubeObject, ResourceType } from './types';
import { Informer } from './informer';

interface Overlay {
  /** Versions our writes replaced; while the cache shows one of them, the overlay wins. */
  readonly replaced: Set<string>;
  /** The object as the API server returned it, or undefined when we deleted it. */
  readonly obj?: KubeObject;
}

export class WriteTracker {
  private readonly overlays = new Map<string, Overlay>();
  /** Objects we created that the informer of `plural` has not shown yet, by uid, with the order of creation. */
  private readonly created = new Map<string, { readonly plural: string; readonly obj: KubeObject; readonly seq: number }>();
  private seq = 0;

  /** Records that we created `obj` (the API server's answer) in the collection `plural`. */
  recordCreate(plural: string, obj: KubeObject): void {
    if (obj.metadata.uid) this.created.set(obj.metadata.uid, { plural, obj, seq: this.seq++ });
  }

  /** A LIST of `plural` starts: returns the token to pass to `listed` with its answer. */
  listStarted(): number {
    return this.seq;
  }

  /**
   * A LIST of `plural` that started at `token` answered `items`: a creation made before it
   * that it does not hold no longer exists (deleted while the watch was down, e.g. behind
   * client-node's in-place relist after 410 Gone, which reports no delete for an object it
   * never cached). Creations it holds are dropped once the informer shows them.
   */
  listed(plural: string, token: number, items: ReadonlyArray<KubeObject>, inScope: (obj: KubeObject) => boolean = () => true): void {
    const present = new Set(items.map((o) => o.metadata.uid));
    for (const [uid, entry] of this.created) {
      if (entry.plural === plural && entry.seq < token && !present.has(uid) && inScope(entry.obj)) {
        this.created.delete(uid);
        this.overlays.delete(uid);
      }
    }
  }

  forgetCreatedUid(uid: string): void {
    this.created.delete(uid);
  }

  /** Forgets our creations in `plural` (the informer relisted, so it shows those that exist). */
  forgetCreated(plural: string): void {
    for (const [uid, entry] of this.created) {
      if (entry.plural === plural) this.created.delete(uid);
    }
  }

  /**
   * Our creations in `plural` (and `namespace`) that the cache does not hold yet, passed
   * through `resolve` so that a later write on top of a creation shows.
   */
  createdNotSeen<T extends KubeObject>(plural: string, namespace?: string, name?: string): T[] {
    const out: T[] = [];
    for (const { plural: p, obj } of this.created.values()) {
      if (p !== plural || (namespace !== undefined && obj.metadata.namespace !== namespace)) continue;
      if (name !== undefined && obj.metadata.name !== name) continue;
      const resolved = this.resolve(obj as T);
      if (resolved) out.push(resolved);
    }
    return out;
  }

  /** Records that `before` (as the cache had it) became `after` (undefined: deleted). */
  record(before: KubeObject, after: KubeObject | undefined): void {
    const uid = before.metadata.uid;
    const rv = before.metadata.resourceVersion;
    if (!uid || !rv) return;
    const existing = this.overlays.get(uid);
    const replaced = new Set<string>([rv]);
    if (existing && existing.obj?.metadata.resourceVersion === rv) {
      // A write on top of our previous write: the cache may still show any version before.
      existing.replaced.forEach((v) => replaced.add(v));
    }
    this.overlays.set(uid, { replaced, obj: after });
  }

  /** What readers should see for a cached object: the overlay, the object, or nothing. */
  resolve<T extends KubeObject>(cached: T): T | undefined {
    const uid = cached.metadata.uid;
    const overlay = uid ? this.overlays.get(uid) : undefined;
    if (!overlay) return cached;
    if (overlay.replaced.has(cached.metadata.resourceVersion ?? '')) {
      return overlay.obj as T | undefined;
    }
    this.overlays.delete(uid!);
    return cached;
  }

  /** The informer saw `obj` (added, updated or deleted): drop overlays it supersedes. */
  observe(obj: KubeObject, deleted: boolean): void {
    const uid = obj.metadata.uid;
    if (!uid) return;
    this.created.delete(uid);
    const overlay = this.overlays.get(uid);
    if (!overlay) return;
    if (deleted || !overlay.replaced.has(obj.metadata.resourceVersion ?? '')) {
      this.overlays.delete(uid);
    }
  }

  get size(): number {
    return this.overlays.size + this.created.size;
  }
}

/**
 * A read-only view of one informer's cache with the controller's own writes applied, indexed
 * by workload (the run core's concurrency key: namespace and workload), so that a workload's reconcile
 * reads its own objects, not every object of its namespace.
 */
export class Store<T extends KubeObject> {
  /** `namespace/workload` -> names of the cached objects of that workload. */
  private readonly byWorkload = new Map<string, Set<string>>();
  /** `namespace/name` -> the workload key it is indexed under. */
  private readonly workloadOf = new Map<string, string>();

  /**
   * @param plural the informer's resource (e.g. `jobs`), to show our own creations in it
   * before the informer does
   */
  constructor(private readonly informer: Informer<T>, private readonly tracker: WriteTracker, private readonly plural?: string) {
    informer.onEvent((type, obj) => {
      tracker.observe(obj, type === 'delete');
      this.index(obj, type === 'delete');
    });
    // A relist is a LIST made after our creations: it holds every one of them that still exists.
    if (plural) informer.onRelisted(() => tracker.forgetCreated(plural));
  }

  /** The objects of one workload (`cdk8s-batch.dev/workload: workload` for Jobs and CronJobs) in `namespace`. */
  listWorkload(namespace: string, workload: string): T[] {
    const out: T[] = [];
    const key = workloadKey(namespace, workload);
    for (const name of this.byWorkload.get(key) ?? []) {
      const cached = this.informer.get(namespace, name);
      const obj = cached ? this.tracker.resolve(cached) : undefined;
      if (obj) out.push(obj);
    }
    if (this.plural) {
      out.push(...this.notCached(this.tracker.createdNotSeen<T>(this.plural, namespace))
        .filter((obj) => concurrencyKey(obj) === key));
    }
    return out;
  }

  private index(obj: KubeObject, deleted: boolean): void {
    const objectKey = `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    const key = deleted ? undefined : concurrencyKey(obj);
    const before = this.workloadOf.get(objectKey);
    if (before === key) return;
    if (before !== undefined) {
      const names = this.byWorkload.get(before)!;
      names.delete(obj.metadata.name!);
      if (names.size === 0) this.byWorkload.delete(before);
      this.workloadOf.delete(objectKey);
    }
    if (key !== undefined) {
      let names = this.byWorkload.get(key);
      if (!names) this.byWorkload.set(key, (names = new Set()));
      names.add(obj.metadata.name!);
      this.workloadOf.set(objectKey, key);
    }
  }

  get hasSynced(): boolean {
    return this.informer.hasSynced;
  }

  get(namespace: string | undefined, name: string): T | undefined {
    const cached = this.informer.get(namespace, name);
    if (cached) return this.tracker.resolve(cached);
    return this.plural ? this.notCached(this.tracker.createdNotSeen<T>(this.plural, namespace, name))[0] : undefined;
  }

  list(namespace?: string): T[] {
    const out: T[] = [];
    for (const cached of this.informer.list(namespace)) {
      const obj = this.tracker.resolve(cached);
      if (obj) out.push(obj);
    }
    if (this.plural) {
      out.push(...this.notCached(this.tracker.createdNotSeen<T>(this.plural, namespace)));
    }
    return out;
  }

  /**
   * Our creations the cache does not hold. The watch event of a creation can arrive before
   * the API server's answer does; then the cache has it already and the record is dropped.
   */
  private notCached(created: T[]): T[] {
    return created.filter((obj) => {
      const cached = this.informer.get(obj.metadata.namespace, obj.metadata.name!);
      if (cached?.metadata.uid !== obj.metadata.uid) return true;
      this.tracker.forgetCreatedUid(obj.metadata.uid!);
      return false;
    });
  }
}

/** A write refused because leadership lapsed (the renew deadline passed). */
export class NotLeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotLeaderError';
  }
}

/** Conditional writes: every write is preconditioned on the version the decision was based on. */
export class Writer {
  /**
   * @param mayWrite whether this instance may still write (the leader within its renew
   * deadline): checked before every write, so a reconcile in flight when leadership lapses
   * writes nothing more
   */
  constructor(readonly api: KubeApi, private readonly tracker: WriteTracker, private readonly mayWrite: () => boolean = () => true) {}

  private guard(verb: string, obj: KubeObject): void {
    if (!this.mayWrite()) {
      throw new NotLeaderError(`not writing (${verb} ${obj.metadata.namespace ?? ''}/${obj.metadata.name}): this instance is no longer the leader`);
    }
  }

  /**
   * Merge-patches `obj`, carrying its resourceVersion: if the object changed since it was
   * read, the API server answers 409 Conflict and nothing is written.
   */
  async patch<T extends KubeObject>(rt: ResourceType, obj: T, patch: Record<string, unknown>, subresource?: 'status'): Promise<T> {
    const meta = (patch.metadata ?? {}) as Record<string, unknown>;
    const body = { ...patch, metadata: { ...meta, resourceVersion: obj.metadata.resourceVersion } };
    this.guard('patch', obj);
    let result: T;
    try {
      result = await this.api.mergePatch<T>(rt, obj.metadata.namespace, obj.metadata.name!, body, subresource);
    } catch (e) {
      if (isNotFound(e)) {
        // Gone: readers stop seeing it now, not when (or if) the informer reports it.
        this.tracker.record(obj, undefined);
        if (obj.metadata.uid) this.tracker.forgetCreatedUid(obj.metadata.uid);
      }
      throw e;
    }
    this.tracker.record(obj, result);
    return result;
  }

  /**
   * Creates `obj`; readers of the collection's Store see it at once (client-go's creation
   * "expectations"), so a reconcile that runs before the watch event never creates it twice.
   */
  async create<T extends KubeObject>(rt: ResourceType, obj: T): Promise<T> {
    this.guard('create', obj);
    const result = await this.api.create<T>(rt, obj.metadata.namespace, obj);
    this.tracker.recordCreate(rt.plural, result);
    return result;
  }

  /** Deletes `obj` if it still has the uid and resourceVersion read; absent counts as done. */
  async delete(rt: ResourceType, obj: KubeObject, options: Omit<DeleteOptions, 'preconditions'> = {}): Promise<void> {
    this.guard('delete', obj);
    try {
      await this.api.delete(rt, obj.metadata.namespace, obj.metadata.name!, {
        ...options,
        preconditions: { uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion },
      });
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
    this.tracker.record(obj, undefined);
  }
}
