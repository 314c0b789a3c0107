/**
 * Helpers for e2e tests against the real control plane started by test/e2e/rig/start.sh
 * (jest's globalSetup does that; see test/e2e/jest.config.js).
 *
 * Everything goes through the rig's own kubectl (same version as the apiserver), so what a
 * test sees is what a user's `kubectl apply` would see: the apiserver's validation,
 * defaulting, admission (PodSecurity) and error messages.
 */
import { execFile, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/** Env var holding the rig's admin kubeconfig path. */
export const KUBECONFIG_ENV = 'CDK8S_BATCH_RIG_KUBECONFIG';
/** Env var holding the rig's kubectl binary (optional: derived from the kubeconfig's rig dir). */
export const KUBECTL_ENV = 'CDK8S_BATCH_RIG_KUBECTL';
/** Field manager for everything the tests apply, so managedFields show who wrote what. */
export const FIELD_MANAGER = 'cdk8s-batch-e2e';

/** Where the rig is. Throws when the tests were started without a rig. */
export function rigKubeconfig(): string {
  const kubeconfig = process.env[KUBECONFIG_ENV];
  if (!kubeconfig) {
    throw new Error(
      `${KUBECONFIG_ENV} is not set: run e2e tests with \`bash test/e2e/run.sh\` ` +
        '(or `npx jest -c test/e2e/jest.config.js`), whose globalSetup starts the rig',
    );
  }
  if (!fs.existsSync(kubeconfig)) {
    throw new Error(`${KUBECONFIG_ENV}=${kubeconfig} does not exist (rig stopped?)`);
  }
  return kubeconfig;
}

/** The rig's kubectl: $CDK8S_BATCH_RIG_KUBECTL, else `<rig dir>/bin/kubectl`, else PATH. */
export function rigKubectl(): string {
  const explicit = process.env[KUBECTL_ENV];
  if (explicit) return explicit;
  const beside = path.join(path.dirname(rigKubeconfig()), 'bin', 'kubectl');
  return fs.existsSync(beside) ? beside : 'kubectl';
}

/** A failed kubectl call; `stderr` carries the apiserver's message. */
export class KubectlError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly status: number | null,
    readonly stdout: string,
    readonly stderr: string,
  ) {
    super(`kubectl ${args.join(' ')} failed (exit ${status}):\n${stderr.trim() || stdout.trim()}`);
    this.name = 'KubectlError';
  }
}

/**
 * kubectl exited 0 but the API server sent warnings (deprecated or dropped fields, Pod Security
 * warnings on workloads, ...). A warning is a finding: the suite fails on it unless the test
 * expects it and asserts it (see {@link kubectlWithWarnings}).
 */
export class KubectlWarningError extends KubectlError {
  constructor(args: readonly string[], stdout: string, stderr: string, readonly warnings: readonly string[]) {
    super(args, 0, stdout, `the API server warned:\n${warnings.join('\n')}\n${stderr}`);
    this.name = 'KubectlWarningError';
  }
}

export interface KubectlOptions {
  /** Written to kubectl's stdin (use with `-f -`). */
  readonly input?: string;
  /** Kill kubectl after this many ms (default 60 000). */
  readonly timeoutMs?: number;
}

/** The `Warning: ...` lines kubectl prints on stderr for the API server's warning headers. */
export function serverWarnings(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('Warning: ')).map((l) => l.slice('Warning: '.length));
}

/**
 * Runs the rig's kubectl with the rig's kubeconfig and returns stdout.
 * Throws a {@link KubectlError} (message includes stderr) on a non-zero exit, and a
 * {@link KubectlWarningError} when the API server sent a warning.
 */
export function kubectl(args: readonly string[], options: KubectlOptions = {}): string {
  const { stdout, warnings, stderr } = kubectlWithWarnings(args, options);
  if (warnings.length > 0) throw new KubectlWarningError(args, stdout, stderr, warnings);
  return stdout;
}

/**
 * Like {@link kubectl}, for a call whose warnings the test expects: returns them (without
 * the `Warning: ` prefix) beside stdout, for the test to assert.
 */
export function kubectlWithWarnings(args: readonly string[], options: KubectlOptions = {}):
{ stdout: string; stderr: string; warnings: string[] } {
  const fullArgs = ['--kubeconfig', rigKubeconfig(), ...args];
  const result = spawnSync(rigKubectl(), fullArgs, {
    input: options.input,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 256 * 1024 * 1024, // /openapi/v2 alone is several MB
  });
  if (result.error) {
    throw new KubectlError(args, null, result.stdout ?? '', `${result.error.message}\n${result.stderr ?? ''}`);
  }
  if (result.status !== 0) {
    throw new KubectlError(args, result.status, result.stdout, result.stderr);
  }
  return { stdout: result.stdout, stderr: result.stderr, warnings: serverWarnings(result.stderr) };
}

/**
 * {@link kubectl} without blocking the event loop, for tests that must keep reading streams
 * (a watch, controller processes' logs) while they make many calls. Same errors.
 */
