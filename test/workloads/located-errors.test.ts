import { Testing } from 'cdk8s';
import {
  BatchErrors, Concurrency, JobOption, Matrix, ParallelMatrixJob, ParameterizedJob, Schedule, ScheduledBatch,
} from '../../src';

/**
 * Value objects (JobOption, Matrix, Schedule, TimeZone, Concurrency, PodFailureRule,
 * KubernetesVersion) are made before the workload they are passed to exists: they keep a
 * problem until that workload uses them, so the message names the workload's construct path,
 * the field, the bad value and the fix.
 */
const main = { name: 'main', image: 'registry.example/app:1.0' };

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    expect(BatchErrors.isBatchValidationError(e)).toBe(true);
    return e as Error;
  }
  throw new Error('expected a BatchValidationError');
}

describe('JobOption factories', () => {
  test.each<[string, () => JobOption, string]>([
    ['a pattern that does not compile', () => JobOption.string({ name: 's', pattern: '[a-z' }),
      'option "s" pattern: is not a valid regular expression: Unterminated character class (got "[a-z"). Write an ECMAScript regular expression, e.g. ^[a-z0-9-]+$.'],
    ['a Select default outside its values', () => JobOption.select({ name: 'region', values: ['eu', 'us'], default: 'ap' }),
      'option "region" default: is not one of the values "eu", "us" (got "ap"). Pick the default from values, or add it to values.'],
    ['an Int default above max', () => JobOption.int({ name: 'n', default: 10, max: 8 }),
      'option "n" default: is greater than the maximum 8 (got "10"). Move the default inside the bounds, or widen them.'],
    ['a name with a space', () => JobOption.bool({ name: 'dry run' }),
      'option name: must match ^[a-zA-Z_0-9.-]+$ (got "dry run"). Use letters, digits, "_", "." and "-" only, e.g. "report-date".'],
    ['a Date format with Java tokens', () => JobOption.date({ name: 'd', format: 'yyyy-MM-dd' }),
      'option "d" format: holds "yyyy", which is not a supported token (got "yyyy-MM-dd"). Use moment.js tokens (YYYY MM DD HH mm ss Z ...) and wrap literal text in [brackets].'],
  ])('%s is reported at the ParameterizedJob and the ScheduledBatch', (_name, define, message) => {
    const option = define(); // no error yet: there is no construct to name
    const chart = Testing.chart();
    expect(errorOf(() => new ParameterizedJob(chart, 'report', { containers: [main], options: [option] })).message)
      .toBe(`test/report: ${message}`);
    expect(errorOf(() => new ScheduledBatch(chart, 'nightly', { schedule: Schedule.daily(), containers: [main], options: [option] })).message)
      .toBe(`test/nightly: ${message}`);
  });

  test('a good option next to a bad one: the bad one is named', () => {
    const chart = Testing.chart();
    const options = [JobOption.string({ name: 'ok' }), JobOption.multi({ name: 'm', values: ['a', 'b'], defaults: ['c'] })];
    expect(errorOf(() => new ParameterizedJob(chart, 'report', { containers: [main], options })).message).toBe(
      'test/report: option "m" defaults: is not one of the values "a", "b" (got "c"). Pick the defaults from values, or add them to values.');
  });
});

describe('Matrix factories', () => {
  test.each<[string, () => Matrix, string]>([
    ['Matrix.of with a duplicate include cell', () => Matrix.of({ fruit: ['apple'] }, { include: [{ fruit: 'kiwi' }, { fruit: 'kiwi' }] }),
      'matrix include[1]: adds the same cell as include[0] (got "{\\"fruit\\":\\"kiwi\\"}"). Remove one of the two entries.'],
    ['Matrix.of with an empty value', () => Matrix.of({ fruit: ['apple', ''] }),
      'matrix.fruit[1]: is empty (got ""). Use a non-empty string; an empty value cannot be told apart from a missing one.'],
    ['Matrix.of with a bad key', () => Matrix.of({ Fruit: ['apple'] }),
      'matrix key: is not a valid matrix key (got "Fruit"). Use lower-case letters, digits, "_" and "-" only (^[a-z0-9_-]+$), e.g. "node-version".'],
    ['Matrix.of over the cap', () => Matrix.of({ a: Array.from({ length: 17 }, (_, i) => `v${i}`), b: Array.from({ length: 16 }, (_, i) => `w${i}`) }),
      'matrix: has more cells than maxCells allows (256) (got "272 cells"). Raise maxCells (up to 100000), or split the work across several workloads.'],
    ['Matrix.count(0)', () => Matrix.count(0),
      'matrix count: must be at least 1 (got "0"). Pass the number of cells to run, at least 1.'],
    ['Matrix.keys with a repeated key', () => Matrix.keys(['a', 'b', 'a']),
      'matrix keys[2]: repeats keys[0] (got "a"). List each key once; a repeated key would run the same cell twice.'],
    ['a bad maxCells', () => Matrix.count(2, { maxCells: 0 }),
      'matrix maxCells: must be a whole number from 1 to 100000 (got "0"). Keep the default of 256, or raise it up to 100000, the most cells an Indexed Job runs at full parallelism.'],
  ])('%s is reported at the ParallelMatrixJob and the ScheduledBatch', (_name, make, message) => {
    const matrix = make(); // no error yet: there is no construct to name
    const chart = Testing.chart();
    expect(errorOf(() => new ParallelMatrixJob(chart, 'build', { matrix, containers: [main] })).message).toBe(`test/build: ${message}`);
    expect(errorOf(() => new ScheduledBatch(chart, 'nightly', { schedule: Schedule.daily(), matrix, containers: [main] })).message)
      .toBe(`test/nightly: ${message}`);
  });

  test('used directly, a bad matrix throws at first use, under its own field names', () => {
    const matrix = Matrix.count(0);
    expect(errorOf(() => matrix.cellCount).message).toBe('count: must be at least 1 (got "0"). Pass the number of cells to run, at least 1.');
    expect(errorOf(() => matrix.cells()).message).toBe('count: must be at least 1 (got "0"). Pass the number of cells to run, at least 1.');
  });
});

describe('the error points at the user\'s code', () => {
  test('the first stack frame is the line that built the workload, not the library', () => {
    const chart = Testing.chart();
    const error = errorOf(() => new ScheduledBatch(chart, 'x', { schedule: Schedule.cron('0 0 * * * *'), containers: [main] }));
    const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
    expect(frames[0]).toContain('located-errors.test.ts');
    expect(error.stack).toContain('test/x: schedule: has 6 fields');
  });

  test('a bad Concurrency.enqueue is located too', () => {
    const chart = Testing.chart();
    const error = errorOf(() => new ParameterizedJob(chart, 'p', { containers: [main], concurrency: Concurrency.enqueue({ maxQueued: -1 }) }));
    expect(error.message).toBe(
      'test/p: concurrency.maxQueued: must be a whole number from 0 to 10000 (got "-1"). Pass Concurrency.enqueue({ maxQueued: 1 }) or another whole number in range.');
  });
});
