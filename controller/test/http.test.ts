import assert from 'node:assert/strict';
import * as http from 'node:http';
import { describe, test } from 'node:test';
import { FakeApi } from './support/fake-api';
import { FakeClock } from './support/fake-clock';
import { startHarness } from './support/harness';
import { parseBindAddress } from '../src/runtime/http';

function get(port: number, path: string): Promise<{ status: number; body: string; type?: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, type: res.headers['content-type'] }));
    }).on('error', reject);
  });
}

describe('HTTP endpoint', () => {
  test('parses bind addresses', () => {
    assert.deepEqual(parseBindAddress('0.0.0.0:8080'), { host: '0.0.0.0', port: 8080 });
    assert.deepEqual(parseBindAddress('127.0.0.1:0'), { host: '127.0.0.1', port: 0 });
    assert.deepEqual(parseBindAddress('[::1]:9090'), { host: '::1', port: 9090 });
    assert.deepEqual(parseBindAddress(':8080'), { host: '0.0.0.0', port: 8080 });
    assert.throws(() => parseBindAddress('8080'), /is not host:port/);
    assert.throws(() => parseBindAddress('x:70000'), /out of range/);
  });

  test('serves /healthz, /readyz (synced + leader) and /metrics on loopback', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const h = await startHarness({ api, clock, bindAddress: '127.0.0.1:0' });
    const { port, host } = h.manager.httpAddress!;
    assert.equal(host, '127.0.0.1');
    try {
      assert.deepEqual(await get(port, '/healthz'), { status: 200, body: 'ok\n', type: 'text/plain; charset=utf-8' });
      const ready = await get(port, '/readyz');
      assert.equal(ready.status, 200);
      const status = JSON.parse(ready.body);
      assert.equal(status.ready, true);
      assert.equal(status.leader, true);
      assert.deepEqual(status.informers.jobs, { synced: true, watching: true });
      const metrics = await get(port, '/metrics');
      assert.equal(metrics.status, 200);
      for (const name of [
        'cdk8s_batch_workqueue_depth', 'cdk8s_batch_reconcile_errors_total', 'cdk8s_batch_reconcile_duration_seconds',
        'cdk8s_batch_enqueue_admissions_total', 'cdk8s_batch_pending_timeout_failures_total', 'cdk8s_batch_window_suspensions_total',
        'cdk8s_batch_informer_synced', 'cdk8s_batch_leader',
      ]) {
        assert.match(metrics.body, new RegExp(`# TYPE ${name} `), name);
      }
      assert.match(metrics.body, /cdk8s_batch_informer_synced{resource="pods"} 1/);
      assert.match(metrics.body, /cdk8s_batch_leader 1/);
      assert.equal((await get(port, '/nope')).status, 404);
    } finally {
      await h.stop();
    }
  });

  test('with --health-bind, the probes and /metrics listen apart: each listener serves only its own paths', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    const h = await startHarness({ api, clock, bindAddress: '127.0.0.1:0', healthBindAddress: '127.0.0.1:0' });
    const metricsPort = h.manager.httpAddress!.port;
    const healthPort = h.manager.healthAddress!.port;
    assert.notEqual(metricsPort, healthPort);
    try {
      assert.equal((await get(healthPort, '/healthz')).status, 200);
      assert.equal((await get(healthPort, '/readyz')).status, 200);
      assert.deepEqual(await get(healthPort, '/metrics'), { status: 404, body: 'not found\n', type: 'text/plain; charset=utf-8' });
      assert.equal((await get(metricsPort, '/metrics')).status, 200);
      assert.equal((await get(metricsPort, '/readyz')).status, 404);
      assert.equal((await get(metricsPort, '/healthz')).status, 404);
    } finally {
      await h.stop();
    }
  });

  test('/readyz is 503 until the informers have synced', async () => {
    const clock = new FakeClock();
    const api = new FakeApi(clock);
    api.intercept = (call) => {
      if (call.verb === 'list') throw new Error('apiserver unavailable');
    };
    const h = await startHarness({ api, clock, bindAddress: '127.0.0.1:0', waitForLeader: false });
    try {
      const ready = await get(h.manager.httpAddress!.port, '/readyz');
      assert.equal(ready.status, 503);
      assert.equal(JSON.parse(ready.body).informers.jobs.synced, false);
      assert.equal((await get(h.manager.httpAddress!.port, '/healthz')).status, 200);
    } finally {
      await h.stop();
    }
  });
});
