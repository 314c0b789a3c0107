/**
 * `cdk8s-batch schedule`: the list of CronJobs, run as a subprocess on committed fixtures
 * (synthesized once with the real library, see fixtures/README.md), with exact output.
 *
 * Run times checked by hand (2026 calendar: 7 March is a Saturday; America/New_York moves
 * from -05:00 to -04:00 at 02:00 on Sunday 8 March and back at 02:00 on Sunday 1 November;
 * Europe/Berlin stays at +01:00 until 29 March; Asia/Tokyo is +09:00 all year):
 * - invoice-run `30 2 * * *` in New York: 02:30 does not exist on 8 March, so after Saturday
 *   noon UTC the next runs are 9, 10 and 11 March at 02:30 -04:00;
 * - ledger-sync `1 1 * * *` in New York: 01:01 on 8 March is still -05:00 (the jump is at 02:00);
 *   on 1 November 01:01 happens twice, at -04:00 and an hour later at -05:00;
 * - mail-digest `0 9 * * 1-5` in Tokyo: Saturday 12:00 UTC is Saturday 21:00 there, so Monday 9 March;
 * - nightly-backup `0 0 * * *` without spec.timeZone: midnight in the assumed zone (UTC, or
 *   Berlin's +01:00 with --controller-time-zone Europe/Berlin);
 * - cache-warmer `12-57/15 * * * *` from 12:00 UTC: 12:12 first;
 * - weekly-digest `33 7 * * 4`: the first Thursday after Saturday 7 March is the 12th.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { FIXTURES, runCli } from './run-cli-subprocess';

const FROM = '2026-03-07T12:00:00Z';

describe('cdk8s-batch schedule', () => {
  test('lists hashed, plain and time-zoned CronJobs with their next runs, DST gap skipped', () => {
    const result = runCli(['schedule', 'dist/us', 'dist/legacy', '--from', FROM]);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `4 CronJobs, next 3 runs after 2026-03-07T12:00:00Z

billing/invoice-run  (ScheduledBatch in dist/us/billing.k8s.yaml)
  written     30 2 * * *
  seed        billing/invoice-run  (not used: no H)
  resolved    30 2 * * *
  meaning     At 02:30
  time zone   America/New_York
  next runs   Mon 2026-03-09 02:30 -04:00
              Tue 2026-03-10 02:30 -04:00
              Wed 2026-03-11 02:30 -04:00

billing/ledger-sync  (ScheduledBatch in dist/us/billing.k8s.yaml)
  written     H 1 * * *
  seed        billing/ledger-sync
  resolved    1 1 * * *
  meaning     At 01:01
  time zone   America/New_York
  next runs   Sun 2026-03-08 01:01 -05:00
              Mon 2026-03-09 01:01 -04:00
              Tue 2026-03-10 01:01 -04:00

ops/mail-digest  (plain CronJob in dist/legacy/ops.yml)
  written     -  (no cdk8s-batch.dev/schedule annotation)
  seed        -
  resolved    0 9 * * 1-5
  meaning     At 09:00 on every day-of-week from Monday through Friday
  time zone   Asia/Tokyo
  next runs   Mon 2026-03-09 09:00 +09:00
              Tue 2026-03-10 09:00 +09:00
              Wed 2026-03-11 09:00 +09:00

ops/nightly-backup  (plain CronJob in dist/legacy/ops.yml)
  written     -  (no cdk8s-batch.dev/schedule annotation)
  seed        -
  resolved    0 0 * * *
  meaning     At 00:00
  time zone   unset: kube-controller-manager's local zone (assumed UTC, see --controller-time-zone)
  next runs   Sun 2026-03-08 00:00 +00:00
              Mon 2026-03-09 00:00 +00:00
              Tue 2026-03-10 00:00 +00:00
`);
  });

  test('a run time in the fall-back overlap runs twice, an hour apart', () => {
    const result = runCli(['schedule', 'dist/us', '--from', '2026-10-31T12:00:00Z']);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `2 CronJobs, next 3 runs after 2026-10-31T12:00:00Z

billing/invoice-run  (ScheduledBatch in dist/us/billing.k8s.yaml)
  written     30 2 * * *
  seed        billing/invoice-run  (not used: no H)
  resolved    30 2 * * *
  meaning     At 02:30
  time zone   America/New_York
  next runs   Sun 2026-11-01 02:30 -05:00
              Mon 2026-11-02 02:30 -05:00
              Tue 2026-11-03 02:30 -05:00

billing/ledger-sync  (ScheduledBatch in dist/us/billing.k8s.yaml)
  written     H 1 * * *
  seed        billing/ledger-sync
  resolved    1 1 * * *
  meaning     At 01:01
  time zone   America/New_York
  next runs   Sun 2026-11-01 01:01 -04:00
              Sun 2026-11-01 01:01 -05:00  second run at 01:01: the clocks go back from 02:00 to
              01:00, so this time happens twice
              Mon 2026-11-02 01:01 -05:00
`);
  });

  test('-f PATH is PATH, as run -f takes it; both together are read as one list', () => {
    const from = ['--from', '2026-03-07T12:00:00Z'];
    const positional = runCli(['schedule', 'dist/us', ...from]);
    assert.equal(positional.code, 0);
    assert.deepEqual(runCli(['schedule', '-f', 'dist/us', ...from]), positional);
    const both = runCli(['schedule', 'dist/us', '-f', 'dist/legacy', ...from]);
    assert.equal(both.code, 0);
    assert.deepEqual(both, runCli(['schedule', 'dist/us', 'dist/legacy', ...from]));
    assert.match(both.stdout, /^4 CronJobs, next 3 runs/);
  });

  test('reads dist/ by default, walks it recursively, and takes "now" from CDK8S_BATCH_NOW', () => {
    const result = runCli(['schedule', '--count', '1'], { env: { CDK8S_BATCH_NOW: FROM } });
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `13 CronJobs, next 1 run after 2026-03-07T12:00:00Z

billing/invoice-run  (ScheduledBatch in dist/us/billing.k8s.yaml)
  written     30 2 * * *
  seed        billing/invoice-run  (not used: no H)
  resolved    30 2 * * *
  meaning     At 02:30
  time zone   America/New_York
  next runs   Mon 2026-03-09 02:30 -04:00

billing/ledger-sync  (ScheduledBatch in dist/us/billing.k8s.yaml)
  written     H 1 * * *
  seed        billing/ledger-sync
  resolved    1 1 * * *
  meaning     At 01:01
  time zone   America/New_York
  next runs   Sun 2026-03-08 01:01 -05:00

default/cache-warmer  (ScheduledBatch in dist/platform.k8s.yaml)
  written     H/15 * * * *
  seed        default/cache-warmer
  resolved    12-57/15 * * * *
  meaning     At every 15th minute from 12 through 57
  time zone   UTC
  next runs   Sat 2026-03-07 12:12 +00:00

default/cleanup  (ScheduledBatch in dist/platform.k8s.yaml)
  written     0 0 * * *
  seed        default/cleanup  (not used: no H)
  resolved    0 0 * * *
  meaning     At 00:00
  time zone   UTC
  next runs   Sun 2026-03-08 00:00 +00:00

default/db-vacuum  (ScheduledBatch in dist/platform.k8s.yaml)
  written     H H(0-5) * * *
  seed        default/db-vacuum
  resolved    49 3 * * *
  meaning     At 03:49
  time zone   UTC
  next runs   Sun 2026-03-08 03:49 +00:00

default/log-rotate  (ScheduledBatch in dist/platform.k8s.yaml)
  written     H H * * *
  seed        default/log-rotate
  resolved    51 19 * * *
  meaning     At 19:51
  time zone   UTC
  next runs   Sat 2026-03-07 19:51 +00:00

default/metrics-rollup  (ScheduledBatch in dist/platform.k8s.yaml)
  written     0 * * * *
  seed        default/metrics-rollup  (not used: no H)
  resolved    0 * * * *
  meaning     At minute 0
  time zone   UTC
  next runs   Sat 2026-03-07 13:00 +00:00

default/paused-report  (ScheduledBatch in dist/platform.k8s.yaml)
  written     H H * * *
  seed        default/paused-report
  resolved    56 18 * * *
  meaning     At 18:56
  time zone   UTC
  suspended   yes: none of these runs start while spec.suspend is true
  next runs   Sat 2026-03-07 18:56 +00:00

ops/mail-digest  (plain CronJob in dist/legacy/ops.yml)
  written     -  (no cdk8s-batch.dev/schedule annotation)
  seed        -
  resolved    0 9 * * 1-5
  meaning     At 09:00 on every day-of-week from Monday through Friday
  time zone   Asia/Tokyo
  next runs   Mon 2026-03-09 09:00 +09:00

ops/nightly-backup  (plain CronJob in dist/legacy/ops.yml)
  written     -  (no cdk8s-batch.dev/schedule annotation)
  seed        -
  resolved    0 0 * * *
  meaning     At 00:00
  time zone   unset: kube-controller-manager's local zone (assumed UTC, see --controller-time-zone)
  next runs   Sun 2026-03-08 00:00 +00:00

reports/nightly-export  (ScheduledBatch in dist/reports.k8s.yaml)
  written     H H(1-4) * * MON-FRI
  seed        reports/nightly-export
  resolved    38 2 * * MON-FRI
  meaning     At 02:38 on every day-of-week from Monday through Friday
  time zone   Europe/Berlin
  next runs   Mon 2026-03-09 02:38 +01:00

reports/nightly-v2  (ScheduledBatch in dist/reports.k8s.yaml)
  written     H H(1-4) * * MON-FRI
  seed        reports/nightly-export
  resolved    38 2 * * MON-FRI
  meaning     At 02:38 on every day-of-week from Monday through Friday
  time zone   Europe/Berlin
  next runs   Mon 2026-03-09 02:38 +01:00

reports/weekly-digest  (ScheduledBatch in dist/reports.k8s.yaml)
  written     H H * * H
  seed        reports/weekly-digest
  resolved    33 7 * * 4
  meaning     At 07:33 on Thursday
  time zone   Europe/Berlin
  next runs   Thu 2026-03-12 07:33 +01:00
`);
  });

  test('-o json gives next runs as RFC 3339 in the CronJob\'s zone', () => {
    const result = runCli(['schedule', 'dist/us', '-o', 'json', '--from', '2026-10-31T12:00:00Z', '--count', '2']);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `[
  {
    "namespace": "billing",
    "name": "invoice-run",
    "file": "dist/us/billing.k8s.yaml",
    "kind": "ScheduledBatch",
    "expression": "30 2 * * *",
    "seed": "billing/invoice-run",
    "hashed": false,
    "resolved": "30 2 * * *",
    "explanation": "At 02:30",
    "timeZone": "America/New_York",
    "effectiveTimeZone": "America/New_York",
    "suspended": false,
    "nextRuns": [
      "2026-11-01T02:30:00-05:00",
      "2026-11-02T02:30:00-05:00"
    ]
  },
  {
    "namespace": "billing",
    "name": "ledger-sync",
    "file": "dist/us/billing.k8s.yaml",
    "kind": "ScheduledBatch",
    "expression": "H 1 * * *",
    "seed": "billing/ledger-sync",
    "hashed": true,
    "resolved": "1 1 * * *",
    "explanation": "At 01:01",
    "timeZone": "America/New_York",
    "effectiveTimeZone": "America/New_York",
    "suspended": false,
    "nextRuns": [
      "2026-11-01T01:01:00-04:00",
      "2026-11-01T01:01:00-05:00"
    ],
    "clockChanges": [
      {
        "at": "2026-11-01T01:01:00-05:00",
        "remark": "second run at 01:01: the clocks go back from 02:00 to 01:00, so this time happens twice"
      }
    ]
  }
]
`);
  });

  test('-o yaml, and --controller-time-zone for CronJobs without spec.timeZone', () => {
    const result = runCli(['schedule', 'dist/legacy', '-o', 'yaml', '--from', FROM, '--count', '1',
      '--controller-time-zone', 'Europe/Berlin']);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `- namespace: ops
  name: mail-digest
  file: dist/legacy/ops.yml
  kind: null
  expression: null
  seed: null
  hashed: false
  resolved: 0 9 * * 1-5
  explanation: At 09:00 on every day-of-week from Monday through Friday
  timeZone: Asia/Tokyo
  effectiveTimeZone: Asia/Tokyo
  suspended: false
  nextRuns:
    - "2026-03-09T09:00:00+09:00"
- namespace: ops
  name: nightly-backup
  file: dist/legacy/ops.yml
  kind: null
  expression: null
  seed: null
  hashed: false
  resolved: 0 0 * * *
  explanation: At 00:00
  timeZone: null
  effectiveTimeZone: Europe/Berlin
  suspended: false
  nextRuns:
    - "2026-03-08T00:00:00+01:00"
`);
  });

  test('warns when spec.schedule no longer matches its annotations, and fails (exit 1) on a schedule the core cannot read', () => {
    const result = runCli(['schedule', 'edited', '--from', FROM]);
    assert.equal(result.stdout, `2 CronJobs, next 3 runs after 2026-03-07T12:00:00Z

default/report-archive  (ScheduledBatch in edited/cronjobs.yaml)
  written     H H * * *
  seed        default/report-archive
  resolved    0 3 * * *
  meaning     At 03:00
  time zone   UTC
  warning     spec.schedule differs from cdk8s-batch.dev/schedule hashed with the seed (which gives
              "17 13 * * *"): edited after synth? Synthesize again.
  next runs   Sun 2026-03-08 03:00 +00:00
              Mon 2026-03-09 03:00 +00:00
              Tue 2026-03-10 03:00 +00:00

ops/hourly-ping  (plain CronJob in edited/cronjobs.yaml)
  written     -  (no cdk8s-batch.dev/schedule annotation)
  seed        -
  resolved    @every 1h
  problem     schedule: @every intervals are not supported (got "@every 1h"). Write the interval as
              a cron step, e.g. "*/15 * * * *" for every 15 minutes.
