/**
 * Finding the cluster, for the controller and the CLI alike: `--kubeconfig`, else
 * `$KUBECONFIG`, else the pod's ServiceAccount in a cluster, else `~/.kube/config`.
 *
 * Our own reader, not client-node's `KubeConfig`: importing `@kubernetes/client-node` costs a
 * process about 60-70 MiB of RSS and 26 MiB of heap (its generated API, measured in
 * bench/README.md), and the controller used nothing of it but this. It covers the in-cluster
 * ServiceAccount (token re-read as it rotates, the pod's CA) and kubeconfig files with
 * certificate authorities, client certificates, bearer tokens (`token`, `tokenFile`) and
 * basic auth, inline or as files (relative to the kubeconfig's folder). A user with an `exec`
 * credential plugin or an `auth-provider`, or a cluster with a `proxy-url`, is handed to
 * client-node's `KubeConfig`, loaded then and only then.
 */
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';

/** Where a pod's ServiceAccount credentials are mounted. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** How long a token file's content is used before it is read again (client-go: a minute). */
const TOKEN_FILE_TTL_MS = 60_000;

/** Thrown when no cluster configuration can be found. */
export class NoClusterConfigError extends Error {}

interface NamedCluster {
  readonly name: string;
  readonly server: string;
  readonly caData?: string;
  readonly caFile?: string;
  readonly insecureSkipTlsVerify?: boolean;
  readonly tlsServerName?: string;
  readonly proxyUrl?: string;
}

interface NamedUser {
  readonly name: string;
  readonly certData?: string;
  readonly certFile?: string;
  readonly keyData?: string;
  readonly keyFile?: string;
  readonly token?: string;
  readonly tokenFile?: string;
  readonly username?: string;
  readonly password?: string;
  /** Set when the user needs client-node (an `exec` plugin or an `auth-provider`). */
  readonly needsClientNode?: string;
}

interface NamedContext {
  readonly name: string;
  readonly cluster: string;
  readonly user: string;
  readonly namespace?: string;
}

/** The connection settings of one kubeconfig context, or of the in-cluster ServiceAccount. */
export class KubeConfig {
  /** The in-cluster configuration: the API server from the pod's environment, the ServiceAccount's CA and token. */
  static fromCluster(env: NodeJS.ProcessEnv = process.env, dir = SERVICE_ACCOUNT_DIR): KubeConfig {
    const host = env.KUBERNETES_SERVICE_HOST!;
    const port = env.KUBERNETES_SERVICE_PORT || '443';
    const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const nsFile = path.join(dir, 'namespace');
    return new KubeConfig(
      [{ name: 'inCluster', server, caFile: path.join(dir, 'ca.crt') }],
      [{ name: 'inClusterUser', tokenFile: path.join(dir, 'token') }],
      [{ name: 'inClusterContext', cluster: 'inCluster', user: 'inClusterUser', namespace: fs.existsSync(nsFile) ? fs.readFileSync(nsFile, 'utf8').trim() : undefined }],
      'inClusterContext',
      [],
    );
  }

  /**
   * One or more kubeconfig files, merged as kubectl does: the first file that sets
   * `current-context` decides it, and the first definition of a cluster, user or context wins.
   */
  static fromFiles(files: readonly string[]): KubeConfig {
    const clusters: NamedCluster[] = [];
    const users: NamedUser[] = [];
    const contexts: NamedContext[] = [];
    let current = '';
    for (const file of files) {
      const doc = (yaml.load(fs.readFileSync(file, 'utf8')) ?? {}) as Record<string, any>;
      if (typeof doc !== 'object') throw new Error(`${file}: not a kubeconfig (expected a mapping)`);
      const dir = path.dirname(path.resolve(file));
      const abs = (p: unknown) => (typeof p === 'string' && p ? path.resolve(dir, p) : undefined);
      const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
      current ||= str(doc['current-context']) ?? '';
      for (const c of asArray(doc.clusters)) {
        if (!c?.name || clusters.some((x) => x.name === c.name)) continue;
        const v = c.cluster ?? {};
        clusters.push({
          name: c.name,
          server: String(v.server ?? ''),
          caData: str(v['certificate-authority-data']),
          caFile: abs(v['certificate-authority']),
          insecureSkipTlsVerify: v['insecure-skip-tls-verify'] === true,
          tlsServerName: str(v['tls-server-name']),
          proxyUrl: str(v['proxy-url']),
        });
      }
      for (const u of asArray(doc.users)) {
        if (!u?.name || users.some((x) => x.name === u.name)) continue;
        const v = u.user ?? {};
        users.push({
          name: u.name,
          certData: str(v['client-certificate-data']),
          certFile: abs(v['client-certificate']),
          keyData: str(v['client-key-data']),
          keyFile: abs(v['client-key']),
          token: str(v.token),
          tokenFile: abs(v.tokenFile),
          username: str(v.username),
          password: str(v.password),
          needsClientNode: v.exec ? 'exec' : v['auth-provider'] ? 'auth-provider' : undefined,
        });
      }
      for (const c of asArray(doc.contexts)) {
        if (!c?.name || contexts.some((x) => x.name === c.name)) continue;
        const v = c.context ?? {};
        contexts.push({ name: c.name, cluster: String(v.cluster ?? ''), user: String(v.user ?? ''), namespace: str(v.namespace) });
      }
    }
    return new KubeConfig(clusters, users, contexts, current, files);
  }

  private tls?: { readonly key: string; readonly agent: https.Agent };
  private tokenRead?: { readonly at: number; readonly token: string };
  private delegate?: Promise<{ applyToHTTPSOptions(opts: https.RequestOptions): Promise<void> }>;

