/**
 * `KubeApi` over HTTPS with a `KubeConfig` (./config.ts) for the connection (server, CA, client
 * certificates, bearer tokens including the rotating in-cluster token), and the WATCH stream
 * the informers' `ListWatch` reads. Requests and answers are raw JSON; see ./types.ts for why
 * client-node's typed API is not used.
 */
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import { ApiError, DeleteOptions, KubeApi, ListOptions } from './api';
import type { WatchLike } from './informer';
import { KubeList, KubeObject, resourcePath, ResourceType } from './types';
import { FIELD_MANAGER } from '../../../src/contract/keys';

/** The part of a `KubeConfig` (ours, ./config.ts, or client-node's) the client uses. */
export interface KubeConfigLike {
  getCurrentCluster(): { server: string } | null;
  applyToHTTPSOptions(opts: https.RequestOptions): Promise<void>;
}

export interface RestClientOptions {
  /** Per-request timeout (default 30 s). */
  readonly timeoutMs?: number;
  /** Page size of lists (default 500). */
  readonly pageSize?: number;
  /** Who writes (`fieldManager`, and the User-Agent); default the controller's name. */
  readonly fieldManager?: string;
}

interface RequestSpec {
  readonly method: string;
  readonly path: string;
  readonly query?: Record<string, string | number | undefined>;
  readonly body?: unknown;
  readonly contentType?: string;
}

/** What a watch's `done` callback gets for an HTTP error answer: the status code, and the API's message. */
export interface WatchError extends Error {
  readonly statusCode?: number;
}

export class RestClient implements KubeApi, WatchLike {
  private readonly timeoutMs: number;
  private readonly pageSize: number;
  private readonly fieldManager: string;
  private agent?: { readonly identity: string; readonly agent: https.Agent; readonly source: https.Agent };

  constructor(private readonly kc: KubeConfigLike, options: RestClientOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.pageSize = options.pageSize ?? 500;
    this.fieldManager = options.fieldManager ?? FIELD_MANAGER;
  }

  async get<T extends KubeObject>(rt: ResourceType, namespace: string | undefined, name: string): Promise<T> {
    return this.request<T>({ method: 'GET', path: resourcePath(rt, namespace, name) });
  }

  async list<T extends KubeObject>(rt: ResourceType, options: ListOptions = {}): Promise<KubeList<T>> {
    // Pages through the collection; all pages belong to the first page's snapshot, whose
    // resourceVersion is the one to watch from.
    const items: T[] = [];
    let first: KubeList<T> | undefined;
    let cont = options.continue;
    for (let page = 0; page < 100_000; page++) {
      const result = await this.request<KubeList<T>>({
        method: 'GET',
        path: resourcePath(rt, options.namespace),
        query: {
          labelSelector: options.labelSelector,
          fieldSelector: options.fieldSelector,
          limit: options.limit ?? this.pageSize,
          continue: cont,
        },
      });
      first ??= result;
      if (options.transform) result.items?.forEach(options.transform);
      items.push(...(result.items ?? []));
      cont = result.metadata?.continue;
      if (!cont || options.limit !== undefined) break;
    }
    return { ...first!, metadata: { resourceVersion: first?.metadata?.resourceVersion }, items };
  }

  async create<T extends KubeObject>(rt: ResourceType, namespace: string | undefined, body: T): Promise<T> {
    return this.request<T>({ method: 'POST', path: resourcePath(rt, namespace), query: { fieldManager: this.fieldManager }, body });
  }

  async replace<T extends KubeObject>(rt: ResourceType, namespace: string | undefined, name: string, body: T): Promise<T> {
    return this.request<T>({
      method: 'PUT', path: resourcePath(rt, namespace, name), query: { fieldManager: this.fieldManager }, body,
    });
  }

  async mergePatch<T extends KubeObject>(
    rt: ResourceType, namespace: string | undefined, name: string, patch: object, subresource?: 'status',
  ): Promise<T> {
    return this.request<T>({
      method: 'PATCH',
      path: resourcePath(rt, namespace, name, subresource),
      query: { fieldManager: this.fieldManager },
      body: patch,
      contentType: 'application/merge-patch+json',
    });
  }

  async delete(rt: ResourceType, namespace: string | undefined, name: string, options: DeleteOptions = {}): Promise<void> {
    await this.request({
      method: 'DELETE',
      path: resourcePath(rt, namespace, name),
      body: { apiVersion: 'v1', kind: 'DeleteOptions', ...options },
    });
  }

  /**
   * client-node makes a new `https.Agent` for every request, so every request would pay a
   * new TCP and TLS handshake (about 10 ms on loopback, measured in bench/README.md). One
   * keep-alive agent per TLS identity (CA, client certificate, key) serves them all; a
   * rotated certificate gets a new agent. Proxy agents are left as they are.
   */
  private keepAlive(opts: https.RequestOptions): void {
    const fresh = opts.agent;
    if (!fresh || fresh.constructor !== https.Agent) return;
    if (this.agent?.source === fresh) {
      // Our KubeConfig hands out the same agent while its TLS settings stay the same.
      opts.agent = this.agent.agent;
      return;
    }
    const tls = (fresh as https.Agent).options;
    const identity = createHash('sha256')
      .update(JSON.stringify([tls.ca, tls.cert, tls.key, tls.pfx, tls.passphrase, tls.rejectUnauthorized, tls.servername]))
      .digest('hex');
    if (this.agent?.identity !== identity) {
      this.agent?.agent.destroy();
      this.agent = { identity, agent: new https.Agent({ ...tls, keepAlive: true }), source: fresh as https.Agent };
    } else {
      this.agent = { ...this.agent, source: fresh as https.Agent };
    }
    opts.agent = this.agent.agent;
  }

