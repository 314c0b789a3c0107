import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { contextNamespace, KubeConfig, loadKubeConfig, NoClusterConfigError } from '../src/kube/config';
import { RestClient } from '../src/kube/rest';
import { JOBS } from '../src/kube/types';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('KubeConfig (our reader, not client-node\'s)', () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-kubeconfig-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  };

  test('client certificates inline; the context\'s cluster, server and namespace', async () => {
    const file = write('certs.yaml', [
      'apiVersion: v1', 'kind: Config', 'current-context: admin',
      'clusters:', '- name: other', '  cluster: {server: "https://other:1"}',
      '- name: rig', `  cluster: {server: "https://127.0.0.1:6443", certificate-authority-data: ${b64('CA')}}`,
      'contexts:', '- name: admin', '  context: {cluster: rig, user: admin, namespace: batch}',
      'users:', '- name: admin', `  user: {client-certificate-data: ${b64('CERT')}, client-key-data: ${b64('KEY')}}`, '',
    ].join('\n'));
    const { kc, inCluster, source } = loadKubeConfig(file, {});
    assert.equal(inCluster, false);
    assert.equal(source, file);
    assert.equal(kc.getCurrentContext(), 'admin');
    assert.equal(kc.getCurrentCluster()?.server, 'https://127.0.0.1:6443');
    assert.equal(contextNamespace(kc), 'batch');
    const opts: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    const tls = (opts.agent as https.Agent).options;
    assert.deepEqual([String(tls.ca), String(tls.cert), String(tls.key)], ['CA', 'CERT', 'KEY']);
    assert.equal(opts.headers, undefined);
    const again: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(again);
    assert.equal(again.agent, opts.agent, 'the same agent while the TLS settings stay the same');
  });

  test('files relative to the kubeconfig\'s folder; a token file; insecure-skip-tls-verify and tls-server-name', async () => {
    write('sub/ca.crt', 'CA FILE');
    write('sub/token', 'tok-1\n');
    const file = write('sub/files.yaml', [
      'current-context: c',
      'clusters: [{name: c, cluster: {server: "https://h:1", certificate-authority: ca.crt, insecure-skip-tls-verify: true, tls-server-name: api.local}}]',
      'contexts: [{name: c, context: {cluster: c, user: u}}]',
      'users: [{name: u, user: {tokenFile: token}}]', '',
    ].join('\n'));
    const { kc } = loadKubeConfig(file, {});
    const opts: https.RequestOptions = { headers: { Accept: 'application/json' } };
    await kc.applyToHTTPSOptions(opts);
    const tls = (opts.agent as https.Agent).options;
    assert.equal(String(tls.ca), 'CA FILE');
    assert.equal(tls.rejectUnauthorized, false);
    assert.equal(tls.servername, 'api.local');
    assert.deepEqual(opts.headers, { Accept: 'application/json', Authorization: 'Bearer tok-1' });
    assert.equal(contextNamespace(kc), undefined);
  });

  test('KUBECONFIG with two files: the first current-context and the first definition win', async () => {
    const a = write('a.yaml', ['current-context: two', 'users: [{name: u, user: {token: from-a}}]', ''].join('\n'));
    const b = write('b.yaml', ['current-context: one',
      'clusters: [{name: c, cluster: {server: "http://127.0.0.1:9"}}]',
      'contexts: [{name: two, context: {cluster: c, user: u, namespace: ns2}}]',
      'users: [{name: u, user: {token: from-b}}]', ''].join('\n'));
    const { kc, source } = loadKubeConfig(undefined, { KUBECONFIG: `${a}${path.delimiter}${b}` });
    assert.equal(source, `${a}${path.delimiter}${b}`);
    assert.equal(kc.getCurrentContext(), 'two');
    assert.equal(kc.namespace, 'ns2');
    const opts: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    assert.deepEqual(opts.headers, { Authorization: 'Bearer from-a' });
  });

  test('basic auth; no current cluster', async () => {
    const file = write('basic.yaml', ['current-context: c',
      'contexts: [{name: c, context: {cluster: missing, user: u}}]',
      'users: [{name: u, user: {username: ann, password: pw}}]', ''].join('\n'));
    const { kc } = loadKubeConfig(file, {});
    assert.equal(kc.getCurrentCluster(), null);
    const opts: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    assert.equal(opts.auth, 'ann:pw');
  });

  test('in cluster: the service host and port, the ServiceAccount\'s CA, namespace and token', async () => {
    const sa = path.join(dir, 'sa');
    write('sa/ca.crt', 'POD CA');
    write('sa/token', 'sa-token');
    write('sa/namespace', 'batch-system\n');
    const kc = KubeConfig.fromCluster({ KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '6443' }, sa);
    assert.equal(kc.getCurrentCluster()?.server, 'https://[fd00::1]:6443');
    assert.equal(kc.namespace, 'batch-system');
    const opts: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    assert.equal(String((opts.agent as https.Agent).options.ca), 'POD CA');
    assert.deepEqual(opts.headers, { Authorization: 'Bearer sa-token' });
  });

  test('an exec credential plugin is handed to client-node\'s KubeConfig', async () => {
    const file = write('exec.yaml', ['current-context: c',
      'clusters: [{name: c, cluster: {server: "https://h:1"}}]',
      'contexts: [{name: c, context: {cluster: c, user: u}}]',
      'users: [{name: u, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: sh, interactiveMode: Never,',
      '  args: ["-c", "echo \'{\\"apiVersion\\":\\"client.authentication.k8s.io/v1\\",\\"kind\\":\\"ExecCredential\\",\\"status\\":{\\"token\\":\\"from-exec\\"}}\'"]}}}]',
      ''].join('\n'));
    const { kc } = loadKubeConfig(file, {});
    const opts: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(opts);
    assert.equal((opts.headers as Record<string, string>).Authorization, 'Bearer from-exec');
  });

  test('no configuration: the errors name what is missing', () => {
    assert.throws(() => loadKubeConfig(path.join(dir, 'nope'), {}), new NoClusterConfigError(`--kubeconfig ${path.join(dir, 'nope')}: no such file`));
    assert.throws(() => loadKubeConfig(undefined, { KUBECONFIG: path.join(dir, 'nope') }),
      new NoClusterConfigError(`KUBECONFIG=${path.join(dir, 'nope')}: no such file`));
  });
});