`);
    assert.equal(result.stderr, 'error: cannot read the schedule of ops/hourly-ping (see "problem" above). '
      + 'Fix spec.schedule or spec.timeZone in the manifest.\n');
    assert.equal(result.code, 1);
  });

  test('with -o json, a schedule the core cannot read is in the data, and the error points there', () => {
    const result = runCli(['schedule', 'edited', '--from', FROM, '-o', 'json']);
    const [edited, unreadable] = JSON.parse(result.stdout);
    assert.equal(edited.warning, 'spec.schedule differs from cdk8s-batch.dev/schedule hashed with the seed (which gives "17 13 * * *"): '
      + 'edited after synth? Synthesize again.');
    assert.deepEqual([unreadable.name, unreadable.explanation, unreadable.nextRuns], ['hourly-ping', null, []]);
    assert.equal(unreadable.problem, 'schedule: @every intervals are not supported (got "@every 1h"). '
      + 'Write the interval as a cron step, e.g. "*/15 * * * *" for every 15 minutes.');
    assert.equal(result.stderr, 'error: cannot read the schedule of ops/hourly-ping (see "problem" in the output). '
      + 'Fix spec.schedule or spec.timeZone in the manifest.\n');
    assert.equal(result.code, 1);
  });

  test('a workload with several schedules is one entry: each CronJob\'s schedule and seed, the next runs merged', () => {
    // several/shop.k8s.yaml (fixtures/README.md): sync has three CronJobs, two of them due at
    // 09:03 on Mondays (shown once, with both names); digest's two schedules were merged into one.
    const result = runCli(['schedule', 'several', '--from', FROM, '--count', '4']);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `4 CronJobs, next 4 runs after 2026-03-07T12:00:00Z

