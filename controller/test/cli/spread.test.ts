/**
 * `cdk8s-batch schedule --spread`: runs per minute of one day, as a subprocess on the committed
 * fixtures, with exact output; the SVG is rendered to PNG and inspected.
 *
 * Counts checked by hand for Monday 9 March 2026 in UTC: cache-warmer (`12-57/15`) runs 4
 * times and metrics-rollup (`0 * * * *`) once every hour: 5 a row, 120 in all. At 00:00,
 * cleanup, nightly-backup (no spec.timeZone, read in UTC) and mail-digest (09:00 in Tokyo,
 * +09:00) join metrics-rollup: 4 runs. nightly-export and nightly-v2 share a seed, so both run
 * at 02:38 Berlin (+01:00) = 01:38 UTC. New York is at -04:00 since 8 March: ledger-sync 01:01
 * is 05:01 UTC, invoice-run 02:30 is 06:30 UTC. db-vacuum 03:49, log-rotate 19:51. paused-report
 * is suspended, weekly-digest runs on Thursdays. 120 + 3 + 2 + 4 = 129 runs in 125 minutes.
 *
 * In New York on 8 March (23 hours) the row for 02 is missing and invoice-run does not run;
 * on 1 November (25 hours) the row for 01 appears twice, and ledger-sync runs in both.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { Resvg } from '@resvg/resvg-js';
import { PNG } from 'pngjs';
import { runCli } from './run-cli-subprocess';
import { fleetYaml } from '../support/fleet';

describe('cdk8s-batch schedule --spread', () => {
  test('today in UTC by default: chart, busiest minutes, fixed-time colliders and verdict', () => {
    const result = runCli(['schedule', '--spread'], { env: { CDK8S_BATCH_NOW: '2026-03-09T10:00:00Z' } });
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `Runs per minute on Mon 2026-03-09 in UTC, 12 CronJobs
Not counted: default/paused-report (suspended).
Read in UTC (no spec.timeZone; see --controller-time-zone): ops/nightly-backup.

hour   0    5    10   15   20   25   30   35   40   45   50   55      runs
00     4...........1..............1..............1..............1..      8
01     1...........1..............1..........2...1..............1..      7
02     1...........1..............1..............1..............1..      5
03     1...........1..............1..............1......1.......1..      6
04     1...........1..............1..............1..............1..      5
05     11..........1..............1..............1..............1..      6
06     1...........1..............1..1...........1..............1..      6
07     1...........1..............1..............1..............1..      5
08     1...........1..............1..............1..............1..      5
09     1...........1..............1..............1..............1..      5
10     1...........1..............1..............1..............1..      5
11     1...........1..............1..............1..............1..      5
12     1...........1..............1..............1..............1..      5
13     1...........1..............1..............1..............1..      5
14     1...........1..............1..............1..............1..      5
15     1...........1..............1..............1..............1..      5
16     1...........1..............1..............1..............1..      5
17     1...........1..............1..............1..............1..      5
18     1...........1..............1..............1..............1..      5
19     1...........1..............1..............1........1.....1..      6
20     1...........1..............1..............1..............1..      5
21     1...........1..............1..............1..............1..      5
22     1...........1..............1..............1..............1..      5
23     1...........1..............1..............1..............1..      5

. no run   1-9 runs start in that minute   + more than 9

Busiest minutes (top 5 with two or more runs):
  00:00  4 runs  default/cleanup, default/metrics-rollup, ops/mail-digest, ops/nightly-backup
  01:38  2 runs  reports/nightly-export, reports/nightly-v2
Fixed times in collisions (write H to spread them): default/cleanup, default/metrics-rollup,
  ops/mail-digest, ops/nightly-backup
Verdict: collisions, peak 4 runs/minute at 00:00; 129 runs in 125 of 1440 minutes, 2 shared.
`);
  });

  test('a 23-hour day: clocks skip 02:00-02:59 in New York', () => {
    const result = runCli(['schedule', '--spread', 'dist', '--time-zone', 'America/New_York', '--date', '2026-03-08']);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `Runs per minute on Sun 2026-03-08 in America/New_York, 12 CronJobs
A 23-hour day: the clocks move from -05:00 to -04:00.
Not counted: default/paused-report (suspended).
Read in UTC (no spec.timeZone; see --controller-time-zone): ops/nightly-backup.

hour   0    5    10   15   20   25   30   35   40   45   50   55      runs
00     1...........1..............1..............1..............1..      5
01     11..........1..............1..............1..............1..      6
03     1...........1..............1..............1..............1..      5  (clocks now at -04:00)
04     1...........1..............1..............1..............1..      5
05     1...........1..............1..............1..............1..      5
06     1...........1..............1..............1..............1..      5
07     1...........1..............1..............1..............1..      5
08     1...........1..............1..............1..............1..      5
09     1...........1..............1..............1..............1..      5
10     1...........1..............1..............1..............1..      5
11     1...........1..............1..............1..............1..      5
12     1...........1..............1..............1..............1..      5
13     1...........1..............1..............1..............1..      5
14     1...........1..............1..............1..............1..      5
15     1...........1..............1..............1........1.....1..      6
16     1...........1..............1..............1..............1..      5
17     1...........1..............1..............1..............1..      5
18     1...........1..............1..............1..............1..      5
19     1...........1..............1..............1..............1..      5
20     4...........1..............1..............1..............1..      8
21     1...........1..............1..........2...1..............1..      7
22     1...........1..............1..............1..............1..      5
23     1...........1..............1..............1......1.......1..      6

. no run   1-9 runs start in that minute   + more than 9

Busiest minutes (top 5 with two or more runs):
  20:00 -04:00  4 runs  default/cleanup, default/metrics-rollup, ops/mail-digest, ops/nightly-backup
  21:38 -04:00  2 runs  reports/nightly-export, reports/nightly-v2
Fixed times in collisions (write H to spread them): default/cleanup, default/metrics-rollup,
  ops/mail-digest, ops/nightly-backup
Verdict: collisions, peak 4 runs/minute at 20:00 -04:00; 123 runs in 119 of 1380 minutes, 2 shared.
`);
  });

  test('a 25-hour day: 01:00-01:59 happens twice in New York, and so does ledger-sync', () => {
    const result = runCli(['schedule', '--spread', 'dist', '--time-zone', 'America/New_York', '--date', '2026-11-01']);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `Runs per minute on Sun 2026-11-01 in America/New_York, 12 CronJobs
A 25-hour day: the clocks move from -04:00 to -05:00.
Not counted: default/paused-report (suspended).
Read in UTC (no spec.timeZone; see --controller-time-zone): ops/nightly-backup.

hour   0    5    10   15   20   25   30   35   40   45   50   55      runs
00     1...........1..............1..............1..............1..      5
01     11..........1..............1..............1..............1..      6
01     11..........1..............1..............1..............1..      6  (clocks now at -05:00)
02     1...........1..............1..1...........1..............1..      6
03     1...........1..............1..............1..............1..      5
04     1...........1..............1..............1..............1..      5
05     1...........1..............1..............1..............1..      5
06     1...........1..............1..............1..............1..      5
07     1...........1..............1..............1..............1..      5
08     1...........1..............1..............1..............1..      5
09     1...........1..............1..............1..............1..      5
10     1...........1..............1..............1..............1..      5
11     1...........1..............1..............1..............1..      5
12     1...........1..............1..............1..............1..      5
13     1...........1..............1..............1..............1..      5
14     1...........1..............1..............1........1.....1..      6
15     1...........1..............1..............1..............1..      5
16     1...........1..............1..............1..............1..      5
17     1...........1..............1..............1..............1..      5
18     1...........1..............1..............1..............1..      5
19     4...........1..............1..............1..............1..      8
20     1...........1..............1..........2...1..............1..      7
21     1...........1..............1..............1..............1..      5
22     1...........1..............1..............1......1.......1..      6
23     1...........1..............1..............1..............1..      5

. no run   1-9 runs start in that minute   + more than 9

Busiest minutes (top 5 with two or more runs):
  19:00 -05:00  4 runs  default/cleanup, default/metrics-rollup, ops/mail-digest, ops/nightly-backup
  20:38 -05:00  2 runs  reports/nightly-export, reports/nightly-v2
Fixed times in collisions (write H to spread them): default/cleanup, default/metrics-rollup,
  ops/mail-digest, ops/nightly-backup
Runs a clock change moved, added or repeated (as Kubernetes runs them):
  01:01  billing/ledger-sync: second run at 01:01: the clocks go back from 02:00 to 01:00, so this
    time happens twice
Verdict: collisions, peak 4 runs/minute at 19:00 -05:00; 135 runs in 131 of 1500 minutes, 2 shared.
`);
  });

  test('-o json: every minute with runs, as RFC 3339 in the chart\'s zone', () => {
    const result = runCli(['schedule', '--spread', 'dist/us', '--time-zone', 'America/New_York', '--date', '2026-11-01', '-o', 'json']);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `{
  "date": "2026-11-01",
  "timeZone": "America/New_York",
  "minutesInDay": 1500,
  "cronJobs": 2,
  "notCounted": [],
  "runs": 3,
  "usedMinutes": 3,
  "sharedMinutes": 0,
  "peak": 1,
  "verdict": "well spread, peak 1 run/minute; 3 runs in 3 of 1500 minutes, none shared.",
  "busiest": [],
  "fixedTimeColliders": [],
  "clockChanges": [
    {
      "at": "2026-11-01T01:01:00-05:00",
      "cronJob": "billing/ledger-sync",
      "remark": "second run at 01:01: the clocks go back from 02:00 to 01:00, so this time happens twice"
    }
  ],
  "minutes": [
    {
      "at": "2026-11-01T01:01:00-04:00",
      "runs": 1,
      "cronJobs": [
        "billing/ledger-sync"
      ]
    },
    {
      "at": "2026-11-01T01:01:00-05:00",
      "runs": 1,
      "cronJobs": [
        "billing/ledger-sync"
      ]
    },
    {
      "at": "2026-11-01T02:30:00-05:00",
      "runs": 1,
      "cronJobs": [
        "billing/invoice-run"
      ]
    }
  ]
}
`);
  });

  test('the default day is today in --time-zone, not in UTC', () => {
    // 02:00 UTC on 9 March is 22:00 on 8 March in New York.
    const result = runCli(['schedule', '--spread', 'dist/us', '--time-zone', 'America/New_York'],
      { env: { CDK8S_BATCH_NOW: '2026-03-09T02:00:00Z' } });
    assert.equal(result.code, 0);
    assert.equal(result.stdout.split('\n')[0], 'Runs per minute on Sun 2026-03-08 in America/New_York, 2 CronJobs');
  });

  test('a schedule the core cannot read is left out, named on stderr, exit 1', () => {
    const result = runCli(['schedule', '--spread', 'edited', '--date', '2026-03-07']);
    assert.equal(result.stdout, `Runs per minute on Sat 2026-03-07 in UTC, 1 CronJob
Not counted: ops/hourly-ping (schedule cannot be read).

hour   0    5    10   15   20   25   30   35   40   45   50   55      runs
00     ............................................................      0
01     ............................................................      0
02     ............................................................      0
03     1...........................................................      1
04     ............................................................      0
05     ............................................................      0
06     ............................................................      0
07     ............................................................      0
08     ............................................................      0
09     ............................................................      0
10     ............................................................      0
11     ............................................................      0
12     ............................................................      0
13     ............................................................      0
14     ............................................................      0
15     ............................................................      0
16     ............................................................      0
17     ............................................................      0
18     ............................................................      0
19     ............................................................      0
20     ............................................................      0
21     ............................................................      0
22     ............................................................      0
23     ............................................................      0

. no run   1-9 runs start in that minute   + more than 9

Verdict: well spread, peak 1 run/minute; 1 run in 1 of 1440 minutes, none shared.
`);
    assert.equal(result.stderr, 'error: cannot read the schedule of ops/hourly-ping, so it is not counted: schedule: @every intervals '
      + 'are not supported (got "@every 1h"). Write the interval as a cron step, e.g. "*/15 * * * *" for every 15 minutes.\n');
    assert.equal(result.code, 1);
  });

  describe('bad input', () => {
    const cases: Array<{ name: string; args: string[]; code: number; stderr: string }> = [
      {
        name: 'unknown --time-zone (the core\'s message)',
        args: ['schedule', '--spread', 'dist', '--time-zone', 'Mars/Olympus'],
        code: 2,
        stderr: 'error: --time-zone: is not a time zone that Kubernetes can load (got "Mars/Olympus"). '
          + 'Use an IANA name such as "Europe/Berlin" or a whole-hour offset such as "UTC+9".\n',
      },
      {
        name: 'an offset that is not whole hours',
        args: ['schedule', '--spread', 'dist', '--time-zone', 'UTC+05:30'],
        code: 2,
        stderr: 'error: --time-zone: is not a whole-hour offset (got "UTC+05:30"). Only whole-hour offsets have a fixed zone '
          + '(Etc/GMT-14 to Etc/GMT+12); use the IANA zone of the place instead, e.g. "Asia/Kolkata" for UTC+05:30.\n',
      },
      {
        name: 'a day that does not exist',
        args: ['schedule', '--spread', 'dist', '--date', '2026-02-29'],
        code: 2,
        stderr: 'error: --date: is not a calendar day written YYYY-MM-DD (got "2026-02-29"). Write e.g. 2026-03-08.\n',
      },
      {
        name: '--count with --spread',
        args: ['schedule', '--spread', 'dist', '--count', '5'],
        code: 2,
        stderr: 'error: --count: only applies with the list of CronJobs (got "5"). Leave --count out with --spread (the spread view shows a whole day).\n',
      },
      {
        name: '--svg without --spread',
        args: ['schedule', 'dist', '--svg', 'chart.svg'],
        code: 2,
        stderr: 'error: --svg: only applies with --spread (got "chart.svg"). Add --spread to write the chart.\n',
      },
    ];
    for (const c of cases) {
      test(`${c.name}: exit ${c.code}`, () => {
        const result = runCli(c.args);
        assert.equal(result.stdout, '');
        assert.equal(result.stderr, c.stderr);
        assert.equal(result.code, c.code);
      });
    }

    test('an SVG that cannot be written: exit 1 after the chart', () => {
      const result = runCli(['schedule', '--spread', 'dist/us', '--date', '2026-03-09', '--svg', 'no-such-dir/chart.svg']);
      assert.match(result.stdout, /^Runs per minute on Mon 2026-03-09 in UTC, 2 CronJobs\n/);
      assert.equal(result.stderr, 'error: --svg: cannot write no-such-dir/chart.svg (ENOENT). Check that the directory exists and is writable.\n');
      assert.equal(result.code, 1);
    });
  });

  test('FORCE_COLOR=1 colours the cells by count; NO_COLOR does not', () => {
    const args = ['schedule', '--spread', 'dist', '--date', '2026-03-09'];
    const coloured = runCli(args, { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    assert.equal(coloured.code, 0);
    // 00:00 holds 4 runs (red), 00:01 none (dim).
    assert.ok(coloured.stdout.includes('\x1b[31m4\x1b[39m\x1b[2m.\x1b[22m'), coloured.stdout);
    const plain = runCli(args);
    assert.doesNotMatch(plain.stdout, /\x1b/);
  });

  describe('--svg', () => {
    const WIDTH = 1040;
    // Layout constants of spread-svg.ts: the grid starts at (60, 100), cells are 14 x 16, the
    // hourly bars start at x 920 and are at most 80 wide; 70 pixels of axis title and legend follow.
    const cellCentre = (row: number, minute: number) => ({ x: 60 + minute * 14 + 6, y: 100 + row * 16 + 7 });
    const heightFor = (rows: number) => 100 + rows * 16 + 70;

    function renderChart(date: string, timeZone = 'UTC') {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-spread-'));
      try {
        const file = path.join(dir, 'spread.svg');
        const result = runCli(['schedule', '--spread', 'dist', '--date', date, '--time-zone', timeZone, '--svg', file]);
        assert.equal(result.code, 0);
        assert.equal(result.stderr, `Wrote the chart to ${file}\n`);
        const svg = fs.readFileSync(file, 'utf8');
        // No fonts loaded: the test looks at shapes and colours, which do not depend on fonts.
        const png = new Resvg(svg, { font: { loadSystemFonts: false } }).render().asPng();
        return { svg, image: PNG.sync.read(png) };
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }

    function colourAt(image: PNG, x: number, y: number): string {
      const i = (y * image.width + x) * 4;
      return '#' + [0, 1, 2].map(k => image.data[i + k].toString(16).padStart(2, '0')).join('');
    }

    test('renders to a PNG of the right size with a heat map, hourly bars and a legend', () => {
      const { svg, image } = renderChart('2026-03-09');
      assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="1040" height="554" viewBox="0 0 1040 554">\n/);
      assert.ok(svg.includes('>Runs per minute on Mon 2026-03-09 in UTC</text>'));
      assert.ok(svg.includes('>minute of the hour</text>'));
      assert.ok(svg.includes('>hour (UTC)</text>'), 'the y-axis names the zone of the title');
      assert.ok(svg.includes('<title>00:00: 4 runs: default/cleanup, default/metrics-rollup, ops/mail-digest, ops/nightly-backup</title>'));
      assert.equal(image.width, WIDTH);
      assert.equal(image.height, heightFor(24));

      const colours = new Set<string>();
      for (let y = 0; y < image.height; y += 2) {
        for (let x = 0; x < image.width; x += 2) colours.add(colourAt(image, x, y));
      }
      assert.ok(colours.size >= 6, `only ${colours.size} colours`);

      assert.equal(colourAt(image, cellCentre(0, 0).x, cellCentre(0, 0).y), '#d32f2f', '00:00: 4 runs');
      assert.equal(colourAt(image, cellCentre(1, 38).x, cellCentre(1, 38).y), '#ffd54f', '01:38: 2 runs');
      assert.equal(colourAt(image, cellCentre(3, 49).x, cellCentre(3, 49).y), '#6fbf73', '03:49: 1 run');
      assert.equal(colourAt(image, cellCentre(3, 48).x, cellCentre(3, 48).y), '#eef1f5', '03:48: no run');

      // Hour 00 has the most runs (8), so its bar is the full 80 pixels; hour 02 has 5 (50 px).
      let barPixels = 0;
      for (let y = 100; y < 100 + 24 * 16; y++) {
        for (let x = 920; x < 1000; x++) barPixels += colourAt(image, x, y) === '#4c78a8' ? 1 : 0;
      }
      assert.ok(barPixels > 24 * 12 * 40, `bar area nearly empty (${barPixels} pixels)`);
      assert.equal(colourAt(image, 998, cellCentre(0, 0).y), '#4c78a8');
      assert.equal(colourAt(image, 968, cellCentre(2, 0).y), '#4c78a8');
      assert.equal(colourAt(image, 972, cellCentre(2, 0).y), '#ffffff');
    });

    test('a 23-hour day has 23 rows', () => {
      const { image } = renderChart('2026-03-08', 'America/New_York');
      assert.equal(image.height, heightFor(23));
    });
  });

  describe('clock changes (docs/schedules.md, "Clock changes")', () => {
    test('a day whose midnight is skipped has 23 hours from 01:00 and lists the extra run it gets', () => {
      const result = runCli(['schedule', 'clock-changes', '--spread', '--time-zone', 'America/Santiago', '--date', '2025-09-07']);
      assert.equal(result.stderr, '');
      assert.equal(result.code, 0);
      const lines = result.stdout.split('\n');
      assert.deepEqual(lines.slice(0, 5), [
        'Runs per minute on Sun 2025-09-07 in America/Santiago, 3 CronJobs',
        'A 23-hour day: the clocks move from -04:00 to -03:00.',
        '',
        'hour   0    5    10   15   20   25   30   35   40   45   50   55      runs',
        '01     1...........................................................      1',
      ]);
      assert.deepEqual(lines.slice(-5), [
        'Runs a clock change moved, added or repeated (as Kubernetes runs them):',
        '  01:00  tz/santiago-weekly: extra run on Sunday: the clock change at midnight (00:00 → 01:00)',
        '    carries the search for Saturday\'s run into Sunday, and Kubernetes does not check the day again',
        'Verdict: well spread, peak 1 run/minute; 2 runs in 2 of 1380 minutes, none shared.',
        '',
      ]);
      const data = JSON.parse(runCli(['schedule', 'clock-changes', '--spread', '--time-zone', 'America/Santiago', '--date', '2025-09-07', '-o', 'json']).stdout);
      assert.deepEqual(data.clockChanges, [{
        at: '2025-09-07T01:00:00-03:00',
        cronJob: 'tz/santiago-weekly',
        remark: 'extra run on Sunday: the clock change at midnight (00:00 → 01:00) carries the search for Saturday\'s run into Sunday, '
          + 'and Kubernetes does not check the day again',
      }]);
    });

    test('a day the zone skipped cannot be charted; the day before notes where the search stops', () => {
      const skipped = runCli(['schedule', 'clock-changes', '--spread', '--time-zone', 'Pacific/Apia', '--date', '2011-12-30']);
      assert.equal(skipped.code, 2);
      assert.equal(skipped.stderr, 'error: --date: 2011-12-30 does not exist in Pacific/Apia (the clocks skipped that day). Chart the day before or after.\n');
      const before = runCli(['schedule', 'clock-changes', '--spread', '--time-zone', 'Pacific/Apia', '--date', '2011-12-29']);
      assert.equal(before.code, 0);
      assert.match(before.stdout, /\ntz\/apia-friday: search stopped at 2011-12-29: the next day, 2011-12-30, does not exist in\nPacific\/Apia/);
    });
  });

  describe('at fleet size (5,000 CronJobs in 4 zones and 10 namespaces, a third H/15)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-fleet-'));
    fs.writeFileSync(path.join(dir, 'fleet.yaml'), fleetYaml(5000));

    test('the legend has quantile buckets with their counts, crowded minutes are summarised by namespace', () => {
      const result = runCli(['schedule', '--spread', dir, '--date', '2026-03-09']);
      assert.equal(result.stderr, '');
      assert.equal(result.code, 0);
      const lines = result.stdout.split('\n');
      assert.equal(lines[0], 'Runs per minute on Mon 2026-03-09 in UTC, 5000 CronJobs');
      assert.ok(lines.every(line => line.length <= 100), 'every line fits 100 columns');
      assert.ok(lines.includes('. no run  - 91-104  : 105-112  + 113-117  * 118-121  # 122-139  runs in a minute (quantile buckets)'));
      // Every chart cell is a bucket symbol, none the old "+ more than 9" everywhere.
      const rows = lines.filter(line => /^\d\d {5}/.test(line));
      assert.equal(rows.length, 24);
      assert.ok(rows.every(row => /^\d\d {5}[-:+*#]{60} +\d+$/.test(row)), rows[0]);
      const busiest = lines.indexOf('Busiest minutes (top 5 with two or more runs):');
      assert.deepEqual(lines.slice(busiest + 1, busiest + 3), [
        '  23:00  139 runs  by namespace: team-0 (17), team-1 (16), team-5 (16), team-8 (16), team-3 (15),',
        '  team-2 (13), team-9 (13), team-7 (12), team-4 (11), team-6 (10)',
      ]);
      assert.ok(lines.includes('Crowded minutes are summarised by namespace; --verbose lists every CronJob (so does -o json).'));
      assert.equal(lines.at(-3), 'Verdict: collisions, peak 139 runs/minute at 23:00; 163365 runs in 1440 of 1440 minutes, 1440');
    });

    test('--verbose names every CronJob of a crowded minute', () => {
      const verbose = runCli(['schedule', '--spread', dir, '--date', '2026-03-09', '--verbose']);
      assert.equal(verbose.code, 0);
      assert.doesNotMatch(verbose.stdout, /by namespace/);
      const lines = verbose.stdout.split('\n');
      const first = lines.findIndex(line => line.startsWith('  23:00  139 runs  '));
      const next = lines.findIndex((line, i) => i > first && /^ {2}\d\d:\d\d {2}/.test(line));
      const ids = lines.slice(first, next).join(' ').match(/team-\d\/job-\d{5}/g) ?? [];
      assert.equal(new Set(ids).size, 139);
    });

    test('--verbose only applies with --spread', () => {
      const result = runCli(['schedule', dir, '--verbose']);
      assert.equal(result.code, 2);
      assert.equal(result.stderr, 'error: --verbose: only applies with --spread (got "true"). Add --spread, or leave --verbose out (the list names every CronJob).\n');
    });
  });
});
