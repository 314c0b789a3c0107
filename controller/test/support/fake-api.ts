/**
 * An in-memory API server for unit tests, with the semantics the controller relies on:
 *
 * - one resourceVersion counter (like etcd's revision); every write bumps it;
 * - preconditions: a merge patch or PUT carrying `metadata.resourceVersion`, and a delete with
 *   `preconditions`, fail with 409 Conflict when the object moved on; create of an existing
 *   name fails with 409 AlreadyExists; a missing object is 404;
 * - the status subresource: a patch of the object ignores `status`, a patch of `status`
 *   changes only the status;
 * - list + watch with label and field selectors, where an object leaving a field selector is
 *   sent as DELETED (as the API server does), watches from an old resourceVersion get 410
 *   Gone after `compact()`, and tests can break, close or pause watches.
 *
 * `watcher()` returns an object with client-node `Watch`'s signature (`RestClient.watch`'s),
 * so the real `ListWatch` (src/kube/informer.ts) runs on top of it.
 */
import { randomUUID } from 'node:crypto';
import { ApiError, DeleteOptions, KubeApi, ListOptions } from '../../src/kube/api';
import {
  CRONJOBS, EVENTS, JOB_RUNS, JOB_TEMPLATES, JOBS, KubeList, KubeObject, LEASES, PODS, resourcePath, ResourceType,
} from '../../src/kube/types';
import { Clock } from '../../src/runtime/clock';

export const ALL_TYPES: ResourceType[] = [JOBS, CRONJOBS, PODS, LEASES, EVENTS, JOB_RUNS, JOB_TEMPLATES];
const WITH_STATUS = new Set(['jobs', 'cronjobs', 'pods', 'jobruns']);

type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

interface LogEntry {
  readonly rv: number;
  readonly rt: ResourceType;
  readonly type: WatchEventType;
  readonly obj: KubeObject;
  /** The object before this change (for selector transitions). */
  readonly old?: KubeObject;
}

interface Subscription {
  readonly rt: ResourceType;
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly callback: (type: string, obj: any, raw: any) => void;
  readonly done: (err: any) => void;
  readonly bookmarks: boolean;
  finished: boolean;
}

export interface ApiCall {
  readonly verb: 'get' | 'list' | 'create' | 'replace' | 'patch' | 'delete';
  readonly resource: string;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  readonly body?: any;
}

function clone<T>(v: T): T {
  return v === undefined ? v : JSON.parse(JSON.stringify(v));
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** RFC 7386 JSON merge patch. */
export function applyMergePatch(target: any, patch: any): any {
  if (!isObject(patch)) return clone(patch);
  const out: Record<string, any> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k], v);
  }
  return out;
}

function fieldValue(obj: any, path: string): string {
  let cur = obj;
  for (const part of path.split('.')) cur = cur?.[part];
  return cur === undefined || cur === null ? '' : String(cur);
}

export function matchesLabels(obj: KubeObject, selector?: string): boolean {
  if (!selector) return true;
  const labels = obj.metadata.labels ?? {};
  return selector.split(',').map((s) => s.trim()).filter(Boolean).every((term) => {
    let m: RegExpExecArray | null;
    if ((m = /^([^!=]+)!=(.*)$/.exec(term))) return labels[m[1].trim()] !== m[2].trim();
    if ((m = /^([^!=]+)==?(.*)$/.exec(term))) return labels[m[1].trim()] === m[2].trim();
    if (term.startsWith('!')) return !(term.slice(1) in labels);
    return term in labels;
  });
}

export function matchesFields(obj: KubeObject, selector?: string): boolean {
  if (!selector) return true;
  return selector.split(',').map((s) => s.trim()).filter(Boolean).every((term) => {
    let m: RegExpExecArray | null;
    if ((m = /^([^!=]+)!=(.*)$/.exec(term))) return fieldValue(obj, m[1]) !== m[2];
    if ((m = /^([^!=]+)==?(.*)$/.exec(term))) return fieldValue(obj, m[1]) === m[2];
    throw new Error(`unsupported field selector ${term}`);
  });
}

/** client-node `Watch`'s shape. */
export interface FakeWatch {
  watch(
    path: string, query: Record<string, any>, cb: (type: string, obj: any, raw: any) => void, done: (err: any) => void,
  ): Promise<{ abort(): void }>;
}

export class FakeApi implements KubeApi {
  readonly calls: ApiCall[] = [];
  /** Called before every request; throw (e.g. an ApiError) to make it fail. */
  intercept?: (call: ApiCall) => void;
  private rv = 1000;
  private compactedBelow = 0;
  private readonly buckets = new Map<string, Map<string, KubeObject>>();
  private readonly log: LogEntry[] = [];
  private subs: Subscription[] = [];
  private paused = false;
  private held: LogEntry[] = [];