export function kubectlAsync(args: readonly string[], options: KubectlOptions = {}): Promise<string> {
  const fullArgs = ['--kubeconfig', rigKubeconfig(), ...args];
  return new Promise((resolve, reject) => {
    const child = execFile(rigKubectl(), fullArgs, { encoding: 'utf8', timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(new KubectlError(args, typeof error.code === 'number' ? error.code : null, stdout, `${stderr || error.message}`));
          return;
        }
        const warnings = serverWarnings(stderr);
        if (warnings.length > 0) reject(new KubectlWarningError(args, stdout, stderr, warnings));
        else resolve(stdout);
      });
    if (options.input !== undefined) child.stdin!.end(options.input);
    else child.stdin!.end();
  });
}

/** YAML/JSON text, one manifest object, or several (sent as a v1 List). */
export type Manifests = string | object | readonly object[];

function manifestText(manifests: Manifests): string {
  if (typeof manifests === 'string') return manifests;
  if (Array.isArray(manifests)) {
    return JSON.stringify({ apiVersion: 'v1', kind: 'List', items: manifests });
  }
  return JSON.stringify(manifests);
}

function namespaceArgs(namespace?: string): string[] {
  return namespace ? ['--namespace', namespace] : [];
}

/**
 * Server-side apply in dry-run mode: the apiserver runs decoding, defaulting, validation and
 * admission but persists nothing. Strict field validation (kubectl's `--validate=strict`,
 * sent to the server as `fieldValidation=Strict`) makes unknown or duplicate fields an error
 * instead of a warning or a silent drop. Returns the objects as the server would store them
 * (YAML). Throws a {@link KubectlError} carrying the apiserver's message on rejection.
 */
export function applyServerDryRun(manifests: Manifests, namespace?: string): string {
  return kubectl(
    [
      'apply', '--server-side', '--dry-run=server', '--validate=strict',
      `--field-manager=${FIELD_MANAGER}`, ...namespaceArgs(namespace), '-o', 'yaml', '-f', '-',
    ],
    { input: manifestText(manifests) },
  );
}

/** Server-side apply for real (strict field validation); returns kubectl's output. */
export function apply(manifests: Manifests, namespace?: string): string {
  return kubectl(
    [
      'apply', '--server-side', '--validate=strict', `--field-manager=${FIELD_MANAGER}`,
      ...namespaceArgs(namespace), '-f', '-',
    ],
    { input: manifestText(manifests) },
  );
}

/** `kubectl get -o json` of one object, parsed; undefined when it does not exist. */
export function getObject<T = any>(kind: string, name: string, namespace?: string): T | undefined {
  const out = kubectl(['get', kind, name, ...namespaceArgs(namespace), '--ignore-not-found', '-o', 'json']);
  return out.trim() ? (JSON.parse(out) as T) : undefined;
}

/** `kubectl get -o json` of a kind (optionally label-selected), parsed `items`. */
export function listObjects<T = any>(kind: string, namespace?: string, selector?: string): T[] {
  const out = kubectl([
    'get', kind, ...namespaceArgs(namespace), ...(selector ? ['-l', selector] : []), '-o', 'json',
  ]);
  return (JSON.parse(out) as { items: T[] }).items;
}

export interface WaitOptions {
  /** Poll interval (default 500 ms). */
  readonly intervalMs?: number;
  /** Says what is awaited, for the timeout message. */
  readonly description?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `fn` until it returns a truthy value, which is then returned. Errors thrown by `fn`
 * count as "not yet" (the last one is reported on timeout, with the last value).
 */
export async function waitFor<T>(
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  timeoutMs: number,
  options: WaitOptions = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
      last = value;
      lastError = undefined;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const what = options.description ?? 'condition';
      const detail = lastError instanceof Error ? `last error: ${lastError.message}` : `last value: ${JSON.stringify(last)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${detail}`);
    }
    await sleep(Math.min(options.intervalMs ?? 500, Math.max(0, deadline - Date.now())));
  }
}

/**
 * Creates a namespace with a unique name (`<prefix>-<random>`) and optional labels (e.g.
 * `pod-security.kubernetes.io/enforce: restricted`), and waits until its `default`
 * ServiceAccount exists, without which Pods (so Jobs) cannot start there.
 */
export async function createNamespace(prefix = 'e2e', labels: Record<string, string> = {}): Promise<string> {
  const name = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
  await waitFor(() => getObject('serviceaccount', 'default', name), 30_000, {
    description: `ServiceAccount ${name}/default`,
  });
  return name;
}

/** Deletes a namespace and everything in it; does not wait unless asked. Never throws on absence. */
export function deleteNamespace(name: string, options: { wait?: boolean } = {}): void {
  kubectl(['delete', 'namespace', name, '--ignore-not-found', `--wait=${options.wait ?? false}`], {
    timeoutMs: 120_000,
  });
}
