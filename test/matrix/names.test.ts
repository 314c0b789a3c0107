import { BatchValidationError } from '../../src/errors';
import {
  indexDigits, Matrix, MAX_CELL_NAME_LENGTH, matrixCellName, matrixEnvName, maxCronJobNameLength, maxJobNameLength,
} from '../../src/matrix';
import { checkCellNamesDistinct } from '../../src/matrix/checks';
import { xxh64String } from '../../src/schedule/xxh64';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('matrixEnvName', () => {
  test.each([
    ['fruit', 'MATRIX_FRUIT'],
    ['node-version', 'MATRIX_NODE_VERSION'],
    ['a_b-c', 'MATRIX_A_B_C'],
    ['9lives', 'MATRIX_9LIVES'],
    ['--', 'MATRIX___'],
  ])('%s → %s', (key, name) => {
    expect(matrixEnvName(key)).toBe(name);
    expect(Matrix.envName(key)).toBe(name);
  });

  test('rejects what is not a matrix key', () => {
    expect(() => Matrix.envName('Node')).toThrow(
      'matrix key: is not a valid matrix key (got "Node"). Use lower-case letters, digits, "_" and "-" only (^[a-z0-9_-]+$), e.g. "node-version".');
    expect(() => matrixEnvName('')).toThrow(BatchValidationError);
  });
});

describe('index-digit name budgets', () => {
  // completions, digits of completions-1, max Job name, max CronJob name
  const table: Array<[number, number, number, number]> = [
    [1, 1, 61, 52],
    [2, 1, 61, 52],
    [10, 1, 61, 52],
    [11, 2, 60, 51],
    [100, 2, 60, 51],
    [101, 3, 59, 50],
    [1000, 3, 59, 50],
    [1001, 4, 58, 49],
    [10000, 4, 58, 49],
    [10001, 5, 57, 48],
    [100000, 5, 57, 48],
    [100001, 6, 56, 47],
  ];

  test.each(table)('%d completions: %d digits, Job ≤ %d, CronJob ≤ %d', (completions, digits, job, cron) => {
    expect(indexDigits(completions)).toBe(digits);
    expect(maxJobNameLength(completions)).toBe(job);
    expect(maxCronJobNameLength(completions)).toBe(cron);
  });

  test.each(table)('%d completions: the budgets are tight against the 63-character hostname', (completions) => {
    const highestIndex = String(completions - 1);
    const hostname = (jobName: string) => `${jobName}-${highestIndex}`;
    expect(hostname('j'.repeat(maxJobNameLength(completions))).length).toBe(63);
    expect(hostname('j'.repeat(maxJobNameLength(completions) + 1)).length).toBe(64);

    // A CronJob's Jobs are `<cronjob>-<unix minutes>` (8 digits).
    const cronJobName = 'c'.repeat(maxCronJobNameLength(completions));
    const jobOfCron = `${cronJobName}-29000000`;
    expect(hostname(jobOfCron).length).toBeLessThanOrEqual(63);
    expect(cronJobName.length).toBeLessThanOrEqual(52);
    if (maxCronJobNameLength(completions) < 52) {
      expect(hostname(`c${jobOfCron}`).length).toBe(64);
    }
  });

  test.each([0, -1, 1.5, NaN, Infinity])('rejects %p completions', (completions) => {
    expect(() => maxJobNameLength(completions)).toThrow(
      `completions: must be a whole number of at least 1 (got "${completions}"). Pass the number of cells (the Indexed Job's completions).`);
    expect(() => maxCronJobNameLength(completions)).toThrow(BatchValidationError);
  });
});

describe('cell names', () => {
  test('a readable slug of the values plus 8 base32 characters of XXH64 of the cell', () => {
    const cell = { animal: 'cat', fruit: 'apple' };
    const identity = '[["animal","cat"],["fruit","apple"]]';
    // Independent base32 of the top 40 bits.
    const bits = xxh64String(identity).toString(2).padStart(64, '0').slice(0, 40);
    const hash = bits.match(/.{5}/g)!.map(chunk => 'abcdefghijklmnopqrstuvwxyz234567'[parseInt(chunk, 2)]).join('');
    expect(matrixCellName(cell)).toBe(`cat-apple-${hash}`);
  });

  test('pinned names (changing them renames users\' Jobs)', () => {
    const matrix = Matrix.of({ fruit: ['apple', 'pear'], animal: ['cat', 'dog'] }, { include: [{ fruit: 'banana' }] });
    expect(matrix.cellNames()).toEqual([
      'cat-apple-suvxfexo',
      'cat-pear-x6gzanog',
      'dog-apple-atzqzkd4',
      'dog-pear-ctxl7tud',
      'banana-3uyjbh66',
    ]);
    expect(matrix.cellName(4)).toBe('banana-3uyjbh66');
  });

  test('slugs are lower-cased, other characters become "-", at most 15 characters', () => {
    expect(matrixCellName({ key: 'Orders DB' })).toMatch(/^orders-db-[a-z2-7]{8}$/);
    expect(matrixCellName({ region: 'us-east-1', image: 'ghcr.io/acme/app:1.2' })).toMatch(/^ghcr-io-acme-ap-[a-z2-7]{8}$/);
    expect(matrixCellName({ a: 'x'.repeat(14), b: 'y' })).toMatch(/^x{14}-[a-z2-7]{8}$/); // no "--" after cutting at a dash
    expect(matrixCellName({ key: '---' })).toMatch(/^[a-z2-7]{8}$/);
    expect(matrixCellName({ key: '日本' })).toMatch(/^[a-z2-7]{8}$/);
  });

  test('names are DNS labels of at most 24 characters', () => {
    expect(MAX_CELL_NAME_LENGTH).toBe(24);
    const matrix = Matrix.of({ image: ['ghcr.io/acme/app:1.2', 'A', '-x-'], zone: ['eu-west-1a', '_'] });
    for (const name of matrix.cellNames()) {
      expect(name).toMatch(DNS_LABEL);
      expect(name.length).toBeLessThanOrEqual(Matrix.MAX_CELL_NAME_LENGTH);
    }
  });

  test('a name depends on the cell only: adding values keeps the other names', () => {
    const before = Matrix.of({ db: ['users', 'orders'] });
    const after = Matrix.of({ db: ['audit', 'users', 'orders'] });
    expect(after.cellNames().slice(1)).toEqual(before.cellNames());
  });

  test('cells whose slugs coincide get different names', () => {
    const a = matrixCellName({ a: 'x-y', b: 'z' });
    const b = matrixCellName({ a: 'x', b: 'y-z' });
    expect(a.slice(0, 6)).toBe('x-y-z-');
    expect(b.slice(0, 6)).toBe('x-y-z-');
    expect(a).not.toBe(b);
  });

  test('count cells are named after their index', () => {
    expect(Matrix.count(12).cellNames().map(name => name.split('-')[0])).toEqual(
      ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
  });

  test('a name clash is reported', () => {
    expect(() => checkCellNamesDistinct(['a', 'b', 'a'])).toThrow(
      'matrix: gives cells 0 and 2 the same name (got "a"). Change a value of one of the two cells; cell names hash the values.');
  });

  test('cellNames returns a copy', () => {
    const matrix = Matrix.count(2);
    matrix.cellNames()[0] = 'changed';
    expect(matrix.cellName(0)).not.toBe('changed');
  });
});
