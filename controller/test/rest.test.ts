import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ApiError, isConflict, isNotFound } from '../src/kube/api';
import { RestClient } from '../src/kube/rest';
import { JOBS, PODS } from '../src/kube/types';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

describe('RestClient', () => {
  let server: http.Server;
  let port: number;
  const seen: Seen[] = [];
  let respond: (req: Seen) => { status: number; body: unknown } = () => ({ status: 200, body: {} });

  before(async () => {
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const s: Seen = { method: req.method!, url: req.url!, headers: req.headers, body };
        seen.push(s);
        const r = respond(s);
        res.writeHead(r.status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(r.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const client = () => new RestClient({
    getCurrentCluster: () => ({ server: `http://127.0.0.1:${port}/` }),
    applyToHTTPSOptions: async (opts) => {
      opts.headers = { ...opts.headers, Authorization: 'Bearer test-token' };
    },
  }, { pageSize: 2 });

  test('lists page by page and returns the first page\'s resourceVersion', async () => {
    seen.length = 0;
    respond = (req) => {
      const cont = new URL(req.url, 'http://x').searchParams.get('continue');
      return cont
        ? { status: 200, body: { metadata: { resourceVersion: '7' }, items: [{ metadata: { name: 'c' } }] } }
        : { status: 200, body: { metadata: { resourceVersion: '7', continue: 'next' }, items: [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }] } };
    };
    const list = await client().list(JOBS, { namespace: 'ns', labelSelector: 'cdk8s-batch.dev/workload' });
    assert.deepEqual(list.items.map((i) => i.metadata.name), ['a', 'b', 'c']);
    assert.equal(list.metadata!.resourceVersion, '7');
    assert.equal(seen.length, 2);
    const url = new URL(seen[0].url, 'http://x');
    assert.equal(url.pathname, '/apis/batch/v1/namespaces/ns/jobs');
    assert.equal(url.searchParams.get('labelSelector'), 'cdk8s-batch.dev/workload');
    assert.equal(url.searchParams.get('limit'), '2');
    assert.equal(seen[0].headers.authorization, 'Bearer test-token');
    assert.equal(new URL(seen[1].url, 'http://x').searchParams.get('continue'), 'next');
  });

  test('a list\'s transform sees each page before the next one is read', async () => {
    const order: string[] = [];
    respond = (req) => {
      const cont = new URL(req.url, 'http://x').searchParams.get('continue');
      order.push(`page ${cont ?? 'first'}`);
      return cont
        ? { status: 200, body: { metadata: { resourceVersion: '7' }, items: [{ metadata: { name: 'c', managedFields: [{}] } }] } }
        : { status: 200, body: { metadata: { resourceVersion: '7', continue: 'next' }, items: [{ metadata: { name: 'a', managedFields: [{}] } }, { metadata: { name: 'b' } }] } };
    };
    const list = await client().list(JOBS, {
      namespace: 'ns',
      transform: (item) => {
        order.push(`item ${item.metadata.name}`);
        delete (item.metadata as { managedFields?: unknown }).managedFields;
      },
    });
    assert.deepEqual(order, ['page first', 'item a', 'item b', 'page next', 'item c']);
    assert.deepEqual(list.items, [{ metadata: { name: 'a' } }, { metadata: { name: 'b' } }, { metadata: { name: 'c' } }]);
  });

  test('merge-patches with the merge-patch content type and a field manager; status subresource path', async () => {
    seen.length = 0;
    respond = () => ({ status: 200, body: { metadata: { name: 'p', resourceVersion: '9' } } });
    const result = await client().mergePatch(PODS, 'ns', 'p', { metadata: { resourceVersion: '8' }, status: { phase: 'Failed' } }, 'status');
    assert.equal(result.metadata.resourceVersion, '9');
    assert.equal(seen[0].method, 'PATCH');
    assert.equal(seen[0].headers['content-type'], 'application/merge-patch+json');
    const url = new URL(seen[0].url, 'http://x');
    assert.equal(url.pathname, '/api/v1/namespaces/ns/pods/p/status');
    assert.equal(url.searchParams.get('fieldManager'), 'cdk8s-batch-controller');
    assert.deepEqual(JSON.parse(seen[0].body), { metadata: { resourceVersion: '8' }, status: { phase: 'Failed' } });
  });

  test('deletes with DeleteOptions (propagation and preconditions)', async () => {
    seen.length = 0;
    respond = () => ({ status: 200, body: { kind: 'Status', status: 'Success' } });
    await client().delete(JOBS, 'ns', 'j', { propagationPolicy: 'Background', preconditions: { uid: 'u', resourceVersion: '3' } });
    assert.equal(seen[0].method, 'DELETE');
    assert.deepEqual(JSON.parse(seen[0].body), {
      apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background', preconditions: { uid: 'u', resourceVersion: '3' },
    });
  });

  test('maps error Status answers to ApiError with code and reason', async () => {
    respond = () => ({ status: 409, body: { kind: 'Status', reason: 'Conflict', message: 'the object has been modified' } });
    const err = await client().get(JOBS, 'ns', 'j').catch((e) => e);
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, 409);
    assert.equal(err.reason, 'Conflict');
    assert.match(err.message, /409 the object has been modified/);
    assert.equal(isConflict(err), true);
    respond = () => ({ status: 404, body: { kind: 'Status', reason: 'NotFound', message: 'jobs "j" not found' } });
    assert.equal(isNotFound(await client().get(JOBS, 'ns', 'j').catch((e) => e)), true);
  });

  test('a connection failure is an ApiError with code 0', async () => {
    const dead = new RestClient({
      getCurrentCluster: () => ({ server: 'http://127.0.0.1:1' }),
      applyToHTTPSOptions: async () => undefined,
    });
    const err = await dead.get(JOBS, 'ns', 'j').catch((e) => e);
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, 0);
  });
});

describe('RestClient over TLS', () => {
  let dir: string;
  let server: https.Server;
  let port: number;
  let handshakes = 0;
  let ca: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-tls-'));
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem')], { stdio: 'ignore' });
    ca = fs.readFileSync(path.join(dir, 'cert.pem'), 'utf8');
    server = https.createServer({ key: fs.readFileSync(path.join(dir, 'key.pem')), cert: ca }, (req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ metadata: { name: 'x' } }));
      });
    });
    server.on('secureConnection', () => handshakes++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Like client-node 1.4's KubeConfig: a new https.Agent with the TLS options on every call. */
  const client = (trust: () => string) => new RestClient({
    getCurrentCluster: () => ({ server: `https://127.0.0.1:${port}` }),
    applyToHTTPSOptions: async (opts) => {
      opts.agent = new https.Agent({ ca: trust() });
    },
  });

  test('reuses one kept-alive TLS connection across requests; a new CA gets a new connection', async () => {
    let trust = ca;
    const rest = client(() => trust);
    handshakes = 0;
    for (let i = 0; i < 3; i++) await rest.get(JOBS, 'ns', 'x');
    assert.equal(handshakes, 1);
    trust = `${ca}\n`; // another trust bundle: another TLS identity
    await rest.get(JOBS, 'ns', 'x');
    await rest.get(JOBS, 'ns', 'x');
    assert.equal(handshakes, 2);
    rest.close();
  });
});

