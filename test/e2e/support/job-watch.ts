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
 *
 * A restarted API server's watch cache starts at the revision it listed, and answers a watch
 * from an older resourceVersion with 410 Gone ("too old resource version: Y (X)"). The Jobs'
 * history between Y and X is still in etcd (the API server compacts only revisions over five
 * minutes old), so the watch reads it back with exact-revision LISTs (`resourceVersionMatch=
 * Exact`): each item's resourceVersion is the revision of its last change, and listing at that
 * revision minus one shows the change before it. The replayed changes are recorded in
 * revision order, as the watch would have delivered them, and the watch resumes from X.
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
  /** The controller's `cdk8s-batch.dev/admitted-at` annotation, if set. */
  readonly admittedAt?: string;
  /** When the test process received it (for messages only; the order is what counts). */
  readonly receivedAt: number;
  /** Read back from etcd's history after a 410 Gone, not delivered by the watch. */
  readonly backfilled?: boolean;
}

const ADMITTED_AT = 'cdk8s-batch.dev/admitted-at';
const TOO_OLD = /too old resource version: (\d+) \((\d+)\)/;

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

/** The history needed to bridge a 410 Gone is gone too (compacted, or a Job was deleted). */
class HistoryLost extends Error {}

export class JobWatch {
  /**
   * Starts watching the Jobs of `namespace` matching `labelSelector`; resolves once the API
   * server has accepted the watch, so every later change is recorded.
   */
  static async start(namespace: string, labelSelector: string): Promise<JobWatch> {
    const watch = new JobWatch(namespace, labelSelector, clusterAccess());
    // Watch from a known revision (the collection's, from a LIST), so that a 410 Gone after an
    // API server restart can always be bridged from the last revision the record holds.
    watch.lastResourceVersion = await watch.currentRevision();
    await watch.connect();
    return watch;
  }

