import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { microTime } from '../src/kube/events';
import { defaultIdentity, parseFlags } from '../src/main';
import { formatRfc3339Seconds } from '../../src/time';
import { jsonLogger } from '../src/runtime/log';

describe('flags', () => {
  test('defaults', () => {
    const f = parseFlags([]);
    assert.equal(f.metricsBind, undefined, 'resolved later: 0.0.0.0:8080 in a cluster, 127.0.0.1:8080 outside');
    assert.equal(f.leaderElect, true);
    assert.equal(f.leaderElectionId, 'cdk8s-batch-controller');
    assert.deepEqual([f.leaseDurationSeconds, f.renewDeadlineSeconds, f.retryPeriodSeconds], [15, 10, 2]);
    assert.equal(f.workers, 2);
    assert.equal(f.watchdogSeconds, 600);
    assert.equal(f.jobRunHistoryLimit, 100);
    assert.equal(f.cacheSyncTimeoutSeconds, 120);
    assert.equal(f.logLevel, 'info');
    assert.equal(f.namespace, undefined);
  });

  test('values', () => {
    const f = parseFlags(['--kubeconfig', '/tmp/kc', '--metrics-bind', '127.0.0.1:0', '--namespace', 'ns',
      '--leader-elect=false', '--log-level', 'debug', '--workers', '4']);
    assert.equal(f.kubeconfig, '/tmp/kc');
    assert.equal(f.metricsBind, '127.0.0.1:0');
    assert.equal(f.namespace, 'ns');
    assert.equal(f.leaderElect, false);
    assert.equal(f.logLevel, 'debug');
    assert.equal(f.workers, 4);
  });

  test('accepts the BatchController Deployment\'s arguments: bare --leader-elect and --http-bind', () => {
    const f = parseFlags(['--leader-elect', '--http-bind=0.0.0.0:8080']);
    assert.equal(f.leaderElect, true);
    assert.equal(f.metricsBind, '0.0.0.0:8080');
    assert.equal(parseFlags(['--http-bind', '127.0.0.1:0', '--leader-elect']).leaderElect, true);
    assert.equal(parseFlags(['--leader-elect', 'false']).leaderElect, false);
    assert.throws(() => parseFlags(['--metrics-bind', ':1', '--http-bind', ':2']), /same flag/);
  });

  test('rejects bad values with a message naming the flag', () => {
    assert.throws(() => parseFlags(['--metrics-bind', '8080']), /--metrics-bind: bind address "8080" is not host:port/);
    assert.throws(() => parseFlags(['--leader-elect', 'yes']), /--leader-elect must be true or false/);
    assert.throws(() => parseFlags(['--workers', '0']), /--workers must be a positive whole number/);
    assert.throws(() => parseFlags(['--lease-duration', '5']), /--retry-period < --renew-deadline < --lease-duration/);
    assert.throws(() => parseFlags(['--bogus']), /Unknown option '--bogus'/);
    assert.deepEqual(parseFlags(['--namespace', 'team-a,team-b,team-a']).namespaces, ['team-a', 'team-b']);
    assert.throws(() => parseFlags(['--namespace', 'team-a,Team_B']),
      /^Error: --namespace: "Team_B" is not a namespace name \(a lowercase RFC 1123 label\); give NS or NS1,NS2$/);
    assert.throws(() => parseFlags(['--health-bind', '8081']), /--health-bind: bind address "8081" is not host:port/);
    assert.equal(parseFlags(['--health-bind', '0.0.0.0:8081']).healthBind, '0.0.0.0:8081');
    assert.throws(() => parseFlags(['--jobrun-history-limit', '2.5']), /^Error: --jobrun-history-limit must be a positive whole number, got "2.5"$/);
    assert.throws(() => parseFlags(['--cache-sync-timeout', '0']), /^Error: --cache-sync-timeout must be a positive number, got "0"$/);
  });

  test('identity is the pod name, else hostname_pid', () => {
    assert.equal(defaultIdentity({ POD_NAME: 'ctl-7d9f-abcde' }), 'ctl-7d9f-abcde');
    assert.match(defaultIdentity({}), new RegExp(`_${process.pid}$`));
  });
});

describe('logs and timestamps', () => {
  test('one JSON object per line with ts, level, msg and fields', () => {
    const lines: string[] = [];
    const log = jsonLogger({ level: 'info', write: (l) => lines.push(l), now: () => Date.parse('2026-01-05T10:00:00Z') });
    log.debug('hidden');
    log.child({ controller: 'enqueue' }).info('admitted Job', { job: 'j1', err: new Error('x') });
    assert.equal(lines.length, 1);
    assert.deepEqual(JSON.parse(lines[0]), {
      ts: '2026-01-05T10:00:00.000Z', level: 'info', msg: 'admitted Job', controller: 'enqueue', job: 'j1', err: { error: 'x' },
    });
  });

  test('MicroTime and metav1.Time formats', () => {
    assert.equal(microTime(Date.parse('2026-01-05T10:00:00.123Z')), '2026-01-05T10:00:00.123000Z');
    assert.equal(formatRfc3339Seconds(Date.parse('2026-01-05T10:00:00.999Z')), '2026-01-05T10:00:00Z');
  });
});
