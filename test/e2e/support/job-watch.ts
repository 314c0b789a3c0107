/**
 * An exact record of a set of Jobs, for assertions about concurrency and order.
 *
 * Polling `kubectl get` can miss a Job that started and finished between two looks, and
 * timestamps in Job status have whole seconds, so neither can prove "never more than N at
 * once". A watch can: the API server delivers every change of the selected Jobs in the order
 * etcd committed them (resourceVersion order), so replaying the stream gives the true number
 * of admitted, unfinished Jobs after every write, with no sampling gap. When the connection
 * drops (an API server restart), the watch resumes from the last resourceVersion it saw, so no
 * change is lost either.
 */
import * as https from 'https';
import { kubectl } from './rig';

/** One change of one Job, as the watch delivered it. */
export interface JobChange {
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly name: string;
  readonly resourceVersion: string;
  /** `spec.suspend` is true (queued, not admitted). */
  readonly suspended: boolean;
  /** A `Complete` or `Failed` condition is True (Kubernetes' definition of finished). */
  readonly finished: boolean;
  /** When the test process received it (for messages only; the order is what counts). */
  readonly receivedAt: number;
}

interface ClusterAccess {
  readonly server: string;
  readonly ca: Buffer;
  readonly cert?: Buffer;
  readonly key?: Buffer;
  readonly token?: string;
}

function clusterAccess(): ClusterAccess {
  const config = JSON.parse(kubectl(['config', 'view', '--raw', '--minify', '-o', 'json']));
  const cluster = config.clusters[0].cluster;
  const user = config.users[0].user;
  const data = (field: string): Buffer | undefined => (user[field] ? Buffer.from(user[field], 'base64') : undefined);
  return {
    server: cluster.server,
    ca: Buffer.from(cluster['certificate-authority-data'], 'base64'),
    cert: data('client-certificate-data'),
    key: data('client-key-data'),
    token: user.token,
  };
}

const isFinished = (job: any): boolean =>
  (job.status?.conditions ?? []).some((c: any) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

export class JobWatch {
  /**
   * Starts watching the Jobs of `namespace` matching `labelSelector`; resolves once the API
   * server has accepted the watch, so every later change is recorded.
   */
  static async start(namespace: string, labelSelector: string): Promise<JobWatch> {
    const watch = new JobWatch(namespace, labelSelector, clusterAccess());
    await watch.connect();
    return watch;
  }

  /** Every change, in the order the API server committed them. */
  readonly changes: JobChange[] = [];
  /** How many times the connection dropped and was resumed. */
  reconnects = 0;
  private lastResourceVersion?: string;
  private request?: ReturnType<typeof https.request>;
  private stopped = false;
  private failure?: Error;

  private constructor(private readonly namespace: string, private readonly labelSelector: string, private readonly access: ClusterAccess) {}

  private connect(): Promise<void> {
    const url = new URL(`${this.access.server}/apis/batch/v1/namespaces/${this.namespace}/jobs`);
    url.searchParams.set('watch', '1');
    url.searchParams.set('labelSelector', this.labelSelector);
    if (this.lastResourceVersion) url.searchParams.set('resourceVersion', this.lastResourceVersion);
    return new Promise((resolve, reject) => {
      const req = https.request(url, {
        ca: this.access.ca,
        cert: this.access.cert,
        key: this.access.key,
        headers: this.access.token ? { Authorization: `Bearer ${this.access.token}` } : {},
      }, (res) => {
        if (res.statusCode !== 200) {
          reject(new Error(`watch of Jobs ${this.labelSelector} in ${this.namespace}: HTTP ${res.statusCode}`));
          res.resume();
          return;
        }
        resolve();
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          let nl: number;
          while ((nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            if (line.trim()) this.onEvent(JSON.parse(line));
          }
        });
        res.on('end', () => this.onClose());
        res.on('error', () => this.onClose());
      });
      req.on('error', (e) => {
        if (this.stopped) return;
        if (this.lastResourceVersion === undefined) reject(e);
        else this.onClose();
      });
      req.end();
      this.request = req;
    });
  }

  private onEvent(event: { type: string; object: any }): void {
    if (event.type === 'ERROR') {
      // 410 Gone: the resourceVersion was compacted, changes are lost; the record is incomplete.
      this.failure = new Error(`watch error: ${JSON.stringify(event.object)}`);
      return;
    }
    if (event.type === 'BOOKMARK') return;
    const job = event.object;
    this.lastResourceVersion = job.metadata.resourceVersion;
    this.changes.push({
      type: event.type as JobChange['type'],
      name: job.metadata.name,
      resourceVersion: job.metadata.resourceVersion,
      suspended: job.spec?.suspend === true,
      finished: isFinished(job),
      receivedAt: Date.now(),
    });
  }

  private onClose(): void {
    if (this.stopped) return;
    this.reconnects++;
    // Resume from the last change seen; retry while the API server is away.
    const retry = (): void => {
      if (this.stopped) return;
      this.connect().catch(() => setTimeout(retry, 500));
    };
    setTimeout(retry, 200);
  }

  /** Throws if the record may be incomplete (a watch error such as 410 Gone). */
  checkComplete(): void {
    if (this.failure) throw this.failure;
  }

  /** Active (admitted, not finished) Jobs after each change; the list of their names. */
  activeAfterEachChange(): string[][] {
    const state = new Map<string, { suspended: boolean; finished: boolean }>();
    const out: string[][] = [];
    for (const c of this.changes) {
      if (c.type === 'DELETED') state.delete(c.name);
      else state.set(c.name, { suspended: c.suspended, finished: c.finished });
      out.push([...state].filter(([, s]) => !s.suspended && !s.finished).map(([n]) => n).sort());
    }
    return out;
  }

  /** The most Jobs that were admitted and unfinished at the same time. */
  maxActive(): number {
    this.checkComplete();
    return Math.max(0, ...this.activeAfterEachChange().map((a) => a.length));
  }

  /** Job names in the order each was first seen admitted (not suspended, not finished). */
  admissionOrder(): string[] {
    this.checkComplete();
    const order: string[] = [];
    for (const c of this.changes) {
      if (!c.suspended && !order.includes(c.name)) order.push(c.name);
    }
    return order;
  }

  /** Names of the Jobs seen finished. */
  finishedJobs(): string[] {
    return [...new Set(this.changes.filter((c) => c.finished).map((c) => c.name))].sort();
  }

  stop(): void {
    this.stopped = true;
    this.request?.destroy();
  }
}
