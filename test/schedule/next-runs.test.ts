import { BatchValidationError } from '../../src/errors';
import { nextRuns, runsBetween, Schedule } from '../../src/schedule';

/**
 * Run times checked by hand against calendars and DST tables, and against
 * robfig/cron v3.0.1 `Next` with Go's tzdata 2025c (outside this suite).
 */
function runs(expression: string, from: string, count: number, timeZone?: string): string[] {
  return nextRuns(expression, { count, from: new Date(from), timeZone }).map(d => d.toISOString().replace('.000Z', 'Z'));
}

describe('nextRuns', () => {
  test('America/New_York spring-forward gap: 02:30 does not exist on 2026-03-08, so that day is skipped', () => {
    expect(runs('30 2 * * *', '2026-03-07T00:00:00Z', 3, 'America/New_York')).toEqual([
      '2026-03-07T07:30:00Z', // 02:30 EST
      '2026-03-09T06:30:00Z', // 02:30 EDT
      '2026-03-10T06:30:00Z',
    ]);
  });

  test('America/New_York fall-back overlap: 01:30 happens twice on 2026-11-01 and runs twice', () => {
    expect(runs('30 1 * * *', '2026-10-31T00:00:00Z', 4, 'America/New_York')).toEqual([
      '2026-10-31T05:30:00Z', // 01:30 EDT
      '2026-11-01T05:30:00Z', // 01:30 EDT
      '2026-11-01T06:30:00Z', // 01:30 EST
      '2026-11-02T06:30:00Z',
    ]);
  });

  test('hourly runs step over the missing hour: 01:00 EST, then 03:00 EDT', () => {
    expect(runs('0 * * * *', '2026-03-08T05:30:00Z', 3, 'America/New_York')).toEqual([
      '2026-03-08T06:00:00Z',
      '2026-03-08T07:00:00Z',
      '2026-03-08T08:00:00Z',
    ]);
  });

  test('Europe/Berlin: 02:30 skipped on 2026-03-29, run twice on 2026-10-25', () => {
    expect(runs('30 2 * * *', '2026-03-28T00:00:00Z', 2, 'Europe/Berlin')).toEqual(['2026-03-28T01:30:00Z', '2026-03-30T00:30:00Z']);
    expect(runs('30 2 * * *', '2026-10-24T12:00:00Z', 3, 'Europe/Berlin')).toEqual(['2026-10-25T00:30:00Z', '2026-10-25T01:30:00Z', '2026-10-26T01:30:00Z']);
  });

  test('both day fields restricted means either: every 2nd day-of-month (1, 3, 5...) or Monday', () => {
    // 2026-01-05 and 2026-01-12 are Mondays.
    expect(runs('0 0 */2 * 1', '2026-01-01T00:00:00Z', 8)).toEqual([
      '2026-01-03T00:00:00Z',
      '2026-01-05T00:00:00Z',
      '2026-01-07T00:00:00Z',
      '2026-01-09T00:00:00Z',
      '2026-01-11T00:00:00Z',
      '2026-01-12T00:00:00Z',
      '2026-01-13T00:00:00Z',
      '2026-01-15T00:00:00Z',
    ]);
  });

  test('the first of the month or any Monday', () => {
    // 2026-06-01 (a Monday) is excluded because runs are strictly after `from`.
    expect(runs('0 0 1 * 1', '2026-06-01T00:00:00Z', 4)).toEqual([
      '2026-06-08T00:00:00Z', '2026-06-15T00:00:00Z', '2026-06-22T00:00:00Z', '2026-06-29T00:00:00Z',
    ]);
  });

  test('a day field written * keeps the other one alone (AND with everything)', () => {
    expect(runs('0 0 1 * *', '2026-06-01T00:00:00Z', 2)).toEqual(['2026-07-01T00:00:00Z', '2026-08-01T00:00:00Z']);
    expect(runs('0 0 * * 1', '2026-06-01T00:00:00Z', 2)).toEqual(['2026-06-08T00:00:00Z', '2026-06-15T00:00:00Z']);
    expect(runs('0 0 */1 * 1', '2026-06-01T00:00:00Z', 2)).toEqual(['2026-06-08T00:00:00Z', '2026-06-15T00:00:00Z']);
  });

  test('Etc/GMT-9 is nine hours east of UTC', () => {
    expect(runs('0 9 * * *', '2025-12-31T12:00:00Z', 2, 'Etc/GMT-9')).toEqual(['2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z']);
    expect(runs('0 9 * * *', '2025-12-31T12:00:00Z', 2, 'UTC+9')).toEqual(['2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z']);
  });

  test('half-hour zones: midnight in Asia/Kolkata is 18:30 UTC', () => {
    expect(runs('0 0 * * *', '2026-01-01T00:00:00Z', 2, 'Asia/Kolkata')).toEqual(['2026-01-01T18:30:00Z', '2026-01-02T18:30:00Z']);
  });

  test('month names in any case', () => {
    expect(runs('0 12 1 JAN,jul *', '2026-03-01T00:00:00Z', 3)).toEqual(['2026-07-01T12:00:00Z', '2027-01-01T12:00:00Z', '2027-07-01T12:00:00Z']);
  });

  test('weekday 7 is Sunday, also at the end of a range', () => {
    // 2026-01-01 is a Thursday.
    expect(runs('0 6 * * 7', '2026-01-01T00:00:00Z', 2)).toEqual(['2026-01-04T06:00:00Z', '2026-01-11T06:00:00Z']);
    expect(runs('0 0 * * 5-7', '2026-01-01T00:00:00Z', 4)).toEqual([
      '2026-01-02T00:00:00Z', '2026-01-03T00:00:00Z', '2026-01-04T00:00:00Z', '2026-01-09T00:00:00Z',
    ]);
  });

  test('29 February fires in leap years only', () => {
    expect(runs('0 0 29 2 *', '2026-01-01T00:00:00Z', 2)).toEqual(['2028-02-29T00:00:00Z', '2032-02-29T00:00:00Z']);
  });

  test('America/Sao_Paulo 2018-11-04 had no midnight (00:00 → 01:00): 00:30 is skipped, the day starts at 01:00', () => {
    expect(runs('30 0 * * *', '2018-11-03T00:00:00Z', 3, 'America/Sao_Paulo')).toEqual([
      '2018-11-03T03:30:00Z', '2018-11-05T02:30:00Z', '2018-11-06T02:30:00Z',
    ]);
    expect(runs('0 * 4 11 *', '2018-11-03T12:00:00Z', 2, 'America/Sao_Paulo')).toEqual(['2018-11-04T03:00:00Z', '2018-11-04T04:00:00Z']);
  });

  test('like robfig, gives up after five years without a match', () => {
    // After 2096-02-29 the next leap day is 2104 (2100 is not a leap year).
    expect(runs('0 0 29 2 *', '2095-03-01T00:00:00Z', 2)).toEqual(['2096-02-29T00:00:00Z']);
  });

  test('steps and ranges on weekdays', () => {
    // 2026-01-02 is a Friday; the next weekday is Monday the 5th.
    expect(runs('*/20 9-10 * * MON-FRI', '2026-01-02T09:30:00Z', 5)).toEqual([
      '2026-01-02T09:40:00Z', '2026-01-02T10:00:00Z', '2026-01-02T10:20:00Z', '2026-01-02T10:40:00Z', '2026-01-05T09:00:00Z',
    ]);
  });

  test('runs are strictly after `from`, also within its second', () => {
    expect(runs('0 3 * * *', '2026-01-01T03:00:00Z', 1)).toEqual(['2026-01-02T03:00:00Z']);
    expect(runs('0 3 * * *', '2026-01-01T02:59:59.999Z', 1)).toEqual(['2026-01-01T03:00:00Z']);
  });

  test('macros are accepted, and the default zone is UTC', () => {
    expect(runs('@weekly', '2026-01-01T00:00:00Z', 1)).toEqual(['2026-01-04T00:00:00Z']);
  });

  test('a hashed schedule runs at its resolved times', () => {
    const schedule = Schedule.hashed('H H * * *');
    expect(schedule.nextRuns('myid1', { count: 2, from: new Date('2021-09-01T00:00:00Z') }).map(d => d.toISOString()))
      .toEqual(['2021-09-01T07:36:00.000Z', '2021-09-02T07:36:00.000Z']);
  });

  test('count 0 gives no runs', () => {
    expect(runs('* * * * *', '2026-01-01T00:00:00Z', 0)).toEqual([]);
  });

  test('rejects H (resolve first), bad counts, bad dates and unknown zones', () => {
    expect(() => runs('H * * * *', '2026-01-01T00:00:00Z', 1)).toThrow(
      'schedule (minute field): H is not allowed in a resolved expression (got "H"). Resolve the schedule with a seed first, e.g. Schedule.hashed("H H * * *").resolve("default/my-job").');
    expect(() => runs('* * * * *', '2026-01-01T00:00:00Z', -1)).toThrow(
      'count: must be a whole number from 0 to 10000 (got "-1"). Ask for fewer run times.');
    expect(() => runs('* * * * *', '2026-01-01T00:00:00Z', 1.5)).toThrow(BatchValidationError);
    expect(() => nextRuns('* * * * *', { count: 1, from: new Date('nonsense') })).toThrow('from: is not a valid date');
    expect(() => runs('* * * * *', '2026-01-01T00:00:00Z', 1, 'Mars/Olympus')).toThrow('timeZone: is not a time zone that Kubernetes can load');
  });
});

