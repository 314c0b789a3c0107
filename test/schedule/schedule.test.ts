import { BatchValidationError } from '../../src/errors';
import { Schedule } from '../../src/schedule';

describe('Schedule', () => {
  test('cron keeps the expression as written and validates eagerly', () => {
    const schedule = Schedule.cron(' 0  3 * * MON-FRI ');
    expect(schedule.expression).toBe(' 0  3 * * MON-FRI ');
    expect(schedule.expandedExpression).toBe('0 3 * * MON-FRI');
    expect(schedule.isHashed).toBe(false);
    expect(schedule.resolve('ignored')).toBe('0 3 * * MON-FRI');
    expect(() => Schedule.cron('0 3 * * FRI-MON').expandedExpression).toThrow(BatchValidationError);
  });

  test('cron accepts H and then is hashed', () => {
    const schedule = Schedule.cron('H 3 * * *');
    expect(schedule.isHashed).toBe(true);
    expect(schedule.resolve('myid1')).toBe('36 3 * * *');
  });

  test('a plain macro keeps its Kubernetes meaning, a hashed one takes Jenkins\'', () => {
    expect(Schedule.cron('@daily').resolve('myid1')).toBe('0 0 * * *');
    expect(Schedule.cron('@daily').isHashed).toBe(false);
    const hashed = Schedule.hashed('@daily');
    expect(hashed.expression).toBe('@daily');
    expect(hashed.expandedExpression).toBe('H H * * *');
    expect(hashed.isHashed).toBe(true);
    expect(hashed.resolve('myid1')).toBe('36 7 * * *');
  });

  test('hashed requires an H token', () => {
    expect(() => Schedule.hashed('0 3 * * *').expandedExpression).toThrow(
      'schedule: contains no H token, so hashing would not change it (got "0 3 * * *"). Write H where the value may be spread (e.g. "H 3 * * *"), or use Schedule.cron() for a fixed schedule.');
  });

  test.each([
    [() => Schedule.everyMinute(), '* * * * *'],
    [() => Schedule.hourly(), '0 * * * *'],
    [() => Schedule.daily(), '0 0 * * *'],
    [() => Schedule.weekly(), '0 0 * * 0'],
    [() => Schedule.monthly(), '0 0 1 * *'],
  ])('plain factory %#', (factory, expression) => {
    const schedule = factory();
    expect(schedule.expression).toBe(expression);
    expect(schedule.isHashed).toBe(false);
    expect(schedule.resolve('any')).toBe(expression);
  });

  test.each([
    [() => Schedule.hashedHourly(), 'H * * * *', '36 * * * *'],
    [() => Schedule.hashedDaily(), 'H H * * *', '36 7 * * *'],
    [() => Schedule.hashedWeekly(), 'H H * * H', '36 7 * * 1'],
    [() => Schedule.hashedMonthly(), 'H H H * *', '36 7 19 * *'],
  ])('hashed factory %#', (factory, expression, resolved) => {
    const schedule = factory();
    expect(schedule.expression).toBe(expression);
    expect(schedule.isHashed).toBe(true);
    expect(schedule.resolve('myid1')).toBe(resolved);
  });

  test('resolving a hashed schedule needs a seed', () => {
    expect(() => Schedule.hashedDaily().resolve('')).toThrow(
      'hashSeed: is empty (got ""). Pass a non-empty seed; by default it is NAMESPACE/NAME of the CronJob.');
    expect(Schedule.daily().resolve('')).toBe('0 0 * * *');
  });

  test('the same input always gives the same bytes', () => {
    const first = Schedule.hashed('H(0-29)/10 H(1-5) H H(1-6) H').resolve('ns/name');
    for (let i = 0; i < 10; i++) {
      expect(Schedule.hashed('H(0-29)/10 H(1-5) H H(1-6) H').resolve('ns/name')).toBe(first);
    }
  });
});
