/**
 * Serves a `FakeApi` over HTTP on 127.0.0.1, so the CLI can run as a subprocess against it
 * with a kubeconfig (GET objects and lists with label selectors, POST to create). The real
 * API server is the e2e tier's; this one gives the fast tier exact, repeatable answers.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ALL_TYPES, FakeApi } from './fake-api';
import { ApiError } from '../../src/kube/api';
import { KubeObject, resourcePath, ResourceType } from '../../src/kube/types';

export interface ServedApi {
  readonly url: string;
  /** A kubeconfig file that points at the server, with `namespace` as the context's namespace. */
  readonly kubeconfig: string;
  close(): Promise<void>;
}

export async function serveFakeApi(api: FakeApi, namespace = 'default'): Promise<ServedApi> {
  const server = http.createServer((req, res) => {
    void handle(api, req).then(({ code, body }) => {
      res.writeHead(code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-cli-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfig, JSON.stringify({
    'apiVersion': 'v1',
    'kind': 'Config',
    'clusters': [{ name: 'fake', cluster: { 'server': url, 'insecure-skip-tls-verify': true } }],
    'users': [{ name: 'fake', user: {} }],
    'contexts': [{ name: 'fake', context: { cluster: 'fake', user: 'fake', namespace } }],
    'current-context': 'fake',
  }));
  return {
    url,
    kubeconfig,
    close: async () => {
      fs.rmSync(dir, { recursive: true, force: true });
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** The user the served fake API server authenticates every caller as. */
export const FAKE_USER = 'fake-user@example.com';

async function handle(api: FakeApi, req: http.IncomingMessage): Promise<{ code: number; body: unknown }> {
  const url = new URL(req.url ?? '/', 'http://fake');
  if (req.method === 'POST' && url.pathname === '/apis/authentication.k8s.io/v1/selfsubjectreviews') {
    // Who the caller is: the fake API server knows one user.
    return { code: 201, body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', status: { userInfo: { username: FAKE_USER } } } };
  }
  const route = parse(url.pathname);
  if (!route) return status(new ApiError(404, `no route for ${url.pathname}`, 'NotFound'));
  try {
    if (req.method === 'GET' && route.name === undefined) {
      return { code: 200, body: await api.list(route.rt, { namespace: route.namespace, labelSelector: url.searchParams.get('labelSelector') ?? undefined }) };
    }
    if (req.method === 'GET') return { code: 200, body: await api.get(route.rt, route.namespace, route.name!) };
    if (req.method === 'POST' && route.name === undefined) {
      const body = JSON.parse(await read(req)) as KubeObject;
      return { code: 201, body: await api.create(route.rt, route.namespace, body) };
    }
    if (req.method === 'PATCH' && route.name !== undefined) {
      return { code: 200, body: await api.mergePatch(route.rt, route.namespace, route.name, JSON.parse(await read(req))) };
    }
    if (req.method === 'DELETE' && route.name !== undefined) {
      const options = await read(req);
      await api.delete(route.rt, route.namespace, route.name, options ? JSON.parse(options) : undefined);
      return { code: 200, body: { apiVersion: 'v1', kind: 'Status', status: 'Success' } };
    }
    return status(new ApiError(405, `${req.method} is not served here`, 'MethodNotAllowed'));
  } catch (e) {
    return status(e instanceof ApiError ? e : new ApiError(500, String(e), 'InternalError'));
  }
}

function parse(pathname: string): { rt: ResourceType; namespace?: string; name?: string } | undefined {
  const m = /^(\/api\/v1|\/apis\/[^/]+\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(pathname);
  const rt = m && ALL_TYPES.find((t) => resourcePath(t) === `${m[1]}/${m[3]}`);
  return rt ? { rt, namespace: m![2] && decodeURIComponent(m![2]), name: m![4] && decodeURIComponent(m![4]) } : undefined;
}

function status(e: ApiError): { code: number; body: unknown } {
  return { code: e.code, body: { apiVersion: 'v1', kind: 'Status', status: 'Failure', code: e.code, reason: e.reason, message: e.message } };
}

function read(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