shop/digest  (ScheduledBatch in several/shop.k8s.yaml)
  written     0 9 * * 1-5,6,0
  seed        shop/digest  (not used: no H)
  resolved    0 9 * * 1-5,6,0
  meaning     At 09:00 on every day-of-week from Monday through Friday, Saturday and Sunday
  time zone   Asia/Tokyo
  next runs   Sun 2026-03-08 09:00 +09:00
              Mon 2026-03-09 09:00 +09:00
              Tue 2026-03-10 09:00 +09:00
              Wed 2026-03-11 09:00 +09:00

shop/sync  (ScheduledBatch in several/shop.k8s.yaml, 3 CronJobs)
  cronjob     sync
  written     H 9 * * 1-5
  seed        shop/sync
  resolved    3 9 * * 1-5
  meaning     At 09:03 on every day-of-week from Monday through Friday
  time zone   Asia/Tokyo
  cronjob     sync-1
  written     H 12 * * 6,0
  seed        shop/sync#1
  resolved    26 12 * * 6,0
  meaning     At 12:26 on Saturday and Sunday
  time zone   Asia/Tokyo
  cronjob     sync-2
  written     3 9 * * 1
  seed        shop/sync#2  (not used: no H)
  resolved    3 9 * * 1
  meaning     At 09:03 on Monday
  time zone   Asia/Tokyo
  next runs   Sun 2026-03-08 12:26 +09:00  sync-1
              Mon 2026-03-09 09:03 +09:00  sync, sync-2
              Tue 2026-03-10 09:03 +09:00  sync
              Wed 2026-03-11 09:03 +09:00  sync
