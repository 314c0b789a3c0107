import * as fc from 'fast-check';
import { CronField, Schedule } from '../../src/schedule';
import { hashFromBigInt, hashInput, hashValue, signedFieldHash } from '../../src/schedule/hash';

function resolveField(field: number, token: string, seed: string): string {
  const fields = ['*', '*', '*', '*', '*'];
  fields[field] = token;
  return Schedule.cron(fields.join(' ')).resolve(seed).split(' ')[field];
}

describe('public vectors (DESIGN §4, from Furiko tests)', () => {
  test.each([
    ['myid1', 'H H * * *', '36 7 * * *'],
    ['myid2', 'H H * * *', '43 4 * * *'],
    ['myid1', 'H/5 * * * *', '1-56/5 * * * *'],
    ['myid2', 'H/5 * * * *', '3-58/5 * * * *'],
    ['default/periodic-jobconfig', 'H/5 * * * *', '2-57/5 * * * *'],
  ])('seed %j, %j resolves to %j', (seed, expression, resolved) => {
    expect(Schedule.hashed(expression).resolve(seed)).toBe(resolved);
  });

  test('H/5 with seed myid1 fires at minutes 1, 6, ..., 56', () => {
    const runs = Schedule.hashed('H/5 * * * *').nextRuns('myid1', { count: 12, from: new Date('2021-09-01T00:00:00Z') });
    expect(runs.map(d => d.getUTCMinutes())).toEqual([1, 6, 11, 16, 21, 26, 31, 36, 41, 46, 51, 56]);
  });
});

describe('hashValue (Furiko GetValue vectors, cronexpr_hash_test.go)', () => {
  test.each([
    [0n, 0, 9, 0],
    [0n, 5, 9, 5],
    [3n, 0, 9, 3],
    [15n, 0, 9, 5],
    [10n, 0, 9, 0],
    [3n, 5, 9, 8],
    [13n, 5, 9, 8],
    [10n, 5, 9, 5],
    // The unsigned hash of "myid3" is above 2^63, so it counts as negative: unsigned % 15 would give 5.
    [12738036773875955645n, 0, 15, 13],
    [12738036773875955645n, 0, 14, 4],
  ])('GetValue(%d, %d, %d) = %d', (unsigned, lo, hi, expected) => {
    expect(hashValue(hashFromBigInt(BigInt.asIntN(64, unsigned)), lo, hi)).toBe(expected);
  });
});

describe('hash input and sign', () => {
  test('the hashed string is SEED:FIELD', () => {
    expect(hashInput('default/backup', CronField.DAY_OF_MONTH)).toBe('default/backup:day-of-month');
  });

  test('the XXH64 value is read as a signed 64-bit integer', () => {
    // xxh64("myid1:minute") = 12203155821332113372 (cespare/xxhash); unsigned % 60 would be 52.
    expect(signedFieldHash('myid1', CronField.MINUTE)).toBe(-6243588252377438244n);
    expect(resolveField(0, 'H', 'myid1')).toBe('36');
    // xxh64("myid1:hour") = 15213624705220851071; unsigned % 24 would be 23.
    expect(signedFieldHash('myid1', CronField.HOUR)).toBe(-3233119368488700545n);
    expect(resolveField(1, 'H', 'myid1')).toBe('7');
  });
});

/**
 * Every token form in every field, for seeds on both sides of XXH64's
 * 32-byte stripe (SEED:FIELD is 12 to 58 bytes here) and non-ASCII seeds.
 * Cross-checked against furiko-io/cronexpr v0.1.3 (WithHash + WithHashFields)
 * wherever Furiko's result is valid; the five cells marked † are H/n in
 * day-of-month or month whose progression starts at 0, where Furiko fails at
 * run time and we keep the in-range part (DESIGN §4).
 */
const FORMS = [
  ['H', 'H(10-20)', 'H/15', 'H(0-29)/10'], // minute
  ['H', 'H(0-5)', 'H/6', 'H(8-17)/3'], // hour
  ['H', 'H(1-10)', 'H/10', 'H(1-28)/7'], // day-of-month
  ['H', 'H(1-6)', 'H/3', 'H(3-12)/4'], // month
  ['H', 'H(1-5)', 'H/2', 'H(1-5)/2'], // day-of-week
];

