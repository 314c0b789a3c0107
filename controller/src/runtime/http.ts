/**
 * The controller's HTTP endpoints: `/healthz` (the process serves), `/readyz` (informers
 * synced; the body also tells whether this instance leads) and `/metrics` (Prometheus text).
 * They can listen on two addresses: the probes where the kubelet reaches them (the pod IP)
 * and the metrics where only scrapers may (`--metrics-bind`, `--health-bind`).
 */
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { Metrics } from './metrics';

export interface HealthSource {
  /** Whether the process is alive and not shutting down. */
  healthy(): boolean;
  /** Whether every informer has synced. */
  ready(): boolean;
  /** Details for the `/readyz` body. */
  status(): Record<string, unknown>;
}

export interface HttpServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Parses `host:port` (`[::1]:8080` for IPv6); port 0 picks a free one. */
export function parseBindAddress(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(value.trim());
  if (!m) throw new Error(`bind address "${value}" is not host:port (e.g. 0.0.0.0:8080 or 127.0.0.1:0)`);
  const port = Number(m[3]);
  if (port > 65535) throw new Error(`bind address "${value}": port ${port} is out of range`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

/** Which endpoints one listener serves. */
export type HttpEndpoints = 'all' | 'health' | 'metrics';

export async function startHttpServer(bind: string, health: HealthSource, metrics: Metrics, endpoints: HttpEndpoints = 'all'): Promise<HttpServer> {
  const serves = (path: string) => endpoints === 'all' || (path === '/metrics') === (endpoints === 'metrics');
  const { host, port } = parseBindAddress(bind);
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (code: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(code, { 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, 'method not allowed\n');
      return;
    }
    switch (serves(path) ? path : '') {
      case '/healthz':
      case '/livez':
        if (health.healthy()) send(200, 'ok\n');
        else send(503, 'shutting down\n');
        return;
      case '/readyz': {
        const ready = health.ready();
        send(ready ? 200 : 503, JSON.stringify({ ready, ...health.status() }) + '\n', 'application/json');
        return;
      }
      case '/metrics':
        metrics.registry.metrics().then(
          (text) => send(200, text, metrics.registry.contentType),
          (e: Error) => send(500, `metrics failed: ${e.message}\n`),
        );
        return;
      default:
        send(404, 'not found\n');
    }
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  return {
    host: addr.address,
    port: addr.port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