`);
    const json = JSON.parse(runCli(['schedule', 'several', '--from', FROM, '--count', '2', '-o', 'json']).stdout);
    assert.deepEqual(json.map((e: any) => e.name ?? e.workload), ['digest', 'sync']);
    assert.deepEqual(json[1].cronJobs.map((c: any) => [c.name, c.seed, c.resolved]),
      [['sync', 'shop/sync', '3 9 * * 1-5'], ['sync-1', 'shop/sync#1', '26 12 * * 6,0'], ['sync-2', 'shop/sync#2', '3 9 * * 1']]);
    assert.deepEqual(json[1].nextRuns, [
      { at: '2026-03-08T12:26:00+09:00', cronJobs: ['sync-1'] },
      { at: '2026-03-09T09:03:00+09:00', cronJobs: ['sync', 'sync-2'] },
    ]);
  });

  test('the same file named twice is read once', () => {
    const twice = runCli(['schedule', 'dist/us', 'dist/us/billing.k8s.yaml', '--from', FROM, '-o', 'json']);
    const once = runCli(['schedule', 'dist/us', '--from', FROM, '-o', 'json']);
    assert.equal(twice.code, 0);
    assert.equal(twice.stdout, once.stdout);
  });

  test('reads a kubectl List', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-schedule-'));
    try {
      fs.writeFileSync(path.join(dir, 'list.yaml'), [
        'apiVersion: v1', 'kind: List', 'items:',
        '  - apiVersion: batch/v1', '    kind: CronJob', '    metadata: {name: from-cluster, namespace: team}',
        '    spec: {schedule: "*/20 * * * *", timeZone: Etc/GMT-9, jobTemplate: {}}', '',
      ].join('\n'));
      const result = runCli(['schedule', 'list.yaml', '--from', FROM, '--count', '2'], { cwd: dir });
      assert.equal(result.stderr, '');
      assert.equal(result.code, 0);
      assert.equal(result.stdout, [
        '1 CronJob, next 2 runs after 2026-03-07T12:00:00Z',
        '',
        'team/from-cluster  (plain CronJob in list.yaml)',
        '  written     -  (no cdk8s-batch.dev/schedule annotation)',
        '  seed        -',
        '  resolved    */20 * * * *',
        '  meaning     At every 20th minute',
        '  time zone   Etc/GMT-9',
        '  next runs   Sat 2026-03-07 21:20 +09:00',
        '              Sat 2026-03-07 21:40 +09:00',
        '',
      ].join('\n'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('no CronJobs: says so and exits 0, in the list and in the spread view', () => {
    for (const args of [['schedule', 'no-cronjobs'], ['schedule', '--spread', 'no-cronjobs']]) {
      const result = runCli(args);
      assert.equal(result.stderr, '');
      assert.equal(result.code, 0);
      assert.equal(result.stdout, 'No CronJobs found in no-cronjobs (1 YAML file, 2 objects).\n');
    }
  });

  describe('bad input', () => {
    const cases: Array<{ name: string; args: string[]; cwd?: string; code: number; stderr: string }> = [
      {
        name: 'missing path',
        args: ['schedule', 'dist/nothing-here'],
        code: 1,
        stderr: 'error: dist/nothing-here: no such file or directory. Pass YAML files or directories of synthesized manifests (cdk8s synth writes them to dist/).\n',
      },
      {
        name: 'missing default dist/',
        args: ['schedule'],
        cwd: path.join(FIXTURES, 'no-cronjobs'),
        code: 1,
        stderr: 'error: dist: no such directory (the default path). Run cdk8s synth first, or pass the files or directories to read.\n',
      },
      {
        name: 'a file that is not YAML',
        args: ['schedule', 'broken'],
        code: 1,
        stderr: 'error: broken/values.yaml: is not valid YAML (document 1: Flow sequence in block collection must be sufficiently '
          + 'indented and end with a ] at line 7, column 3). Fix the file, or leave it out of the paths.\n',
      },
      {
        name: 'a YAML document that is not an object',
        args: ['schedule', 'prose/notes.yaml'],
        code: 1,
        stderr: 'error: prose/notes.yaml: document 1 is not a Kubernetes object (got "This file is prose, not a Kubernetes..."). '
          + 'Pass YAML manifests (mappings with apiVersion and kind), such as the files cdk8s synth writes.\n',
      },
      {
        name: 'a mapping without apiVersion and kind (a values file) is no object either',
        args: ['schedule', 'values-not-manifest'],
        code: 1,
        stderr: 'error: values-not-manifest/values.yaml: document 1 is not a Kubernetes object (got a mapping without apiVersion and kind, with keys "username", "region"). '
          + 'Pass YAML manifests (mappings with apiVersion and kind), such as the files cdk8s synth writes.\n',
      },
      {
        name: 'unknown flag',
        args: ['schedule', '--bogus'],
        code: 2,
        stderr: 'error: unknown option \'--bogus\'\n(run with --help for usage)\n',
      },
      {
        name: 'bad --from',
        args: ['schedule', 'dist', '--from', '2026-03-07 12:00'],
        code: 2,
        stderr: 'error: --from: is not an RFC 3339 time with a zone offset (got "2026-03-07 12:00"). Write e.g. 2026-03-07T12:00:00Z or 2026-03-07T13:00:00+01:00.\n',
      },
      {
        // The core's one RFC 3339 grammar (src/time/rfc3339.ts) requires seconds; so does Go's time.RFC3339.
        name: '--from without seconds',
        args: ['schedule', 'dist', '--from', '2026-03-07T12:00Z'],
        code: 2,
        stderr: 'error: --from: is not an RFC 3339 time with a zone offset (got "2026-03-07T12:00Z"). Write e.g. 2026-03-07T12:00:00Z or 2026-03-07T13:00:00+01:00.\n',
      },
      {
        name: '--from on a day that does not exist',
        args: ['schedule', 'dist', '--from', '2026-02-29T12:00:00Z'],
        code: 2,
        stderr: 'error: --from: is not an RFC 3339 time with a zone offset (got "2026-02-29T12:00:00Z"). Write e.g. 2026-03-07T12:00:00Z or 2026-03-07T13:00:00+01:00.\n',
      },
      {
        name: 'bad --count',
        args: ['schedule', 'dist', '--count', 'three'],
        code: 2,
        stderr: 'error: --count: must be a whole number from 1 to 10000 (got "three"). Write e.g. --count 3.\n',
      },
      {
        name: 'unknown --controller-time-zone (the core\'s message)',
        args: ['schedule', 'dist', '--controller-time-zone', 'europe/berlin'],
        code: 2,
        stderr: 'error: --controller-time-zone: is not a time zone that Kubernetes can load (got "europe/berlin"). Names are case-sensitive: use "Europe/Berlin".\n',
      },
      {
        name: 'a spread flag without --spread',
        args: ['schedule', 'dist', '--date', '2026-03-08'],
        code: 2,
        stderr: 'error: --date: only applies with --spread (got "2026-03-08"). Add --spread, or use --from to choose where the list of next runs starts.\n',
      },
      {
        name: 'unknown output format',
        args: ['schedule', 'dist', '-o', 'xml'],
        code: 2,
        stderr: 'error: option \'-o, --output <format>\' argument \'xml\' is invalid. Allowed choices are text, json, yaml.\n(run with --help for usage)\n',
      },
    ];
    for (const c of cases) {
      test(`${c.name}: exit ${c.code}`, () => {
        const result = runCli(c.args, { cwd: c.cwd });
        assert.equal(result.stdout, '');
        assert.equal(result.stderr, c.stderr);
        assert.equal(result.code, c.code);
      });
    }
  });

  describe('clock changes (docs/schedules.md, "Clock changes")', () => {
    test('a run a clock change moved says why on its line', () => {
      const result = runCli(['schedule', 'clock-changes', '--from', '2025-09-26T00:00:00Z', '--count', '2']);
      assert.equal(result.stderr, '');
      assert.equal(result.code, 0);
      assert.equal(result.stdout.split('\n\n')[2], `tz/chatham-report  (plain CronJob in clock-changes/cronjobs.yaml)
  written     -  (no cdk8s-batch.dev/schedule annotation)
  seed        -
  resolved    50 2 * * *
  meaning     At 02:50
  time zone   Pacific/Chatham
  next runs   Sat 2025-09-27 02:50 +12:45
              Sun 2025-09-28 03:50 +13:45  runs at 03:50 because 02:50 does not exist on this day:
              the clocks go from 02:45 to 03:45`);
    });

    test('an extra run on the day after a change at midnight, in text and as data', () => {
      const text = runCli(['schedule', 'clock-changes', '--from', '2025-09-05T00:00:00Z', '--count', '3']);
      assert.equal(text.code, 0);
      assert.equal(text.stdout.split('\n\n')[3], `tz/santiago-weekly  (plain CronJob in clock-changes/cronjobs.yaml)
  written     -  (no cdk8s-batch.dev/schedule annotation)
  seed        -
  resolved    0 1 * * 6
  meaning     At 01:00 on Saturday
  time zone   America/Santiago
  next runs   Sat 2025-09-06 01:00 -04:00
              Sun 2025-09-07 01:00 -03:00  extra run on Sunday: the clock change at midnight (00:00
              → 01:00) carries the search for Saturday's run into Sunday, and Kubernetes does not
              check the day again
              Sat 2025-09-13 01:00 -03:00
