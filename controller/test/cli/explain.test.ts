/**
 * `cdk8s-batch explain`: how a schedule resolves, as a subprocess, with exact output.
 *
 * The first case is Furiko's public vector (DESIGN §4): seed myid1, `H H * * *` -> `36 7 * * *`.
 * By hand from the printed hashes: -6243588252377438244 is 24 more than a multiple of 60
 * (divisible by 12, 4 mod 5), so the truncating remainder is -24 and the minute -24 + 60 = 36;
 * -3233119368488700545 is 17 more than a multiple of 24 (1 mod 8, 2 mod 3), so the hour is
 * -17 + 24 = 7.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from './run-cli-subprocess';

describe('cdk8s-batch explain', () => {
  test('Furiko\'s vector: hash input, hash and result per field, then the resolved schedule and its meaning', () => {
    const result = runCli(['explain', 'H H * * *', '--seed', 'myid1']);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `expression  H H * * *
seed        myid1

field         written  hash input    signed xxh64          result
minute        H        myid1:minute  -6243588252377438244  36
hour          H        myid1:hour    -3233119368488700545  7
day-of-month  *        -             -                     *
month         *        -             -                     *
day-of-week   *        -             -                     *

resolved    36 7 * * *
meaning     At 07:36

H(lo-hi) gives lo + (hash mod (hi-lo+1)); a plain H uses the field's range (day-of-month: 1-28).
H/n steps by n from (hash mod n), H(lo-hi)/n from lo + (hash mod n); see docs/schedules.md.
`);
  });

  test('Furiko\'s other public vectors', () => {
    for (const [expression, seed, resolved] of [
      ['H H * * *', 'myid2', '43 4 * * *'],
      ['H/5 * * * *', 'myid1', '1-56/5 * * * *'],
      ['H/5 * * * *', 'myid2', '3-58/5 * * * *'],
      ['H/5 * * * *', 'default/periodic-jobconfig', '2-57/5 * * * *'],
    ]) {
      const result = runCli(['explain', expression, '--seed', seed, '-o', 'json']);
      assert.equal(result.code, 0);
      assert.equal(JSON.parse(result.stdout).resolved, resolved, `${seed} ${expression}`);
    }
  });

  test('gives the spec.schedule the library synthesized for the fixture', () => {
    const result = runCli(['explain', 'H H(1-4) * * MON-FRI', '--seed', 'reports/nightly-export']);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `expression  H H(1-4) * * MON-FRI
seed        reports/nightly-export

field         written  hash input                     signed xxh64          result
minute        H        reports/nightly-export:minute  -4190777070709052902  38
hour          H(1-4)   reports/nightly-export:hour    -6434399135344564915  2
day-of-month  *        -                              -                     *
month         *        -                              -                     *
day-of-week   MON-FRI  -                              -                     MON-FRI

resolved    38 2 * * MON-FRI
meaning     At 02:38 on every day-of-week from Monday through Friday

H(lo-hi) gives lo + (hash mod (hi-lo+1)); a plain H uses the field's range (day-of-month: 1-28).
H/n steps by n from (hash mod n), H(lo-hi)/n from lo + (hash mod n); see docs/schedules.md.
`);
  });

  test('-o json', () => {
    const result = runCli(['explain', 'H/15 * * * *', '--seed', 'default/cache-warmer', '-o', 'json']);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `{
  "expression": "H/15 * * * *",
  "expandedExpression": "H/15 * * * *",
  "seed": "default/cache-warmer",
  "resolved": "12-57/15 * * * *",
  "explanation": "At every 15th minute from 12 through 57",
  "fields": [
    {
      "field": "minute",
      "written": "H/15",
      "resolved": "12-57/15",
      "hashInput": "default/cache-warmer:minute",
      "hash": "-1247850890742268428"
    },
    {
      "field": "hour",
      "written": "*",
      "resolved": "*"
    },
    {
      "field": "day-of-month",
      "written": "*",
      "resolved": "*"
    },
    {
      "field": "month",
      "written": "*",
      "resolved": "*"
    },
    {
      "field": "day-of-week",
      "written": "*",
      "resolved": "*"
    }
  ]
}
`);
  });

  test('no H: no seed needed, no hash columns', () => {
    const result = runCli(['explain', '0 9 * * 1-5']);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `expression  0 9 * * 1-5
seed        (none needed: no H)

field         written  result
minute        0        0
hour          9        9
day-of-month  *        *
month         *        *
day-of-week   1-5      1-5

resolved    0 9 * * 1-5
meaning     At 09:00 on every day-of-week from Monday through Friday
`);
  });

  test('--hashed reads a macro as Schedule.hashed() does; the words of an unquoted expression are joined', () => {
    const result = runCli(['explain', '@daily', '--hashed', '--seed', 'default/log-rotate']);
    assert.equal(result.stderr, '');
    assert.equal(result.code, 0);
    assert.equal(result.stdout, `expression  @daily
expanded    H H * * *
seed        default/log-rotate

field         written  hash input                 signed xxh64          result
minute        H        default/log-rotate:minute  1296986231737982931   51
hour          H        default/log-rotate:hour    -3582775880101997549  19
day-of-month  *        -                          -                     *
month         *        -                          -                     *
day-of-week   *        -                          -                     *

resolved    51 19 * * *
meaning     At 19:51

H(lo-hi) gives lo + (hash mod (hi-lo+1)); a plain H uses the field's range (day-of-month: 1-28).
H/n steps by n from (hash mod n), H(lo-hi)/n from lo + (hash mod n); see docs/schedules.md.
`);
    const words = runCli(['explain', 'H', 'H', '*', '*', '*', '--seed', 'default/log-rotate']);
    assert.equal(words.code, 0);
    assert.match(words.stdout, /\nresolved    51 19 \* \* \*\n/);
  });

  describe('bad input: exit 2', () => {
    const cases: Array<{ name: string; args: string[]; stderr: string }> = [
      {
        name: 'H without --seed',
        args: ['explain', 'H H * * *'],
        stderr: 'error: --seed: is missing, and "H H * * *" has H tokens, whose values are hashed from the seed. '
          + 'Pass the CronJob\'s NAMESPACE/NAME or its hashSeed (annotation cdk8s-batch.dev/hash-seed), e.g. --seed default/my-job.\n',
      },
      {
        name: 'an empty --seed',
        args: ['explain', 'H H * * *', '--seed', ''],
        stderr: 'error: --seed: is empty (got ""). Pass a non-empty seed; by default it is NAMESPACE/NAME of the CronJob.\n',
      },
      {
        name: 'an invalid expression (the core\'s message: field, token, fix)',
        args: ['explain', '0 0 L * *'],
        stderr: 'error: schedule (day-of-month field): L (last day) is not supported by Kubernetes (got "L"). '
          + 'Kubernetes cron has no "last day" syntax; use a fixed day (e.g. 28) or run daily and let the job check the date.\n',
      },
      {
        name: 'a schedule that never fires',
        args: ['explain', '0 0 30 2 *'],
        stderr: 'error: schedule: can never fire: there is no day-of-month 30 in February (got "0 0 30 2 *"). Pick a day-of-month '
          + 'that exists in those months (February has 29 days at most; April, June, September and November have 30).\n',
      },
      {
        name: '--hashed without H',
        args: ['explain', '0 3 * * *', '--hashed'],
        stderr: 'error: schedule: contains no H token, so hashing would not change it (got "0 3 * * *"). '
          + 'Write H where the value may be spread (e.g. "H 3 * * *"), or use Schedule.cron() for a fixed schedule.\n',
      },
      {
        name: 'unknown flag',
        args: ['explain', 'H H * * *', '--sed', 'a/b'],
        stderr: 'error: unknown option \'--sed\'\n(Did you mean --seed?)\n(run with --help for usage)\n',
      },
      {
        name: 'no expression',
        args: ['explain'],
        stderr: 'error: missing required argument \'expression\'\n(run with --help for usage)\n',
      },
    ];
    for (const c of cases) {
      test(c.name, () => {
        const result = runCli(c.args);
        assert.equal(result.stdout, '');
        assert.equal(result.stderr, c.stderr);
        assert.equal(result.code, 2);
      });
    }
  });

  test('FORCE_COLOR=1 gives ANSI escapes; NO_COLOR none', () => {
    const args = ['explain', 'H H * * *', '--seed', 'myid1'];
    const coloured = runCli(args, { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    assert.match(coloured.stdout, /\nresolved    \x1b\[1m36 7 \* \* \*\x1b\[22m\n/);
    assert.doesNotMatch(runCli(args).stdout, /\x1b/);
  });

  test('--help describes the command with examples', () => {
    const result = runCli(['explain', '--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage: cdk8s-batch explain \[options\] <expression\.\.\.>\n/);
    assert.match(result.stdout, /\nExamples:\n  \$ cdk8s-batch explain 'H H\(1-4\) \* \* MON-FRI' --seed reports\/nightly-export\n/);
  });
});