describe('RestClient.watch', () => {
  let server: http.Server;
  let port: number;
  let handler: (req: http.IncomingMessage, res: http.ServerResponse) => void = () => undefined;
  before(async () => {
    server = http.createServer((req, res) => handler(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const client = () => new RestClient({
    getCurrentCluster: () => ({ server: `http://127.0.0.1:${port}` }),
    applyToHTTPSOptions: async (opts) => {
      opts.headers = { ...opts.headers, Authorization: 'Bearer w' };
    },
  });

  test('streams events split across chunks, then done(null) when the server ends the stream', async () => {
    let url = '';
    let auth = '';
    handler = (req, res) => {
      url = req.url!;
      auth = req.headers.authorization ?? '';
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"type":"ADDED","object":{"metadata":{"name":"a","resourceVersion":"2"}}}\n{"type":"MODI');
      setTimeout(() => {
        res.write('FIED","object":{"metadata":{"name":"a","resourceVersion":"3"}}}\nnot json\n');
        res.end('{"type":"BOOKMARK","object":{"metadata":{"resourceVersion":"4"}}}\n');
      }, 10);
    };
    const events: string[] = [];
    const done = await new Promise<unknown>((resolve) => {
      void client().watch('/apis/batch/v1/namespaces/ns/jobs', { resourceVersion: '1', labelSelector: 'x', allowWatchBookmarks: true },
        (type, obj) => events.push(`${type} ${obj.metadata.resourceVersion}`), resolve);
    });
    assert.equal(done, null);
    assert.deepEqual(events, ['ADDED 2', 'MODIFIED 3', 'BOOKMARK 4']);
    const u = new URL(url, 'http://x');
    assert.equal(u.pathname, '/apis/batch/v1/namespaces/ns/jobs');
    assert.deepEqual(Object.fromEntries(u.searchParams), { resourceVersion: '1', labelSelector: 'x', allowWatchBookmarks: 'true', watch: 'true' });
    assert.equal(auth, 'Bearer w');
  });

  test('an HTTP error answer ends it with the status code and the API\'s message', async () => {
    handler = (_req, res) => {
      res.writeHead(403, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', code: 403, message: 'jobs is forbidden' }));
    };
    const err = await new Promise<any>((resolve) => void client().watch('/api/v1/pods', {}, () => undefined, resolve));
    assert.equal(err.statusCode, 403);
    assert.equal(err.message, 'jobs is forbidden');
  });

  test('abort() ends it once, with an AbortError', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write('\n');
    };
    const dones: any[] = [];
    let first!: () => void;
    const opened = new Promise<void>((r) => (first = r));
    const handle = await client().watch('/api/v1/pods', {}, () => undefined, (e) => dones.push(e));
    setTimeout(first, 50);
    await opened;
    handle.abort();
    handle.abort();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(dones.length, 1);
    assert.equal(dones[0].name, 'AbortError');
  });
});
