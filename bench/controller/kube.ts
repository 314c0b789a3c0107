/**
 * A minimal Kubernetes API client for the controller benchmark: JSON requests and watches
 * over HTTPS with the rig's admin client certificate. Requests share one keep-alive
 * connection pool, unless `freshConnection` asks for a new TLS connection (what the
 * controller's RestClient does for every request, through client-node's `createAgent`).
 * Watch events are stamped with `performance.now()` when their bytes arrive, so every time
 * the benchmark takes comes from one monotonic clock.
 */
import * as fs from 'fs';
import * as https from 'https';
import { performance } from 'perf_hooks';
import { parse as parseYaml } from 'yaml';

export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly uid?: string;
    readonly resourceVersion?: string;
    readonly creationTimestamp?: string;
    readonly labels?: Record<string, string>;
    readonly annotations?: Record<string, string>;
    readonly managedFields?: unknown[];
  };
  readonly spec?: any;
  readonly status?: any;
}

export interface KubeList<T> {
  readonly metadata: { readonly resourceVersion: string; readonly continue?: string };
  readonly items: T[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

/** One watch event, with the `performance.now()` at which its bytes arrived. */
export interface WatchEvent<T> {
  readonly type: WatchEventType;
  readonly object: T;
  readonly at: number;
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ApiError';
  }
}

interface Credentials {
  readonly server: URL;
  readonly ca: Buffer;
  readonly cert: Buffer;
  readonly key: Buffer;
}

/** Reads a kubeconfig with embedded client-certificate data (what test/e2e/rig/start.sh writes). */
function loadCredentials(kubeconfigPath: string): Credentials {
  const config = parseYaml(fs.readFileSync(kubeconfigPath, 'utf8'));
  const contextName = config['current-context'];
  const context = config.contexts.find((c: any) => c.name === contextName).context;
  const cluster = config.clusters.find((c: any) => c.name === context.cluster).cluster;
  const user = config.users.find((u: any) => u.name === context.user).user;
  const b64 = (s: string) => Buffer.from(s, 'base64');
  if (!user['client-certificate-data'] || !user['client-key-data']) {
    throw new Error(`${kubeconfigPath}: expected a user with client-certificate-data and client-key-data`);
  }
  return {
    server: new URL(cluster.server),
    ca: b64(cluster['certificate-authority-data']),
    cert: b64(user['client-certificate-data']),
    key: b64(user['client-key-data']),
  };
}

export interface RequestOptions {
  /** JSON merge patch, etc. (default `application/json` when there is a body). */
  readonly contentType?: string;
  /** Open a new TLS connection for this request and close it after (no keep-alive). */
  readonly freshConnection?: boolean;
}

export class Kube {
  private readonly creds: Credentials;
  private readonly pool: https.Agent;
  private readonly watchAgent: https.Agent;

  /** `maxSockets`: concurrent keep-alive connections for ordinary requests. */
  constructor(kubeconfigPath: string, maxSockets = 32) {
    this.creds = loadCredentials(kubeconfigPath);
    const tls = { ca: this.creds.ca, cert: this.creds.cert, key: this.creds.key };
    this.pool = new https.Agent({ ...tls, keepAlive: true, maxSockets });
    this.watchAgent = new https.Agent({ ...tls, keepAlive: false });
  }

  request<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const { ca, cert, key } = this.creds;
    const agent = options.freshConnection ? new https.Agent({ ca, cert, key, keepAlive: false }) : this.pool;
    return new Promise<T>((resolve, reject) => {
      const req = https.request(new URL(path, this.creds.server), {
        method,
        agent,
        headers: {
          Accept: 'application/json',
          ...(payload ? { 'Content-Type': options.contentType ?? 'application/json', 'Content-Length': payload.length } : {}),
        },
        timeout: 60_000,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            resolve((text ? JSON.parse(text) : undefined) as T);
          } else {
            reject(new ApiError(status, `${method} ${path}: ${status} ${text.slice(0, 500)}`));
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: timed out`)));
      req.on('error', reject);
      req.end(payload);
    }).finally(() => {
      if (agent !== this.pool) agent.destroy();
    });
  }

  /** All items of a collection (paged), and the list's resourceVersion to watch from. */
  async list<T>(path: string, query: Record<string, string> = {}): Promise<KubeList<T>> {
    const items: T[] = [];
    let cont: string | undefined;
    let resourceVersion = '';
    do {
      const q = new URLSearchParams({ ...query, limit: '500', ...(cont ? { continue: cont } : {}) });
      const page = await this.request<KubeList<T>>('GET', `${path}?${q}`);
      items.push(...page.items);
      resourceVersion ||= page.metadata.resourceVersion;
      cont = page.metadata.continue;
    } while (cont);
    return { metadata: { resourceVersion }, items };
  }

  /**
   * Watches `path` from `resourceVersion`, calling `onEvent` for every event in order. If
   * the server ends the watch, it is resumed from the last resourceVersion seen; `onError`
   * gets anything that stops it for good (410 Gone, a broken stream).
   */
  watch<T extends KubeObject>(path: string, resourceVersion: string, onEvent: (e: WatchEvent<T>) => void, onError: (e: Error) => void): Watch {
    return new Watch(this.creds, this.watchAgent, path, resourceVersion, onEvent as (e: WatchEvent<KubeObject>) => void, onError);
  }

  close(): void {
    this.pool.destroy();
    this.watchAgent.destroy();
  }
}

export class Watch {
  private stopped = false;
  private req?: ReturnType<typeof https.request>;

  constructor(
    private readonly creds: Credentials,
    private readonly agent: https.Agent,
    private readonly path: string,
    private resourceVersion: string,
    private readonly onEvent: (e: WatchEvent<KubeObject>) => void,
    private readonly onError: (e: Error) => void,
  ) {
    this.open();
  }

  stop(): void {
    this.stopped = true;
    this.req?.destroy();
  }

  private open(): void {
    const q = new URLSearchParams({
      watch: '1', resourceVersion: this.resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds: '3600',
    });
    const req = https.request(new URL(`${this.path}?${q}`, this.creds.server), {
      method: 'GET', agent: this.agent, headers: { Accept: 'application/json' },
    }, (res) => {
      if (res.statusCode !== 200) {
        this.fail(new ApiError(res.statusCode ?? 0, `watch ${this.path}: HTTP ${res.statusCode}`));
        res.resume();
        return;
      }
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const at = performance.now();
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line.trim()) this.deliver(JSON.parse(line), at);
        }
      });
      res.on('end', () => {
        if (!this.stopped) this.open(); // the server's timeout: resume where we were
      });
      res.on('error', (e) => this.fail(e));
    });
    req.on('error', (e) => this.fail(e));
    req.end();
    this.req = req;
  }

  private deliver(raw: { type: WatchEventType; object: KubeObject }, at: number): void {
    if (this.stopped) return;
    if (raw.type === 'ERROR') {
      this.fail(new Error(`watch ${this.path}: ${JSON.stringify(raw.object)}`));
      return;
    }
    if (raw.object.metadata.resourceVersion) this.resourceVersion = raw.object.metadata.resourceVersion;
    if (raw.type !== 'BOOKMARK') this.onEvent({ type: raw.type, object: raw.object, at });
  }

  private fail(e: Error): void {
    if (this.stopped) return;
    this.stopped = true;
    this.req?.destroy();
    this.onError(e);
  }
}

/** Runs `fn` over `items` with at most `parallelism` calls in flight; resolves when all are done. */
export async function inParallel<T>(items: readonly T[], parallelism: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallelism, items.length) }, worker));
}
