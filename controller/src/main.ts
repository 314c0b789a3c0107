/**
 * Entry point of the cdk8s-batch companion controller:
 *
 *   node dist/controller/src/main.js [--kubeconfig PATH] [--metrics-bind HOST:PORT] ...
 *
 * See `--help` and docs/controller.md. In a cluster it uses the pod's ServiceAccount;
 * outside, a kubeconfig (`--kubeconfig`, else `$KUBECONFIG`, else `~/.kube/config`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { parseArgs } from 'node:util';
import { contextNamespace, KubeConfig, loadKubeConfig } from './kube/config';
import { ListWatch, withBookmarks } from './kube/informer';
import { RestClient } from './kube/rest';
import { resourcePath } from './kube/types';
import { ListWatchFactory, Manager } from './manager';
import { DEFAULT_JOB_RUN_HISTORY_LIMIT } from './reconcilers/job-run';
import { parseBindAddress } from './runtime/http';
import { errorFields, isLogLevel, jsonLogger, LogLevel } from './runtime/log';
import { Metrics } from './runtime/metrics';

const SA_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

export const USAGE = `Usage: cdk8s-batch-controller [flags]

The cdk8s-batch companion controller: Enqueue admission, run windows, pending timeouts.

Flags:
  --kubeconfig PATH                 kubeconfig to use (default: $KUBECONFIG, in-cluster config, ~/.kube/config)
  --metrics-bind HOST:PORT          /metrics, and /healthz and /readyz unless --health-bind is given
                                    (default 0.0.0.0:8080 in a cluster, 127.0.0.1:8080 outside; port 0
                                    picks a free port); alias --http-bind
  --health-bind HOST:PORT           /healthz and /readyz alone, for the kubelet's probes (default: on the
                                    --metrics-bind listener)
  --namespace NS[,NS...]            watch and act only in these namespaces (a Role in each suffices;
                                    default: all namespaces)
  --leader-elect[=true|false]       Lease-based leader election (default true)
  --leader-election-namespace NS    namespace of the Lease (default: $POD_NAMESPACE, the pod's namespace, or the kubeconfig's)
  --leader-election-id NAME         name of the Lease (default cdk8s-batch-controller)
  --lease-duration SECONDS          (default 15)
  --renew-deadline SECONDS          (default 10)
  --retry-period SECONDS            (default 2)
  --workers N                       concurrent reconciles per controller (default 2)
  --watchdog SECONDS                relist an informer whose watch was silent this long (default 600)
  --cache-sync-timeout SECONDS      a new leader whose caches do not sync this long (a missing CRD, a 403)
                                    reports not ready, releases the Lease and exits (default 120)
  --jobrun-history-limit N          finished JobRuns kept per JobTemplate or CronJob; older ones are
                                    deleted with their Jobs (default 100)
  --log-level debug|info|warn|error (default info)
  --help
`;

export interface ControllerFlags {
  readonly kubeconfig?: string;
  /** Unset: 0.0.0.0:8080 in a cluster, 127.0.0.1:8080 outside. */
  readonly metricsBind?: string;
  /** Unset: the probes are served on the metrics listener. */
  readonly healthBind?: string;
  /** The first of `namespaces` (undefined: all namespaces). */
  readonly namespace?: string;
  /** Namespaced mode: the namespaces to watch and act in (undefined: all). */
  readonly namespaces?: string[];
  readonly leaderElect: boolean;
  readonly leaderElectionNamespace?: string;
  readonly leaderElectionId: string;
  readonly leaseDurationSeconds: number;
  readonly renewDeadlineSeconds: number;
  readonly retryPeriodSeconds: number;
  readonly workers: number;
  readonly watchdogSeconds: number;
  readonly jobRunHistoryLimit: number;
  readonly cacheSyncTimeoutSeconds: number;
  readonly logLevel: LogLevel;
  readonly help: boolean;
}

export class UsageError extends Error {}