  private constructor(
    private readonly clusters: readonly NamedCluster[],
    private readonly users: readonly NamedUser[],
    private readonly contexts: readonly NamedContext[],
    private readonly currentContext: string,
    /** The files read (for client-node, when it is needed). */
    private readonly files: readonly string[],
  ) {}

  /** The current context's name (`''` when none is set). */
  getCurrentContext(): string {
    return this.currentContext;
  }

  /** The namespace of the current context, if it names one. */
  get namespace(): string | undefined {
    return this.context()?.namespace;
  }

  /** The current context's cluster, or null when there is none. */
  getCurrentCluster(): { readonly name: string; readonly server: string } | null {
    return this.cluster() ?? null;
  }

  /**
   * Sets the TLS agent (CA, client certificate and key, server name, verification) and the
   * credentials (`Authorization`, or `auth` for basic auth) of one request. The agent is the
   * same object while the TLS settings are (files are read again on every call, so a
   * rotated certificate gets a new agent); `RestClient` swaps it for its kept-alive one.
   */
  async applyToHTTPSOptions(opts: https.RequestOptions): Promise<void> {
    const cluster = this.cluster();
    const ctx = this.context();
    const user = this.users.find((u) => u.name === ctx?.user);
    if (user?.needsClientNode || cluster?.proxyUrl) {
      this.delegate ??= this.clientNodeConfig();
      return (await this.delegate).applyToHTTPSOptions(opts);
    }
    const tls: https.AgentOptions = {};
    const ca = cluster?.caData ? Buffer.from(cluster.caData, 'base64') : cluster?.caFile ? fs.readFileSync(cluster.caFile) : undefined;
    if (ca) tls.ca = ca;
    const cert = user?.certData ? Buffer.from(user.certData, 'base64') : user?.certFile ? fs.readFileSync(user.certFile) : undefined;
    const key = user?.keyData ? Buffer.from(user.keyData, 'base64') : user?.keyFile ? fs.readFileSync(user.keyFile) : undefined;
    if (cert) tls.cert = cert;
    if (key) tls.key = key;
    if (cluster?.insecureSkipTlsVerify) tls.rejectUnauthorized = false;
    if (cluster?.tlsServerName) tls.servername = cluster.tlsServerName;
    const identity = JSON.stringify([ca?.toString('base64'), cert?.toString('base64'), key?.toString('base64'), tls.rejectUnauthorized, tls.servername]);
    if (this.tls?.key !== identity) this.tls = { key: identity, agent: new https.Agent(tls) };
    opts.agent = this.tls.agent;

    const token = user?.token ?? (user?.tokenFile ? this.readToken(user.tokenFile) : undefined);
    if (token) {
      opts.headers = { ...opts.headers, Authorization: `Bearer ${token}` };
    } else if (user?.username) {
      opts.auth = `${user.username}:${user.password ?? ''}`;
    }
  }

  private cluster(): NamedCluster | undefined {
    const name = this.context()?.cluster;
    return this.clusters.find((c) => c.name === name);
  }

  private context(): NamedContext | undefined {
    return this.contexts.find((c) => c.name === this.currentContext);
  }

  private readToken(file: string): string {
    const now = Date.now();
    if (!this.tokenRead || now - this.tokenRead.at >= TOKEN_FILE_TTL_MS) {
      this.tokenRead = { at: now, token: fs.readFileSync(file, 'utf8').trim() };
    }
    return this.tokenRead.token;
  }

  private async clientNodeConfig(): Promise<{ applyToHTTPSOptions(opts: https.RequestOptions): Promise<void> }> {
    const k8s = await import('@kubernetes/client-node');
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(this.files[0]);
    for (const file of this.files.slice(1)) {
      const more = new k8s.KubeConfig();
      more.loadFromFile(file);
      kc.mergeConfig(more, true);
    }
    kc.setCurrentContext(this.currentContext);
    return kc;
  }
}

function asArray(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

export interface LoadedKubeConfig {
  readonly kc: KubeConfig;
  readonly inCluster: boolean;
  /** Where it came from, for logs and messages: a path, or `in-cluster`. */
  readonly source: string;
}

export function loadKubeConfig(explicitPath?: string, env: NodeJS.ProcessEnv = process.env): LoadedKubeConfig {
  if (explicitPath) {
    if (!fs.existsSync(explicitPath)) throw new NoClusterConfigError(`--kubeconfig ${explicitPath}: no such file`);
    return { kc: KubeConfig.fromFiles([explicitPath]), inCluster: false, source: explicitPath };
  }
  if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(path.delimiter).filter((f) => f && fs.existsSync(f));
    if (files.length === 0) throw new NoClusterConfigError(`KUBECONFIG=${env.KUBECONFIG}: no such file`);
    return { kc: KubeConfig.fromFiles(files), inCluster: false, source: env.KUBECONFIG };
  }
  if (env.KUBERNETES_SERVICE_HOST) {
    return { kc: KubeConfig.fromCluster(env), inCluster: true, source: 'in-cluster' };
  }
  const home = path.join(os.homedir(), '.kube', 'config');
  if (fs.existsSync(home)) {
    return { kc: KubeConfig.fromFiles([home]), inCluster: false, source: home };
  }
  throw new NoClusterConfigError('no cluster configuration: pass --kubeconfig, set KUBECONFIG, or run in a cluster');
}

/** The namespace of the kubeconfig's current context, if it names one. */
export function contextNamespace(kc: KubeConfig): string | undefined {
  return kc.namespace || undefined;
}