  /** Closes idle kept-alive connections (at shutdown). */
  close(): void {
    this.agent?.agent.destroy();
    this.agent = undefined;
  }

  /**
   * Watches `path` (a collection) from `query.resourceVersion`, calling `callback` with each
   * event's type and object, and `done` once when the stream ends: `null` when the server
   * closed it, else the error (with `statusCode` for an HTTP error answer). The shape of
   * client-node's `Watch.watch()`, which `ListWatch` builds on. Resolves once the request is
   * sent, with an `abort()` that ends it (then `done` gets an `AbortError`).
   */
  async watch(
    path: string, query: Record<string, any>, callback: (type: string, obj: any, raw: any) => void, done: (err: any) => void,
  ): Promise<{ abort(): void }> {
    let finished = false;
    let req: http.ClientRequest | undefined;
    const finish = (err: unknown) => {
      if (finished) return;
      finished = true;
      // A stream the server ended leaves its socket to the kept-alive agent; anything else closes it.
      if (err !== null) req?.destroy();
      done(err);
    };
    const handle = {
      abort: () => finish(Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' })),
    };
    let transport: typeof http | typeof https;
    let url: URL;
    let opts: https.RequestOptions;
    try {
      ({ transport, url, opts } = await this.prepare({ method: 'GET', path, query: { ...query, watch: 'true' } }));
    } catch (e) {
      finish(e);
      return handle;
    }
    if (finished) return handle;
    req = transport.request(url, opts, (res) => {
      if (res.statusCode !== 200) {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', finish);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let message = res.statusMessage || http.STATUS_CODES[res.statusCode ?? 500] || 'Internal Server Error';
          try {
            message = JSON.parse(text).message || message;
          } catch {
            // not a Status: keep the status text
          }
          finish(Object.assign(new Error(message), { statusCode: res.statusCode }));
        });
        return;
      }
      res.setEncoding('utf8');
      let buffered = '';
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let nl: number;
        while (!finished && (nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl);
          buffered = buffered.slice(nl + 1);
          if (!line.trim()) continue;
          let event: any;
          try {
            event = JSON.parse(line);
          } catch {
            continue; // as client-node: a line that is not JSON is skipped
          }
          callback(event.type, event.object, event);
        }
      });
      res.on('error', finish);
      res.on('end', () => finish(null));
      res.on('close', () => finish(null));
    });
    req.on('socket', (socket) => socket.setKeepAlive(true, 30_000));
    req.on('error', finish);
    req.end();
    return handle;
  }

  private async prepare(
    spec: RequestSpec, payload?: Buffer,
  ): Promise<{ transport: typeof http | typeof https; url: URL; opts: https.RequestOptions }> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new ApiError(0, 'the kubeconfig has no current cluster');
    const url = new URL(cluster.server.replace(/\/+$/, '') + spec.path);
    for (const [k, v] of Object.entries(spec.query ?? {})) {
      if (v !== undefined && v !== '') url.searchParams.set(k, String(v));
    }
    const opts: https.RequestOptions = {
      method: spec.method,
      headers: {
        'Accept': 'application/json',
        'User-Agent': `${this.fieldManager}/node`,
        ...(payload ? { 'Content-Type': spec.contentType ?? 'application/json', 'Content-Length': payload.length } : {}),
      },
    };
    await this.kc.applyToHTTPSOptions(opts);
    const transport = url.protocol === 'http:' ? http : https;
    if (transport === http) delete opts.agent; // an https.Agent cannot speak plain HTTP
    else this.keepAlive(opts);
    return { transport, url, opts };
  }

  private async request<T>(spec: RequestSpec): Promise<T> {
    const payload = spec.body === undefined ? undefined : Buffer.from(JSON.stringify(spec.body));
    const { transport, url, opts } = await this.prepare(spec, payload);
    return new Promise<T>((resolve, reject) => {
      const req = transport.request(url, opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(new ApiError(0, `${spec.method} ${spec.path}: ${e.message}`)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let body: any;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            body = text;
          }
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) {
            resolve(body as T);
          } else {
            const message = (body && typeof body === 'object' && body.message) || text || res.statusMessage || 'request failed';
            reject(new ApiError(code, `${spec.method} ${spec.path}: ${code} ${message}`,
              body && typeof body === 'object' ? body.reason : undefined, body));
          }
        });
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`timed out after ${this.timeoutMs} ms`)));
      req.on('error', (e) => reject(new ApiError(0, `${spec.method} ${spec.path}: ${e.message}`)));
      if (payload) req.write(payload);
      req.end();
    });
  }
}
