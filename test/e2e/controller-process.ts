/**
 * Runs the companion controller (controller/dist/controller/src/main.js) as a subprocess
 * against the e2e rig, for the controller-*.e2e.test.ts tests: builds it once (tsc --build,
 * instant when up to date), starts it on loopback with `--metrics-bind 127.0.0.1:0`, reads
 * its JSON log lines, and stops it (SIGTERM) or kills it (SIGKILL).
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { Chart, Testing } from 'cdk8s';
import { installBatchCrds } from './support/crds';
import { apply, kubectl, kubectlAsync, listObjects, waitFor } from './support/rig';
import { Concurrency, CONTROLLER_CLUSTER_RULES, Schedule, ScheduledBatch } from '../../src';

const ROOT = path.resolve(__dirname, '..', '..');
const CONTROLLER_DIR = path.join(ROOT, 'controller');
export const CONTROLLER_MAIN = path.join(CONTROLLER_DIR, 'dist', 'controller', 'src', 'main.js');

let built = false;
let crdsInstalled = false;

/** Compiles the controller (incremental). Its dependencies must be installed (npm ci in controller/). */
export function buildController(): void {
  if (built) return;
  const tsc = path.join(CONTROLLER_DIR, 'node_modules', '.bin', 'tsc');
  if (!fs.existsSync(tsc)) {
    throw new Error('controller/node_modules is missing: run `npm ci` in controller/ (or `npx projen test:controller`) first');
  }
  execFileSync(tsc, ['--build'], { cwd: CONTROLLER_DIR, stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 });
  built = true;
}

/**
 * The controller's RBAC, exactly as the BatchController construct emits it (and
 * docs/controller.md lists): the tests run the controller with a ServiceAccount token bound
 * to these rules only (not as cluster admin), so a missing verb fails them.
 */
export const CONTROLLER_RULES = CONTROLLER_CLUSTER_RULES.map(({ apiGroups, resources, verbs }) => ({ apiGroups, resources, verbs }));
/** Leader election, in the controller's own namespace. */
export const LEASE_RULES = [
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] },
];

/** Least-privilege kubeconfigs made so far, by namespace. */
const kubeconfigs = new Map<string, string>();

/**
 * Creates the controller's ServiceAccount and RBAC in `namespace` (the workload rules as a
 * ClusterRole bound there with a RoleBinding, the Lease rules as a Role) and returns the path
 * of a kubeconfig that authenticates with a token of that ServiceAccount.
 */