function positive(name: string, value: string | undefined, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} must be a positive ${integer ? 'whole ' : ''}number, got "${value}"`);
  }
  return n;
}

/** Flags that may be given bare (`--leader-elect` means `--leader-elect=true`). */
const BOOLEAN_FLAGS = new Set(['--leader-elect']);

/**
 * `--flag` bare means true for boolean flags (`--leader-elect`, as controller-runtime
 * binaries take it); `--flag=false` / `--flag false` turn them off.
 */
function normalizeArgs(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = argv[i + 1];
    if (BOOLEAN_FLAGS.has(arg) && (next === undefined || next.startsWith('-'))) {
      out.push(`${arg}=true`);
    } else {
      out.push(arg);
    }
  }
  return out;
}

export function parseFlags(argv: string[]): ControllerFlags {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: normalizeArgs(argv),
      strict: true,
      allowPositionals: false,
      options: {
        'kubeconfig': { type: 'string' },
        'metrics-bind': { type: 'string' },
        'http-bind': { type: 'string' },
        'health-bind': { type: 'string' },
        'namespace': { type: 'string' },
        'leader-elect': { type: 'string' },
        'leader-election-namespace': { type: 'string' },
        'leader-election-id': { type: 'string' },
        'lease-duration': { type: 'string' },
        'renew-deadline': { type: 'string' },
        'retry-period': { type: 'string' },
        'workers': { type: 'string' },
        'watchdog': { type: 'string' },
        'jobrun-history-limit': { type: 'string' },
        'cache-sync-timeout': { type: 'string' },
        'log-level': { type: 'string' },
        'help': { type: 'boolean' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const str = (k: string) => values[k] as string | undefined;
  const leaderElect = str('leader-elect') ?? 'true';
  if (leaderElect !== 'true' && leaderElect !== 'false') {
    throw new UsageError(`--leader-elect must be true or false, got "${leaderElect}"`);
  }
  const logLevel = str('log-level') ?? 'info';
  if (!isLogLevel(logLevel)) throw new UsageError(`--log-level must be debug, info, warn or error, got "${logLevel}"`);
  if (str('metrics-bind') !== undefined && str('http-bind') !== undefined) {
    throw new UsageError('--metrics-bind and --http-bind are the same flag; give one');
  }
  const metricsBind = str('metrics-bind') ?? str('http-bind');
  try {
    if (metricsBind !== undefined) parseBindAddress(metricsBind);
  } catch (e) {
    throw new UsageError(`--metrics-bind: ${(e as Error).message}`);
  }
  const healthBind = str('health-bind');
  try {
    if (healthBind !== undefined) parseBindAddress(healthBind);
  } catch (e) {
    throw new UsageError(`--health-bind: ${(e as Error).message}`);
  }
  const namespaces = str('namespace')?.split(',').map((n) => n.trim());
  for (const n of namespaces ?? []) {
    if (!/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(n)) {
      throw new UsageError(`--namespace: "${n}" is not a namespace name (a lowercase RFC 1123 label); give NS or NS1,NS2`);
    }
  }
  const flags: ControllerFlags = {
    kubeconfig: str('kubeconfig'),
    metricsBind,
    healthBind,
    namespace: namespaces?.[0],
    namespaces: namespaces ? [...new Set(namespaces)] : undefined,
    leaderElect: leaderElect === 'true',
    leaderElectionNamespace: str('leader-election-namespace'),
    leaderElectionId: str('leader-election-id') ?? 'cdk8s-batch-controller',
    leaseDurationSeconds: positive('lease-duration', str('lease-duration'), 15),
    renewDeadlineSeconds: positive('renew-deadline', str('renew-deadline'), 10),
    retryPeriodSeconds: positive('retry-period', str('retry-period'), 2),
    workers: positive('workers', str('workers'), 2, true),
    watchdogSeconds: positive('watchdog', str('watchdog'), 600),
    cacheSyncTimeoutSeconds: positive('cache-sync-timeout', str('cache-sync-timeout'), 120),
    jobRunHistoryLimit: positive('jobrun-history-limit', str('jobrun-history-limit'), DEFAULT_JOB_RUN_HISTORY_LIMIT, true),
    logLevel,
    help: values.help === true,
  };
  if (!(flags.retryPeriodSeconds < flags.renewDeadlineSeconds && flags.renewDeadlineSeconds < flags.leaseDurationSeconds)) {
    throw new UsageError('--retry-period < --renew-deadline < --lease-duration must hold');
  }
  return flags;
}

/** The leader election identity: the pod's name, else hostname and pid. */
export function defaultIdentity(env: NodeJS.ProcessEnv = process.env): string {
  return env.POD_NAME || `${os.hostname()}_${process.pid}`;
}

function leaseNamespace(flags: ControllerFlags, kc: KubeConfig, inCluster: boolean): string {
  if (flags.leaderElectionNamespace) return flags.leaderElectionNamespace;
  if (process.env.POD_NAMESPACE) return process.env.POD_NAMESPACE;
  if (inCluster && fs.existsSync(SA_NAMESPACE_FILE)) return fs.readFileSync(SA_NAMESPACE_FILE, 'utf8').trim();
  return contextNamespace(kc) ?? 'default';
}

export async function main(argv: string[]): Promise<number> {
  let flags: ControllerFlags;
  try {
    flags = parseFlags(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (flags.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const log = jsonLogger({ level: flags.logLevel });
  let kc: KubeConfig;
  let inCluster: boolean;
  try {
    const loaded = loadKubeConfig(flags.kubeconfig);
    ({ kc, inCluster } = loaded);
    log.info(inCluster ? 'using in-cluster config' : 'using kubeconfig',
      inCluster ? {} : { path: loaded.source, context: kc.getCurrentContext() });
  } catch (e) {
    log.error('cannot load the cluster configuration', errorFields(e));
    return 2;
  }
  const api = new RestClient(kc);
  const listWatch: ListWatchFactory = (rt, sel, list, onBookmark) => new ListWatch(
    resourcePath(rt, sel.namespace),
    withBookmarks(api, onBookmark ?? (() => undefined)),
    list ?? (() => api.list(rt, sel)),
    sel.labelSelector,
    sel.fieldSelector,
  );
  const metrics = new Metrics();
  metrics.collectProcessMetrics();
  const identity = defaultIdentity();

  let exitCode = 0;
  let resolveDone!: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const manager = new Manager({
    api,
    listWatch,
    identity,
    namespaces: flags.namespaces,
    bindAddress: flags.metricsBind ?? (inCluster ? '0.0.0.0:8080' : '127.0.0.1:8080'),
    healthBindAddress: flags.healthBind,
    workers: flags.workers,
    watchdogMs: flags.watchdogSeconds * 1000,
    jobRunHistoryLimit: flags.jobRunHistoryLimit,
    cacheSyncTimeoutMs: flags.cacheSyncTimeoutSeconds * 1000,
    log,
    metrics,
    leaderElection: flags.leaderElect ? {
      namespace: leaseNamespace(flags, kc, inCluster),
      name: flags.leaderElectionId,
      leaseDurationMs: flags.leaseDurationSeconds * 1000,
      renewDeadlineMs: flags.renewDeadlineSeconds * 1000,
      retryPeriodMs: flags.retryPeriodSeconds * 1000,
    } : undefined,
    onLeadershipLost: () => {
      log.error('leadership lost or given up; exiting so that no stale leader keeps writing');
      exitCode = 1;
      resolveDone();
    },
  });

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      log.warn('second signal; exiting at once', { signal });
      process.exit(1);
    }
    log.info('signal received; shutting down', { signal });
    void manager.stop().then(resolveDone, (e) => {
      log.error('shutdown failed', errorFields(e));
      exitCode = 1;
      resolveDone();
    });
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  log.info('starting cdk8s-batch controller', {
    identity, namespaces: flags.namespaces?.join(',') ?? '(all)', leaderElection: flags.leaderElect, node: process.version,
  });
  try {
    await manager.start();
  } catch (e) {
    log.error('cannot start', errorFields(e));
    await manager.stop().catch(() => undefined);
    return 1;
  }
  await done;
  return exitCode;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`fatal: ${(e as Error)?.stack ?? e}\n`);
      process.exit(1);
    },
  );
}