`);
      const data = JSON.parse(runCli(['schedule', 'clock-changes', '--from', '2025-09-05T00:00:00Z', '--count', '3', '-o', 'json']).stdout);
      const santiago = data.find((c: { name: string }) => c.name === 'santiago-weekly');
      assert.deepEqual([santiago.nextRuns, santiago.clockChanges], [
        ['2025-09-06T01:00:00-04:00', '2025-09-07T01:00:00-03:00', '2025-09-13T01:00:00-03:00'],
        [{
          at: '2025-09-07T01:00:00-03:00',
          remark: 'extra run on Sunday: the clock change at midnight (00:00 → 01:00) carries the search for Saturday\'s run into Sunday, '
            + 'and Kubernetes does not check the day again',
        }],
      ]);
      assert.equal('clockChanges' in data.find((c: { name: string }) => c.name === 'apia-friday'), false);
    });

    test('a search that reaches a skipped calendar day stops with a note instead of hanging', () => {
      const note = 'search stopped at 2011-12-29: the next day, 2011-12-30, does not exist in Pacific/Apia (the clocks skipped it), '
        + 'and robfig/cron, which the Kubernetes CronJob controller uses, would search forever there; no later run is known';
      const text = runCli(['schedule', 'clock-changes', '--from', '2011-12-20T00:00:00Z', '--count', '2']);
      assert.equal(text.code, 0);
      assert.equal(text.stdout.split('\n\n')[1], `tz/apia-friday  (plain CronJob in clock-changes/cronjobs.yaml)
  written     -  (no cdk8s-batch.dev/schedule annotation)
  seed        -
  resolved    0 0 * * 5
  meaning     At 00:00 on Friday
  time zone   Pacific/Apia
  next runs   Fri 2011-12-23 00:00 -10:00
  note        search stopped at 2011-12-29: the next day, 2011-12-30, does not exist in Pacific/Apia
              (the clocks skipped it), and robfig/cron, which the Kubernetes CronJob controller
              uses, would search forever there; no later run is known`);
      const data = JSON.parse(runCli(['schedule', 'clock-changes', '--from', '2011-12-20T00:00:00Z', '--count', '2', '-o', 'json']).stdout);
      assert.deepEqual([data[0].nextRuns, data[0].note], [['2011-12-23T00:00:00-10:00'], note]);
    });
  });

  describe('colour', () => {
    test('FORCE_COLOR=1 gives ANSI escapes', () => {
      const result = runCli(['schedule', 'dist/us', '--from', FROM], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
      assert.equal(result.code, 0);
      assert.match(result.stdout, /\x1b\[1mbilling\/invoice-run\x1b\[22m/);
    });

    test('NO_COLOR gives none, even with FORCE_COLOR', () => {
      for (const env of [{ NO_COLOR: '1' }, { NO_COLOR: '1', FORCE_COLOR: '1' }]) {
        const result = runCli(['schedule', 'dist/us', '--from', FROM], { env });
        assert.equal(result.stderr, '', 'and Node does not warn that one of them is ignored');
        assert.equal(result.code, 0);
        assert.doesNotMatch(result.stdout, /\x1b/);
      }
    });
  });

  test('--help describes the command with examples', () => {
    const result = runCli(['schedule', '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: cdk8s-batch schedule \[options\] \[paths\.\.\.\]\n/);
    assert.match(result.stdout, /\nExamples:\n  \$ cdk8s-batch schedule  /);
    assert.match(result.stdout, /--spread --time-zone America\/New_York --date 2026-03-08 --svg spread\.svg/);
  });
});