  constructor(private readonly clock: Clock) {}

  // ---------------------------------------------------------------- KubeApi

  async get<T extends KubeObject>(rt: ResourceType, namespace: string | undefined, name: string): Promise<T> {
    this.call({ verb: 'get', resource: rt.plural, namespace, name });
    const obj = this.bucket(rt).get(this.key(namespace, name));
    if (!obj) throw this.notFound(rt, name);
    return clone(obj) as T;
  }

  async list<T extends KubeObject>(rt: ResourceType, options: ListOptions = {}): Promise<KubeList<T>> {
    this.call({ verb: 'list', resource: rt.plural, namespace: options.namespace });
    const items = [...this.bucket(rt).values()]
      .filter((o) => !options.namespace || o.metadata.namespace === options.namespace)
      .filter((o) => matchesLabels(o, options.labelSelector) && matchesFields(o, options.fieldSelector))
      .map((o) => clone(o) as T);
    return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: String(this.rv) }, items };
  }

  async create<T extends KubeObject>(rt: ResourceType, namespace: string | undefined, body: T): Promise<T> {
    this.call({ verb: 'create', resource: rt.plural, namespace, name: body.metadata.name, body });
    return clone(this.doCreate(rt, namespace, body)) as T;
  }

  async replace<T extends KubeObject>(rt: ResourceType, namespace: string | undefined, name: string, body: T): Promise<T> {
    this.call({ verb: 'replace', resource: rt.plural, namespace, name, body });
    const bucket = this.bucket(rt);
    const key = this.key(namespace, name);
    const old = bucket.get(key);
    if (!old) throw this.notFound(rt, name);
    const rv = body.metadata.resourceVersion;
    if (rv !== undefined && rv !== old.metadata.resourceVersion) throw this.conflict(rt, name);
    const next = clone(body) as KubeObject;
    next.metadata = { ...next.metadata, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp, namespace };
    if (WITH_STATUS.has(rt.plural)) (next as any).status = clone((old as any).status);
    return clone(this.store(rt, next, 'MODIFIED', old)) as T;
  }

  async mergePatch<T extends KubeObject>(
    rt: ResourceType, namespace: string | undefined, name: string, patch: object, subresource?: 'status',
  ): Promise<T> {
    this.call({ verb: 'patch', resource: rt.plural, namespace, name, subresource, body: patch });
    const bucket = this.bucket(rt);
    const old = bucket.get(this.key(namespace, name));
    if (!old) throw this.notFound(rt, name);
    const p = patch as any;
    const rv = p.metadata?.resourceVersion;
    if (rv !== undefined && rv !== old.metadata.resourceVersion) throw this.conflict(rt, name);
    let next: any;
    if (subresource === 'status') {
      next = clone(old);
      next.status = applyMergePatch((old as any).status, p.status ?? {});
    } else {
      const { resourceVersion: _ignored, ...metaPatch } = p.metadata ?? {};
      next = applyMergePatch(old, { ...p, metadata: metaPatch });
      if (WITH_STATUS.has(rt.plural)) next.status = clone((old as any).status);
      next.metadata.uid = old.metadata.uid;
      next.metadata.name = old.metadata.name;
      next.metadata.namespace = old.metadata.namespace;
    }
    if (JSON.stringify(next) === JSON.stringify(old)) return clone(old) as T; // no-op: no new version
    return clone(this.store(rt, next, 'MODIFIED', old)) as T;
  }

  async delete(rt: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}): Promise<void> {
    this.call({ verb: 'delete', resource: rt.plural, namespace, name, body: options });
    const bucket = this.bucket(rt);
    const key = this.key(namespace, name);
    const old = bucket.get(key);
    if (!old) throw this.notFound(rt, name);
    const pre = options.preconditions ?? {};
    if ((pre.uid !== undefined && pre.uid !== old.metadata.uid)
      || (pre.resourceVersion !== undefined && pre.resourceVersion !== old.metadata.resourceVersion)) {
      throw this.conflict(rt, name);
    }
    bucket.delete(key);
    const gone = clone(old);
    gone.metadata.resourceVersion = String(++this.rv);
    this.publish({ rv: this.rv, rt, type: 'DELETED', obj: gone, old });
  }

  // ---------------------------------------------------------------- test helpers

  /** Creates an object as given (server fields filled in when missing), bypassing interception. */
  seed<T extends KubeObject>(rt: ResourceType, obj: T): T {
    return clone(this.doCreate(rt, obj.metadata.namespace, obj)) as T;
  }

  /** Changes an object as another actor would (e.g. the Job controller writing status). */
  update<T extends KubeObject>(rt: ResourceType, namespace: string, name: string, mutate: (obj: T) => void): T {
    const bucket = this.bucket(rt);
    const old = bucket.get(this.key(namespace, name));
    if (!old) throw this.notFound(rt, name);
    const next = clone(old) as T;
    mutate(next);
    return clone(this.store(rt, next, 'MODIFIED', old)) as T;
  }

  /** Deletes as another actor would (no preconditions, not recorded as a call). */
  remove(rt: ResourceType, namespace: string, name: string): void {
    const bucket = this.bucket(rt);
    const key = this.key(namespace, name);
    const old = bucket.get(key);
    if (!old) return;
    bucket.delete(key);
    const gone = clone(old);
    gone.metadata.resourceVersion = String(++this.rv);
    this.publish({ rv: this.rv, rt, type: 'DELETED', obj: gone, old });
  }

  object<T extends KubeObject>(rt: ResourceType, namespace: string | undefined, name: string): T | undefined {
    return clone(this.bucket(rt).get(this.key(namespace, name))) as T | undefined;
  }

  objects<T extends KubeObject>(rt: ResourceType, namespace?: string): T[] {
    return [...this.bucket(rt).values()]
      .filter((o) => !namespace || o.metadata.namespace === namespace)
      .map((o) => clone(o) as T);
  }

  /** Writes the controller made, optionally of one verb and resource. */
  writes(verb?: ApiCall['verb'], resource?: string): ApiCall[] {
    return this.calls.filter((c) => c.verb !== 'get' && c.verb !== 'list'
      && (!verb || c.verb === verb) && (!resource || c.resource === resource));
  }

  /** The Events created so far (events.k8s.io/v1 bodies). */
  events(reason?: string): any[] {
    return this.objects<any>(EVENTS).filter((e) => !reason || e.reason === reason);
  }

  /** Makes watches from before now fail with 410 Gone (like etcd compaction). */
  compact(): void {
    this.compactedBelow = this.rv;
  }

  /** Ends every open watch with an error (connection reset); the client must restart. */
  breakWatches(message = 'connection reset by peer'): void {
    this.endWatches(Object.assign(new Error(message), { code: 'ECONNRESET' }));
  }

  /** Ends every open watch cleanly (the server's watch timeout). */
  closeWatches(): void {
    this.endWatches(null);
  }

  /** Holds back watch events (a slow or stuck watch) until `resumeWatches()`. */
  pauseWatches(): void {
    this.paused = true;
  }

  resumeWatches(): void {
    this.paused = false;
    const held = this.held;
    this.held = [];
    held.forEach((e) => this.deliver(e));
  }

  /** Drops held events for good and stops delivering (a watch that died silently). */
  silenceWatches(): void {
    this.paused = true;
    this.held = [];
  }

  /** Sends a BOOKMARK (the current resourceVersion, no object change) on every open watch that asked for them. */
  bookmark(): void {
    for (const sub of this.subs) {
      if (sub.finished || !sub.bookmarks) continue;
      const obj = { kind: sub.rt.kind, apiVersion: sub.rt.group ? `${sub.rt.group}/${sub.rt.version}` : sub.rt.version, metadata: { resourceVersion: String(this.rv) } };
      sub.callback('BOOKMARK', obj, { type: 'BOOKMARK', object: obj });
    }
  }

  /** The query of every watch opened so far. */
  readonly watchQueries: Array<Record<string, any>> = [];

  get openWatches(): number {
    return this.subs.filter((s) => !s.finished).length;
  }

  /** An object with client-node `Watch`'s `watch()` signature, serving from this store. */
  watcher(): FakeWatch {
    return {
      watch: async (path, query, callback, done) => {
        const { rt, namespace } = this.parsePath(path);
        this.watchQueries.push({ ...query });
        const sub: Subscription = {
          rt, namespace, labelSelector: query.labelSelector, fieldSelector: query.fieldSelector, callback, done, finished: false,
          bookmarks: query.allowWatchBookmarks === true,
        };
        const abort = {
          abort: () => {
            if (sub.finished) return;
            sub.finished = true;
            this.subs = this.subs.filter((s) => s !== sub);
            queueMicrotask(() => done(Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' })));
          },
        };
        const from = Number(query.resourceVersion || 0);
        if (this.intercept) {
          try {
            this.intercept({ verb: 'list', resource: rt.plural, namespace, name: 'watch' });
          } catch (e) {
            sub.finished = true;
            done(e);
            return abort;
          }
        }
        if (from && from < this.compactedBelow) {
          // The API server sends an ERROR event with a 410 Status, then ends the stream.
          queueMicrotask(() => {
            const status = { kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 410, reason: 'Expired', message: 'too old resource version' };
            callback('ERROR', status, { type: 'ERROR', object: status });
            sub.finished = true;
            done(null);
          });
          return abort;
        }
        this.subs.push(sub);
        for (const entry of this.log.filter((e) => e.rv > from && e.rt === rt)) this.send(sub, entry);
        return abort;
      },
    };
  }

  // ---------------------------------------------------------------- internals

  private call(call: ApiCall): void {
    this.calls.push(call);
    this.intercept?.(call);
  }

  private doCreate(rt: ResourceType, namespace: string | undefined, body: KubeObject): KubeObject {
    const bucket = this.bucket(rt);
    const obj = clone(body);
    obj.metadata = { ...obj.metadata };
    if (!obj.metadata.name && obj.metadata.generateName) {
      obj.metadata.name = obj.metadata.generateName + Math.random().toString(36).slice(2, 7);
    }
    if (rt.namespaced) obj.metadata.namespace = namespace ?? obj.metadata.namespace;
    const key = this.key(obj.metadata.namespace, obj.metadata.name!);
    if (bucket.has(key)) {
      throw new ApiError(409, `${rt.plural} "${obj.metadata.name}" already exists`, 'AlreadyExists');
    }
    obj.metadata.uid ??= randomUUID();
    obj.metadata.creationTimestamp ??= new Date(Math.floor(this.clock.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    obj.apiVersion ??= rt.group ? `${rt.group}/${rt.version}` : rt.version;
    obj.kind ??= rt.kind;
    return this.store(rt, obj, 'ADDED');
  }

  private store(rt: ResourceType, obj: KubeObject, type: WatchEventType, old?: KubeObject): KubeObject {
    obj.metadata.resourceVersion = String(++this.rv);
    this.bucket(rt).set(this.key(obj.metadata.namespace, obj.metadata.name!), clone(obj));
    this.publish({ rv: this.rv, rt, type, obj: clone(obj), old: clone(old) });
    return obj;
  }

  private publish(entry: LogEntry): void {
    this.log.push(entry);
    if (this.paused) {
      this.held.push(entry);
      return;
    }
    this.deliver(entry);
  }

  private deliver(entry: LogEntry): void {
    for (const sub of this.subs) {
      if (!sub.finished && sub.rt === entry.rt) this.send(sub, entry);
    }
  }

  private send(sub: Subscription, entry: LogEntry): void {
    const ns = (o?: KubeObject) => !sub.namespace || o?.metadata.namespace === sub.namespace;
    const match = (o?: KubeObject) => !!o && ns(o) && matchesLabels(o, sub.labelSelector) && matchesFields(o, sub.fieldSelector);
    const now = match(entry.obj);
    const before = entry.type === 'MODIFIED' ? match(entry.old) : entry.type === 'DELETED';
    let type: WatchEventType | undefined;
    if (entry.type === 'ADDED') type = now ? 'ADDED' : undefined;
    else if (entry.type === 'DELETED') type = match(entry.obj) ? 'DELETED' : undefined;
    else if (now && before) type = 'MODIFIED';
    else if (now) type = 'ADDED';
    else if (before) type = 'DELETED';
    if (!type) return;
    const obj = clone(entry.obj);
    sub.callback(type, obj, { type, object: obj });
  }

  private endWatches(err: any): void {
    const subs = this.subs;
    this.subs = [];
    for (const sub of subs) {
      if (sub.finished) continue;
      sub.finished = true;
      sub.done(err);
    }
  }

  private parsePath(path: string): { rt: ResourceType; namespace?: string } {
    const m = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)$/.exec(path);
    if (!m) throw new Error(`fake watch: cannot parse ${path}`);
    const rt = ALL_TYPES.find((t) => resourcePath(t) === `${m[1]}/${m[3]}`);
    if (!rt) throw new Error(`fake watch: unknown resource ${path}`);
    return { rt, namespace: m[2] ? decodeURIComponent(m[2]) : undefined };
  }

  private bucket(rt: ResourceType): Map<string, KubeObject> {
    const k = resourcePath(rt);
    let b = this.buckets.get(k);
    if (!b) {
      b = new Map();
      this.buckets.set(k, b);
    }
    return b;
  }

  private key(namespace: string | undefined, name: string): string {
    return `${namespace ?? ''}/${name}`;
  }

  private notFound(rt: ResourceType, name: string): ApiError {
    return new ApiError(404, `${rt.plural} "${name}" not found`, 'NotFound');
  }

  private conflict(rt: ResourceType, name: string): ApiError {
    return new ApiError(409, `Operation cannot be fulfilled on ${rt.plural} "${name}": the object has been modified; ` +
      'please apply your changes to the latest version and try again', 'Conflict');
  }
}