describe('KubeConfig with RestClient over mutual TLS (as the rig\'s admin kubeconfig)', () => {
  let dir: string;
  let server: https.Server;
  let port: number;
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore' });
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-mtls-'));
    const f = (n: string) => path.join(dir, n);
    openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=test-ca',
      '-keyout', f('ca.key'), '-out', f('ca.crt'));
    for (const [name, subj, ext] of [['server', '/CN=apiserver', 'subjectAltName=IP:127.0.0.1'], ['client', '/CN=admin', 'extendedKeyUsage=clientAuth']]) {
      openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-subj', subj, '-keyout', f(`${name}.key`), '-out', f(`${name}.csr`));
      fs.writeFileSync(f(`${name}.ext`), `${ext}\n`);
      openssl('x509', '-req', '-in', f(`${name}.csr`), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '1',
        '-extfile', f(`${name}.ext`), '-out', f(`${name}.crt`));
    }
    server = https.createServer({
      key: fs.readFileSync(f('server.key')),
      cert: fs.readFileSync(f('server.crt')),
      ca: fs.readFileSync(f('ca.crt')),
      requestCert: true,
      rejectUnauthorized: true,
    }, (req, res) => {
      const cn = (req.socket as import('node:tls').TLSSocket).getPeerCertificate().subject?.CN;
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (new URL(req.url!, 'http://x').searchParams.get('watch') === 'true') {
        res.end(`${JSON.stringify({ type: 'ADDED', object: { metadata: { name: cn, resourceVersion: '5' } } })}\n`);
      } else {
        res.end(JSON.stringify({ metadata: { name: cn } }));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('GET and WATCH with the CA and the client certificate from files', async () => {
    const file = path.join(dir, 'kubeconfig');
    fs.writeFileSync(file, ['current-context: admin',
      `clusters: [{name: rig, cluster: {server: "https://127.0.0.1:${port}", certificate-authority: ca.crt}}]`,
      'contexts: [{name: admin, context: {cluster: rig, user: admin}}]',
      'users: [{name: admin, user: {client-certificate: client.crt, client-key: client.key}}]', ''].join('\n'));
    const rest = new RestClient(loadKubeConfig(file, {}).kc);
    try {
      assert.equal((await rest.get(JOBS, 'ns', 'x')).metadata.name, 'admin');
      const events: string[] = [];
      const done = await new Promise<unknown>((resolve) => {
        void rest.watch('/apis/batch/v1/namespaces/ns/jobs', {}, (type, obj) => events.push(`${type} ${obj.metadata.name}`), resolve);
      });
      assert.equal(done, null);
      assert.deepEqual(events, ['ADDED admin']);
    } finally {
      rest.close();
    }
  });
});
