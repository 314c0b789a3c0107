/**
 * Benchmark without a cluster: the controller *process* with 5,000 Jobs cached (issue 17). A
 * stand-in API server on 127.0.0.1 (plain HTTP) serves the LIST of 5,000 Jobs (in the pages asked for) shaped as
 * kube-apiserver serves them (`served` in ./controller-cache.ts: uid, defaults, selector,
 * `managedFields`, the `Suspended` condition), empty lists of everything else, and watches that
 * stay open and quiet. The compiled controller (`controller/dist/controller/src/main.js`, and a
 * baseline `main.js` given as argument, e.g. a checkout before a change) runs against it with
 * `--leader-elect=false`, in alternating rounds; per process, once `/readyz` answers 200 and 5 s
 * passed: RSS (`VmRSS`), then RSS and V8 heap after a full GC (SIGUSR2 to a preload, as
 * bench:controller does), and the peak (`VmHWM`). Medians of the rounds.
 *
 *   TS_NODE_PROJECT=bench/tsconfig.json node -r ts-node/register/transpile-only bench/controller-rss.ts [BASE_MAIN_JS]
 *
 * Not the real control plane (`npx projen bench:controller memory` is): no watch events, no
 * Job controller writing statuses, one LIST page per resource. What it measures well is what
 * the process holds: its modules and its caches.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { jobOf, synthWorkloads } from './controller/workloads';
import { served } from './controller-cache';

const JOBS = 5000;
const WORKLOADS = 50;
const ROUNDS = 3;
const THIS_MAIN = path.join(__dirname, '..', 'controller', 'dist', 'controller', 'src', 'main.js');

interface Reading {
  readonly rss: number;
  readonly rssAfterGc: number;
  readonly heapAfterGc: number;
  readonly peak: number;
}

function procStatus(pid: number, field: string): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return Number(line?.match(/(\d+)/)?.[1] ?? NaN) * 1024;
}

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

async function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    http.get(url, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', () => resolve({ status: 0, body: '' }));
  });
}

async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function measure(mainJs: string, kubeconfig: string, preload: string): Promise<Reading> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, ['--require', preload, mainJs,
    '--kubeconfig', kubeconfig, '--leader-elect=false', '--metrics-bind', `127.0.0.1:${port}`, '--log-level', 'error'],
  { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    const started = Date.now();
    let ready = false;
    for (let i = 0; i < 600 && !ready; i++) {
      ready = (await get(`http://127.0.0.1:${port}/readyz`)).status === 200;
      if (!ready) await sleep(100);
    }
    if (!ready) throw new Error(`${mainJs}: not ready after 60 s`);
    process.stderr.write(`${path.relative(process.cwd(), mainJs)}: ready after ${Date.now() - started} ms\n`);
    await sleep(5000);
    const pid = child.pid!;
    const rss = procStatus(pid, 'VmRSS');
    child.kill('SIGUSR2');
    await sleep(1500);
    const metrics = (await get(`http://127.0.0.1:${port}/metrics`)).body;
    const heapAfterGc = Number(metrics.match(/^nodejs_heap_size_used_bytes (\S+)/m)?.[1] ?? NaN);
    return { rss, rssAfterGc: procStatus(pid, 'VmRSS'), heapAfterGc, peak: procStatus(pid, 'VmHWM') };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
}

async function main(): Promise<void> {
  const base = process.argv[2];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-rss-'));
  const workloads = synthWorkloads('nightly', WORKLOADS);
  const jobs = Array.from({ length: JOBS }, (_, i) => served(jobOf(workloads[i % WORKLOADS], `${workloads[i % WORKLOADS].name}-${i}`), i));
  // Pages as kube-apiserver cuts them (`limit`, `continue`): the controller lists 500 at a time.
  const jobPage = (from: number, limit: number) => JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'JobList',
    metadata: { resourceVersion: '200000', ...(from + limit < JOBS ? { continue: String(from + limit) } : {}) },
    items: jobs.slice(from, from + limit),
  });
  const watches = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    if (url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      watches.add(res);
      res.on('close', () => watches.delete(res));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    if (req.method === 'GET' && url.pathname.endsWith('/jobs')) {
      res.end(jobPage(Number(url.searchParams.get('continue') ?? 0), Number(url.searchParams.get('limit') ?? JOBS)));
    } else if (req.method === 'GET') {
      res.end(JSON.stringify({ kind: 'List', metadata: { resourceVersion: '200000' }, items: [] }));
    } else {
      req.resume();
      req.on('end', () => res.end('{}'));
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const kubeconfig = path.join(dir, 'kubeconfig');
  fs.writeFileSync(kubeconfig, JSON.stringify({
    'apiVersion': 'v1',
    'kind': 'Config',
    'current-context': 'bench',
    // insecure-skip-tls-verify: client-node (the baseline) refuses plain HTTP without it.
    'clusters': [{ name: 'bench', cluster: { 'server': `http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'insecure-skip-tls-verify': true } }],
    'contexts': [{ name: 'bench', context: { cluster: 'bench', user: 'bench' } }],
    'users': [{ name: 'bench', user: { token: 'bench' } }],
  }));
  const preload = path.join(dir, 'gc-on-sigusr2.js');
  fs.writeFileSync(preload, "const gc = (require('v8').setFlagsFromString('--expose-gc'), require('vm').runInNewContext('gc'));\n"
    + "process.on('SIGUSR2', () => { gc(); gc(); });\n");
  const sides: Record<string, string> = { this: THIS_MAIN, ...(base ? { base } : {}) };
  const readings: Record<string, Reading[]> = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const [side, mainJs] of Object.entries(sides)) readings[side].push(await measure(mainJs, kubeconfig, preload));
    }
  } finally {
    for (const w of watches) w.destroy();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const mib = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
  const median = (vs: number[]) => [...vs].sort((a, b) => a - b)[Math.floor(vs.length / 2)];
  const rows: Record<string, Record<string, string>> = {};
  for (const [side, rs] of Object.entries(readings)) {
    rows[side] = {
      'RSS': mib(median(rs.map((r) => r.rss))),
      'RSS after full GC': mib(median(rs.map((r) => r.rssAfterGc))),
      'heap used after full GC': mib(median(rs.map((r) => r.heapAfterGc))),
      'peak RSS (VmHWM)': mib(median(rs.map((r) => r.peak))),
      'all RSS after GC': rs.map((r) => mib(r.rssAfterGc)).join(' / '),
    };
  }
  console.log(`${JOBS} Jobs cached, ${ROUNDS} alternating rounds, medians:`);
  console.table(rows);
}

void main();