export function leastPrivilegeKubeconfig(namespace: string): string {
  const sa = 'cdk8s-batch-controller';
  const clusterRole = `cdk8s-batch-controller-e2e-${namespace}`;
  apply([
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: sa, namespace } },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: clusterRole }, rules: CONTROLLER_RULES },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: `${sa}-workloads`, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: clusterRole },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace }],
    },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: `${sa}-leader-election`, namespace }, rules: LEASE_RULES },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: `${sa}-leader-election`, namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${sa}-leader-election` },
      subjects: [{ kind: 'ServiceAccount', name: sa, namespace }],
    },
  ]);
  return serviceAccountKubeconfig(sa, namespace);
}

/**
 * Removes the cluster-scoped part of `leastPrivilegeKubeconfig` (the rest goes with the
 * namespace) and the kubeconfig file with its token.
 */
export function deleteControllerRbac(namespace: string): void {
  kubectl(['delete', 'clusterrole', `cdk8s-batch-controller-e2e-${namespace}`, '--ignore-not-found']);
  const file = kubeconfigs.get(namespace);
  if (file) {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
    kubeconfigs.delete(namespace);
  }
}

export interface LogLine {
  /** The process's own timestamp (its wall clock). */
  readonly ts: string;
  /** When the test read the line, on the test's clock (ms since the epoch). */
  readonly receivedAt: number;
  readonly level: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

export interface ControllerStartOptions {
  /** Namespace to watch; also holds the Lease unless `leaseNamespace` says otherwise. */
  readonly namespace: string;
  /** Leader election identity (POD_NAME). */
  readonly identity?: string;
  readonly leaseNamespace?: string;
  readonly leaderElect?: boolean;
  /** Kubeconfig to run with (default: a least-privilege one, see `leastPrivilegeKubeconfig`). */
  readonly kubeconfig?: string;
  readonly extraArgs?: readonly string[];
  /** More environment variables for the process (e.g. a stepped wall clock). */
  readonly env?: Record<string, string>;
}


export class ControllerProcess {
  static async start(options: ControllerStartOptions): Promise<ControllerProcess> {
    buildController();
    // The controller watches JobRuns and JobTemplates: without the CRDs it never gets ready.
    if (!crdsInstalled) {
      await installBatchCrds();
      crdsInstalled = true;
    }
    let kubeconfig = options.kubeconfig ?? kubeconfigs.get(options.namespace);
    if (!kubeconfig) {
      kubeconfig = leastPrivilegeKubeconfig(options.namespace);
      kubeconfigs.set(options.namespace, kubeconfig);
    }
    const args = [
      CONTROLLER_MAIN,
      '--kubeconfig', kubeconfig,
      '--metrics-bind', '127.0.0.1:0',
      '--namespace', options.namespace,
      '--leader-elect', String(options.leaderElect ?? true),
      '--leader-election-namespace', options.leaseNamespace ?? options.namespace,
      '--log-level', 'debug',
      ...(options.extraArgs ?? []),
    ];
    const identity = options.identity ?? `ctl-${Math.random().toString(36).slice(2, 7)}`;
    const child = spawn(process.execPath, args, {
      cwd: ROOT,
      env: { ...process.env, ...options.env, POD_NAME: identity, KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = new ControllerProcess(child, identity);
    // Node and client-node load in about a second on an idle machine; on the loaded 2-core CI
    // machine (several rigs, load 20+) a start was seen to take over 30 s.
    const listening = await proc.waitForLog((l) => l.msg === 'http server listening', 120_000);
    proc.port = listening.port as number;
    return proc;
  }

  readonly lines: LogLine[] = [];
  readonly stderr: string[] = [];
  port = 0;
  private exit?: { code: number | null; signal: NodeJS.Signals | null };
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcess, readonly identity: string) {
    let buf = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        try {
          this.lines.push({ ...JSON.parse(line), receivedAt: Date.now() });
        } catch {
          this.stderr.push(`(stdout, not JSON) ${line}`);
        }
      }
    });
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => this.stderr.push(chunk));
    this.exited = new Promise((resolve) => child.on('exit', (code, signal) => {
      this.exit = { code, signal };
      resolve();
    }));
  }

  get pid(): number {
    return this.child.pid!;
  }

  get exitStatus(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exit;
  }

  /** Waits for a log line matching `predicate` (already logged or future). */
  async waitForLog(predicate: (l: LogLine) => boolean, timeoutMs: number): Promise<LogLine> {
    return waitFor(() => {
      if (this.exit) throw new Error(`controller ${this.identity} exited (${JSON.stringify(this.exit)}): ${this.tail()}`);
      return this.lines.find(predicate);
    }, timeoutMs, { description: `controller ${this.identity} log line`, intervalMs: 100 });
  }

  /**
   * GET on the controller's HTTP endpoint (loopback). A fresh connection each time: a pooled
   * keep-alive socket can be closed by the server (keepAliveTimeout 5 s) just as it is reused,
   * which fails the request with "socket hang up".
   */
  get(pathname: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = http.get({ host: '127.0.0.1', port: this.port, path: pathname, timeout: 5_000, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
    });
  }

  /** The `/readyz` body, or undefined when the process does not answer. */
  async readyz(): Promise<{ ready: boolean; leader: boolean } | undefined> {
    if (this.exit) return undefined;
    try {
      return JSON.parse((await this.get('/readyz')).body);
    } catch {
      return undefined;
    }
  }

  async isLeader(): Promise<boolean> {
    return (await this.readyz())?.leader === true;
  }

  /** The value of one Prometheus sample (sum over matching label sets), from `/metrics`. */
  async metric(name: string, labels: Record<string, string> = {}): Promise<number> {
    const text = (await this.get('/metrics')).body;
    let sum = 0;
    for (const line of text.split('\n')) {
      if (!line.startsWith(name + '{') && !line.startsWith(name + ' ')) continue;
      if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.split(' ').pop());
    }
    return sum;
  }

  /** SIGTERM and wait for a clean exit (SIGKILL after `timeoutMs`). */
  async stop(timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (!this.exit) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
      await this.exited;
      clearTimeout(timer);
    }
    return this.exit!;
  }

  /** SIGSTOP: the process freezes (timers, sockets, everything) until `resume()`. */
  pause(): void {
    if (!this.exit) this.child.kill('SIGSTOP');
  }

  /** SIGCONT after `pause()`. */
  resume(): void {
    if (!this.exit) this.child.kill('SIGCONT');
  }

  /** Resolves when the process has exited (however). */
  whenExited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    return this.exited.then(() => this.exit!);
  }

  /** SIGKILL: a crash, without releasing the Lease. */
  async kill(): Promise<void> {
    if (!this.exit) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  tail(n = 30): string {
    return [...this.lines.slice(-n).map((l) => JSON.stringify(l)), ...this.stderr.slice(-5)].join('\n');
  }
}

export interface ClusterEvent {
  readonly reason: string;
  readonly type: string;
  readonly message: string;
  readonly involvedObject: { kind: string; name: string; uid?: string };
  readonly reportingComponent?: string;
  readonly reportingInstance?: string;
  /** When the reporter says it happened (MicroTime), for events.k8s.io/v1 Events such as the controller's. */
  readonly eventTime?: string;
  /** Set by the API server when it stored the Event (whole seconds). */
  readonly metadata?: { readonly creationTimestamp?: string };
}

/** Events in a namespace (core/v1 view, which includes events.k8s.io/v1 ones), optionally by reason. */
export function clusterEvents(namespace: string, reason?: string): ClusterEvent[] {
  return listObjects<ClusterEvent>('events', namespace).filter((e) => !reason || e.reason === reason);
}

/** A merge patch through kubectl, as a user would do it. */
export function mergePatch(kind: string, name: string, namespace: string, patch: object, subresource?: string): void {
  kubectl(['patch', kind, name, '-n', namespace, '--type=merge', '-p', JSON.stringify(patch),
    ...(subresource ? [`--subresource=${subresource}`] : [])]);
}

// ---------------------------------------------------------------- workloads, built by the library

/**
 * A chart for objects the controller tests apply: what users synthesize, so the tests cover
 * the contract between the constructs and the controller. The controller runs outside the
 * app (as a subprocess), which the context says, so the constructs do not warn about it.
 */
export function controllerTestChart(): Chart {
  const chart = Testing.chart();
  chart.node.setContext('cdk8s-batch.dev/controller', 'external');
  return chart;
}

const IMAGE = 'registry.example/batch/worker:1.0';

export interface EnqueueWorkloadOptions {
  readonly maxConcurrency: number;
  /** How long each kwok pod runs (the `e2e.cdk8s-batch.dev/run-duration` annotation). */
  readonly runDuration: string;
  readonly maxQueued?: number;
  /** Finished Jobs the CronJob keeps (its history limits; default 20). Keep them all for the assertions. */
  readonly retained?: number;
}

/**
 * A ScheduledBatch with Concurrency.enqueue(), suspended so it never fires itself: the tests
 * create its runs with `kubectl create job --from=cronjob/NAME`, at their own pace.
 */
export function enqueueCronJob(name: string, options: EnqueueWorkloadOptions): any[] {
  const chart = controllerTestChart();
  new ScheduledBatch(chart, name, {
    metadata: { name },
    schedule: Schedule.cron('0 0 1 1 *'),
    suspend: true,
    concurrency: Concurrency.enqueue({ maxConcurrency: options.maxConcurrency, maxQueued: options.maxQueued }),
    // Jobs made with --from=cronjob are owned by it; keep them all for the assertions.
    successfulJobsRetained: options.retained ?? 20,
    failedJobsRetained: options.retained ?? 20,
    maxAttempts: 1,
    podMetadata: { annotations: { 'e2e.cdk8s-batch.dev/run-duration': options.runDuration } },
    containers: [{ name: 'main', image: IMAGE }],
  });
  return Testing.synth(chart);
}

export interface CreateRunsOptions {
  /**
   * Pause between two creations (default 1100 ms: distinct creation seconds, so the queue
   * order is the creation order whatever the names). With 0, several Jobs share a second and
   * the queue orders them by name (the Enqueue rule's tie-break), so give names that sort.
   */
  readonly gapMs?: number;
}

/** Creates runs of a CronJob one by one, as `kubectl create job --from` does, over a second apart (distinct creation seconds). */
export async function createRunsFrom(cronJob: string, names: readonly string[], ns: string, options: CreateRunsOptions = {}): Promise<void> {
  const gapMs = options.gapMs ?? 1100;
  for (const name of names) {
    // Without blocking the event loop: controller logs and watches are read meanwhile.
    await kubectlAsync(['create', 'job', name, `--from=cronjob/${cronJob}`, '-n', ns]);
    if (gapMs > 0) await sleep(gapMs);
  }
}

const isFinished = (j: any) => (j.status?.conditions ?? []).some((c: any) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');

/** Waits until the workload has `expected` Jobs and all are finished; returns them. */
export async function waitUntilFinished(ns: string, workload: string, expected: number, timeoutMs: number): Promise<any[]> {
  return waitFor(() => {
    const jobs = listObjects('jobs', ns, `cdk8s-batch.dev/workload=${workload}`);
    return jobs.length === expected && jobs.every(isFinished) ? jobs : undefined;
  }, timeoutMs, { description: `${expected} Jobs of ${workload} finished`, intervalMs: 500 });
}

/** Jobs ordered by the controller's admitted-at annotation (its record of admission order). */
export function byAdmittedAt(jobs: any[]): string[] {
  return [...jobs]
    .sort((a, b) => Date.parse(a.metadata.annotations['cdk8s-batch.dev/admitted-at']) - Date.parse(b.metadata.annotations['cdk8s-batch.dev/admitted-at']))
    .map((j) => j.metadata.name);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A kubeconfig that authenticates as ServiceAccount `sa` of `namespace` (a token valid two
 * hours), for a controller run under RBAC the test applied itself (e.g. the BatchController's
 * namespaced Roles). The caller removes the returned file's directory.
 */
export function serviceAccountKubeconfig(sa: string, namespace: string): string {
  const token = kubectl(['create', 'token', sa, '-n', namespace, '--duration=2h']).trim();
  const admin = JSON.parse(kubectl(['config', 'view', '--raw', '--minify', '-o', 'json']));
  const cluster = admin.clusters[0].cluster;
  const config = {
    'apiVersion': 'v1',
    'kind': 'Config',
    'clusters': [{ name: 'rig', cluster: { 'server': cluster.server, 'certificate-authority-data': cluster['certificate-authority-data'] } }],
    'users': [{ name: sa, user: { token } }],
    'contexts': [{ name: sa, context: { cluster: 'rig', user: sa, namespace } }],
    'current-context': sa,
  };
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-ctl-')), 'kubeconfig');
  fs.writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
  return file;
}