describe('runsBetween', () => {
  const between = (expression: string, from: string, to: string, timeZone?: string) =>
    runsBetween(expression, { from: new Date(from), to: new Date(to), timeZone }).map(d => d.toISOString().replace('.000Z', 'Z'));

  test('every run in [from, to): from included, to excluded', () => {
    expect(between('0 */6 * * *', '2026-03-07T00:00:00Z', '2026-03-08T00:00:00Z')).toEqual([
      '2026-03-07T00:00:00Z', '2026-03-07T06:00:00Z', '2026-03-07T12:00:00Z', '2026-03-07T18:00:00Z',
    ]);
  });

  test('a New York day with a fall-back overlap has 25 hourly runs, a spring-forward day 23', () => {
    expect(between('0 * * * *', '2026-11-01T04:00:00Z', '2026-11-02T05:00:00Z', 'America/New_York')).toHaveLength(25);
    expect(between('0 * * * *', '2026-03-08T05:00:00Z', '2026-03-09T04:00:00Z', 'America/New_York')).toHaveLength(23);
  });

  test('gives what nextRuns gives for the same stretch', () => {
    const from = new Date('2026-10-24T00:00:00Z');
    const next = nextRuns('17 1,2,3 * * *', { count: 30, from: new Date(from.getTime() - 1000), timeZone: 'Europe/Berlin' });
    const to = new Date(next[next.length - 1].getTime() + 1);
    expect(runsBetween('17 1,2,3 * * *', { from, to, timeZone: 'Europe/Berlin' })).toEqual(next);
  });

  test('an empty range has no runs; an inverted one is an error naming both ends', () => {
    expect(between('* * * * *', '2026-03-07T00:00:30Z', '2026-03-07T00:00:59Z')).toEqual([]);
    expect(() => between('* * * * *', '2026-03-08T00:00:00Z', '2026-03-07T00:00:00Z')).toThrow(
      /^to: must be a valid date not before from \(.*\) \(got ".*"\)\. Pass a range whose end is after its start\.$/);
  });
});