  /** Every change, in the order the API server committed them. */
  readonly changes: JobChange[] = [];
  /** How many times the connection dropped and was resumed. */
  reconnects = 0;
  /** How many 410 Gone answers were bridged by reading the history back (see the file comment). */
  gapsBridged = 0;
  private lastResourceVersion?: string;
  private request?: ReturnType<typeof https.request>;
  private stopped = false;
  private closing = false;
  private connected = false;
  private failure?: Error;
  /** Set by a 410 Gone: the revision the restarted API server's watch cache starts at. */
  private resumeFrom?: number;

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
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => {
            // 410 as the answer itself (not as a watch event): bridge it the same way.
            if (res.statusCode === 410 && this.lastResourceVersion !== undefined && this.onTooOld(body)) {
              resolve();
              this.onClose();
              return;
            }
            reject(new Error(`watch of Jobs ${this.labelSelector} in ${this.namespace}: HTTP ${res.statusCode} ${body.slice(0, 300)}`));
          });
          return;
        }
        resolve();
        this.connected = true;
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
        if (!this.connected) reject(e); // the first connection: start() fails
        else this.onClose();
      });
      req.end();
      this.request = req;
    });
  }

  private onEvent(event: { type: string; object: any }): void {
    if (event.type === 'ERROR') {
      // 410 Gone after an API server restart: bridged from etcd's history on reconnect.
      // Anything else (a compacted revision): changes are lost, the record is incomplete.
      if (!this.onTooOld(JSON.stringify(event.object))) this.failure ??= new Error(`watch error: ${JSON.stringify(event.object)}`);
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
      admittedAt: job.metadata.annotations?.[ADMITTED_AT],
      receivedAt: Date.now(),
    });
  }

  /** A 410 "too old resource version: Y (X)": remember to read (Y, X] back before resuming. */
  private onTooOld(text: string): boolean {
    const m = TOO_OLD.exec(text);
    if (!m || m[1] !== this.lastResourceVersion) return false;
    this.resumeFrom = Number(m[2]);
    return true;
  }

  private onClose(): void {
    if (this.stopped || this.closing) return;
    this.closing = true;
    this.reconnects++;
    // Resume from the last change seen; retry while the API server is away.
    const retry = (): void => {
      if (this.stopped) return;
      const bridge = this.resumeFrom !== undefined ? this.backfill(Number(this.lastResourceVersion), this.resumeFrom) : Promise.resolve();
      bridge
        .then(() => {
          this.closing = false;
          return this.connect();
        })
        .catch((e) => {
          this.closing = true;
          if (e instanceof HistoryLost) {
            this.failure ??= e;
            return;
          }
          setTimeout(retry, 500);
        });
    };
    setTimeout(retry, 200);
  }

  /**
   * Records every change of the selected Jobs in revisions (from, to], read back from etcd
   * with exact-revision LISTs, then sets the watch to resume at `to`.
   */
  private async backfill(from: number, to: number): Promise<void> {
    const found = new Map<string, any>(); // `${name}@${rv}` -> the Job as of that change
    const listed = new Set<number>();
    const pending = [to];
    while (pending.length > 0) {
      const rev = pending.pop()!;
      if (rev <= from || listed.has(rev)) continue;
      const items = await this.listAt(rev);
      listed.add(rev);
      for (const job of items) {
        const changedAt = Number(job.metadata.resourceVersion);
        const key = `${job.metadata.name}@${changedAt}`;
        if (changedAt <= from || found.has(key)) continue;
        found.set(key, job);
        pending.push(changedAt - 1); // the change before this one
      }
    }
    const known = new Set<string>();
    for (const c of this.changes) {
      if (c.type === 'DELETED') known.delete(c.name);
      else known.add(c.name);
    }
    const replay = [...found.values()].sort((a, b) => Number(a.metadata.resourceVersion) - Number(b.metadata.resourceVersion));
    for (const job of replay) {
      this.changes.push({
        type: known.has(job.metadata.name) ? 'MODIFIED' : 'ADDED',
        name: job.metadata.name,
        resourceVersion: job.metadata.resourceVersion,
        suspended: job.spec?.suspend === true,
        finished: isFinished(job),
        admittedAt: job.metadata.annotations?.[ADMITTED_AT],
        receivedAt: Date.now(),
        backfilled: true,
      });
      known.add(job.metadata.name);
    }
    // Deletions in the gap are not expected by the tests that bridge gaps (they keep their
    // Jobs); a Job missing at `to` that the record holds makes the record incomplete.
    const atEnd = new Set((await this.listAt(to)).map((j) => j.metadata.name));
    const missing = [...known].filter((n) => !atEnd.has(n));
    if (missing.length > 0) throw new HistoryLost(`Jobs deleted while the watch was down: ${missing.join(', ')}`);
    this.lastResourceVersion = String(to);
    this.resumeFrom = undefined;
    this.gapsBridged++;
  }

  private currentRevision(): Promise<string> {
    return this.get(new URL(`${this.access.server}/apis/batch/v1/namespaces/${this.namespace}/jobs?limit=1`))
      .then((list) => list.metadata.resourceVersion);
  }

  /** The selected Jobs as of etcd revision `rev` (a LIST with resourceVersionMatch=Exact). */
  private listAt(rev: number): Promise<any[]> {
    const url = new URL(`${this.access.server}/apis/batch/v1/namespaces/${this.namespace}/jobs`);
    url.searchParams.set('labelSelector', this.labelSelector);
    url.searchParams.set('resourceVersion', String(rev));
    url.searchParams.set('resourceVersionMatch', 'Exact');
    return this.get(url, rev).then((list) => list.items);
  }

  private get(url: URL, rev?: number): Promise<any> {
    return new Promise((resolve, reject) => {
      const req = https.get(url, {
        ca: this.access.ca,
        cert: this.access.cert,
        key: this.access.key,
        headers: this.access.token ? { Authorization: `Bearer ${this.access.token}` } : {},
      }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          if (res.statusCode === 200) resolve(JSON.parse(body));
          else if (res.statusCode === 410 && rev !== undefined) reject(new HistoryLost(`revision ${rev} was compacted: ${body.slice(0, 300)}`));
          else reject(new Error(`GET ${url.pathname}${url.search}: HTTP ${res.statusCode} ${body.slice(0, 300)}`));
        });
        res.on('error', reject);
      });
      req.on('error', reject);
    });
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

  /**
   * For each Job: whether it was created suspended (queued), how many times it went from
   * suspended to admitted, whether it was ever suspended again after that, and the distinct
   * `admitted-at` values it carried (an admission writes one; a second admission another).
   */
  admissionsByJob(): Map<string, { createdSuspended: boolean; admissions: number; resuspended: boolean; admittedAt: string[] }> {
    this.checkComplete();
    const out = new Map<string, { createdSuspended: boolean; admissions: number; resuspended: boolean; admittedAt: string[] }>();
    const last = new Map<string, boolean>(); // name -> suspended, as last seen
    for (const c of this.changes) {
      if (c.type === 'DELETED') continue;
      let entry = out.get(c.name);
      if (!entry) {
        entry = { createdSuspended: c.suspended, admissions: 0, resuspended: false, admittedAt: [] };
        out.set(c.name, entry);
      }
      const before = last.get(c.name);
      if (!c.suspended && before !== false) entry.admissions++;
      if (c.suspended && before === false) entry.resuspended = true;
      if (c.admittedAt && !entry.admittedAt.includes(c.admittedAt)) entry.admittedAt.push(c.admittedAt);
      last.set(c.name, c.suspended);
    }
    return out;
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