const VECTORS: Array<[string, string[], string[], string[], string[], string[]]> = [
  ['myid1', ['36', '14', '6-51/15', '6-26/10'], ['7', '1', '1-19/6', '9-15/3'], ['19', '3', '2-22/10', '5-26/7'], ['10', '4', '3-12/3', '4-12/4'], ['1', '5', '0-6/2', '1-5/2']], // month H/3 †
  ['myid2', ['43', '15', '13-58/15', '3-23/10'], ['4', '4', '4-22/6', '9-15/3'], ['28', '10', '9-29/10', '7-28/7'], ['6', '6', '2-11/3', '4-12/4'], ['0', '1', '1-5/2', '2,4']],
  ['myid3', ['15', '11', '0-45/15', '5-25/10'], ['3', '3', '3-21/6', '8-17/3'], ['18', '6', '5-25/10', '4-25/7'], ['9', '3', '2-11/3', '3-11/4'], ['3', '2', '1-5/2', '2,4']],
  ['default/periodic-jobconfig', ['2', '14', '2-47/15', '2-22/10'], ['21', '3', '3-21/6', '8-17/3'], ['25', '1', '10-30/10', '4-25/7'], ['1', '1', '3-12/3', '3-11/4'], ['6', '2', '1-5/2', '2,4']], // dom H/10 †, month H/3 †
  ['team-a/nightly-report-generator', ['3', '12', '3-48/15', '3-23/10'], ['2', '2', '2-20/6', '10-16/3'], ['27', '9', '8-28/10', '6-27/7'], ['10', '4', '3-12/3', '4-12/4'], ['3', '5', '1-5/2', '2,4']], // month H/3 †
  ['payments-prod/ledger-reconciliation-eu-west-1', ['23', '16', '8-53/15', '3-23/10'], ['14', '2', '2-20/6', '10-16/3'], ['9', '7', '6-26/10', '2-23/7'], ['9', '3', '2-11/3', '3-11/4'], ['4', '3', '1-5/2', '2,4']],
  ['données/tâche-nocturne', ['31', '19', '1-46/15', '1-21/10'], ['4', '4', '4-22/6', '9-15/3'], ['3', '3', '2-22/10', '3-24/7'], ['4', '4', '3-12/3', '6,10'], ['3', '4', '0-6/2', '1-5/2']], // month H/3 †
  ['東京/バッチ処理', ['12', '18', '12-57/15', '2-22/10'], ['19', '1', '1-19/6', '9-15/3'], ['18', '2', '1-31/10', '4-25/7'], ['6', '6', '2-11/3', '4-12/4'], ['2', '5', '0-6/2', '1-5/2']],
  ['ops/🚀-deploy', ['0', '10', '0-45/15', '0-20/10'], ['9', '3', '3-21/6', '8-17/3'], ['12', '2', '1-31/10', '5-26/7'], ['12', '6', '2-11/3', '6,10'], ['6', '3', '1-5/2', '2,4']],
];

describe('own vectors across token forms, fields and seeds', () => {
  const cases = VECTORS.flatMap(([seed, ...fields]) =>
    fields.flatMap((results, field) => results.map((result, form) => [seed, field, FORMS[field][form], result] as const)));

  test('cover every form in every field for every seed', () => {
    expect(cases).toHaveLength(VECTORS.length * 20);
  });

  test.each(cases)('seed %j, field %d, %s → %s', (seed, field, token, result) => {
    expect(resolveField(field, token, seed)).toBe(result);
  });

  test('the seeds reach past one XXH64 stripe and outside ASCII', () => {
    const lengths = VECTORS.map(([seed]) => new TextEncoder().encode(`${seed}:day-of-month`).length);
    expect(Math.min(...lengths)).toBeLessThan(32);
    expect(Math.max(...lengths)).toBeGreaterThan(32);
    expect(VECTORS.some(([seed]) => /[^\x00-\x7f]/.test(seed))).toBe(true);
  });
});

describe('hashing rules', () => {
  test('all H tokens of one field share one hash value', () => {
    // value(0,29) and value(30,59) use the same s with the same modulus, so they are 30 apart.
    const [first, second] = resolveField(0, 'H(0-29),H(30-59)', 'team/job').split(',').map(Number);
    expect(second - first).toBe(30);
    expect(resolveField(0, 'H,H(0-59)', 'team/job')).toMatch(/^(\d+)$/);
  });

  test('each field hashes its own name, so H H differ', () => {
    const seeds = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const pairs = seeds.map(seed => Schedule.hashed('H H(0-23) * * *').resolve(seed).split(' ').slice(0, 2));
    expect(pairs.some(([minute, hour]) => minute !== hour)).toBe(true);
  });

  test('plain H in day-of-month stays within 1-28', () => {
    for (let i = 0; i < 200; i++) {
      const day = Number(resolveField(2, 'H', `ns/job-${i}`));
      expect(day).toBeGreaterThanOrEqual(1);
      expect(day).toBeLessThanOrEqual(28);
    }
  });

  test('H/n in day-of-month keeps only in-range values where Furiko would start at 0', () => {
    // value(0, 9) is 0 for this seed: Furiko fails at run time ("beginning of range (0) below minimum (1)").
    expect(resolveField(2, 'H/10', 'default/periodic-jobconfig')).toBe('10-30/10');
    expect(resolveField(3, 'H/3', 'myid1')).toBe('3-12/3');
    expect(resolveField(3, 'H/1', 'myid1')).toBe('1-12');
  });

  test('a different seed moves the schedule, the same seed never does', () => {
    const schedule = Schedule.hashed('@daily');
    expect(schedule.resolve('default/backup')).toBe(schedule.resolve('default/backup'));
    expect(schedule.resolve('default/backup')).not.toBe(schedule.resolve('default/backup-2'));
  });
});

describe('hashValue on 32-bit halves equals the BigInt definition of DESIGN §4', () => {
  test('for any signed 64-bit hash and range', () => {
    fc.assert(fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), fc.integer({ min: 0, max: 59 }), fc.integer({ min: 0, max: 59 }),
      (signed, a, b) => {
        const [lo, hi] = [Math.min(a, b), Math.max(a, b)];
        const m = BigInt(hi - lo + 1);
        expect(hashValue(hashFromBigInt(signed), lo, hi)).toBe(lo + Number(((signed % m) + m) % m));
      }), { numRuns: 5000 });
  });
});
