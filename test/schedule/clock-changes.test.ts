import { Testing } from 'cdk8s';
import { Schedule, TimeZone } from '../../src/schedule';
import { findRuns, nextRuns, runsBetween } from '../../src/schedule/next-runs';
import { clockChangeSurprises, clockChangeWarning } from '../../src/schedule/run-search';
import { warningsOf } from '../../src/warnings';
import { ScheduledBatch } from '../../src/workloads';
import { oracleRuns } from '../support/cron-oracle';

/**
 * Clock changes, as Kubernetes (robfig/cron v3 `Next`) handles them, against the plain reading
 * of the schedule given by the independent minute-by-minute oracle. Where the two differ, the
 * library's run carries a remark that says why; the Kubernetes times were checked against
 * robfig/cron v3.0.1 with Go's tzdata 2025c (outside this suite).
 */
function compare(expression: string, fromIso: string, days: number, timeZone: string) {
  const from = new Date(fromIso);
  const minutes = days * 24 * 60;
  const found = findRuns(expression, { from, to: new Date(from.getTime() + minutes * 60_000 + 1), timeZone });
  const plain = oracleRuns(expression, { from, count: 10_000, clock: { zone: timeZone }, horizonMinutes: minutes });
  return {
    kubernetes: found.runs.map(r => (r.remark ? `${iso(r.at)} ${r.remark}` : iso(r.at))),
    plainReading: plain.map(iso),
    ...(found.note ? { note: found.note } : {}),
  };
}

function iso(d: Date): string {
  return d.toISOString().replace('.000Z', 'Z');
}

describe('clock changes that are not a whole hour', () => {
  test('Pacific/Chatham 50 2 * * *: 02:45 became 03:45 on 2025-09-28, so the run moves to 03:50', () => {
    expect(compare('50 2 * * *', '2025-09-26T00:00:00Z', 3, 'Pacific/Chatham')).toEqual({
      kubernetes: [
        '2025-09-26T14:05:00Z', // Sat 27 02:50 +12:45
        '2025-09-27T14:05:00Z runs at 03:50 because 02:50 does not exist on this day: the clocks go from 02:45 to 03:45',
        '2025-09-28T13:05:00Z', // Mon 29 02:50 +13:45
      ],
      plainReading: ['2025-09-26T14:05:00Z', '2025-09-28T13:05:00Z'],
    });
  });

  test('Australia/Lord_Howe 45 1 * * *: 02:00 became 02:30 on 2025-10-05, so it runs at 01:45 and again at 02:45', () => {
    expect(compare('45 1 * * *', '2025-10-03T00:00:00Z', 3, 'Australia/Lord_Howe')).toEqual({
      kubernetes: [
        '2025-10-03T15:15:00Z',
        '2025-10-04T15:15:00Z', // Sun 5 01:45 +10:30
        '2025-10-04T15:45:00Z extra run at 02:45, a time the schedule does not name: after the clocks go from 02:00 to 02:30, Kubernetes does not check the hour again',
        '2025-10-05T14:45:00Z',
      ],
      plainReading: ['2025-10-03T15:15:00Z', '2025-10-04T15:15:00Z', '2025-10-05T14:45:00Z'],
    });
  });

  test('Australia/Lord_Howe 45 1 * * *: 02:00 went back to 01:30 on 2026-04-05, so 01:45 happens and runs twice', () => {
    expect(compare('45 1 * * *', '2026-04-03T00:00:00Z', 3, 'Australia/Lord_Howe')).toEqual({
      kubernetes: [
        '2026-04-03T14:45:00Z',
        '2026-04-04T14:45:00Z',
        '2026-04-04T15:15:00Z second run at 01:45: the clocks go back from 02:00 to 01:30, so this time happens twice',
        '2026-04-05T15:15:00Z',
      ],
      plainReading: ['2026-04-03T14:45:00Z', '2026-04-04T14:45:00Z', '2026-04-04T15:15:00Z', '2026-04-05T15:15:00Z'],
    });
  });
});

describe('clock changes at midnight', () => {
  test('America/Santiago 0 1 * * 6 (Saturdays) also runs on Sunday 2025-09-07 at 01:00', () => {
    expect(compare('0 1 * * 6', '2025-09-04T00:00:00Z', 10, 'America/Santiago')).toEqual({
      kubernetes: [
        '2025-09-06T05:00:00Z', // Sat 01:00 -04:00
        '2025-09-07T04:00:00Z extra run on Sunday: the clock change at midnight (00:00 → 01:00) carries the search for Saturday\'s run into Sunday, and Kubernetes does not check the day again',
        '2025-09-13T04:00:00Z',
      ],
      plainReading: ['2025-09-06T05:00:00Z', '2025-09-13T04:00:00Z'],
    });
  });

  test('Africa/Cairo 0 1 * * 4 (Thursdays) also runs on Friday 2024-04-26 at 01:00', () => {
    expect(compare('0 1 * * 4', '2024-04-23T00:00:00Z', 10, 'Africa/Cairo')).toEqual({
      kubernetes: [
        '2024-04-24T23:00:00Z', // Thu 25 01:00 +02:00
        '2024-04-25T22:00:00Z extra run on Friday: the clock change at midnight (00:00 → 01:00) carries the search for Thursday\'s run into Friday, and Kubernetes does not check the day again',
        '2024-05-01T22:00:00Z',
      ],
      plainReading: ['2024-04-24T23:00:00Z', '2024-05-01T22:00:00Z'],
    });
  });
});

describe('whole-hour changes away from midnight: skipped and run twice, as the plain reading says', () => {
  test('America/New_York 30 2 * * * has no run on 2026-03-08; 30 1 * * * runs twice on 2026-11-01', () => {
    expect(compare('30 2 * * *', '2026-03-07T00:00:00Z', 3, 'America/New_York')).toEqual({
      kubernetes: ['2026-03-07T07:30:00Z', '2026-03-09T06:30:00Z'],
      plainReading: ['2026-03-07T07:30:00Z', '2026-03-09T06:30:00Z'],
    });
    expect(compare('30 1 * * *', '2026-10-31T00:00:00Z', 2, 'America/New_York')).toEqual({
      kubernetes: [
        '2026-10-31T05:30:00Z',
        '2026-11-01T05:30:00Z',
        '2026-11-01T06:30:00Z second run at 01:30: the clocks go back from 02:00 to 01:00, so this time happens twice',
      ],
      plainReading: ['2026-10-31T05:30:00Z', '2026-11-01T05:30:00Z', '2026-11-01T06:30:00Z'],
    });
  });
});

describe('a skipped calendar day ends the search instead of hanging', () => {
  // Pacific/Apia went from 2011-12-29 23:59:59 -10:00 to 2011-12-31 00:00:00 +14:00.
  const STOP = 'search stopped at 2011-12-29: the next day, 2011-12-30, does not exist in Pacific/Apia (the clocks skipped it), '
    + 'and robfig/cron, which the Kubernetes CronJob controller uses, would search forever there; no later run is known';

  test('0 12 30 12 *: no run, and a note', () => {
    expect(compare('0 12 30 12 *', '2011-12-20T00:00:00Z', 20, 'Pacific/Apia')).toEqual({
      kubernetes: [],
      plainReading: [],
      note: STOP,
    });
    expect(nextRuns('0 12 30 12 *', { count: 3, from: new Date('2011-12-20T00:00:00Z'), timeZone: 'Pacific/Apia' })).toEqual([]);
  });

  test('0 0 * * 5 (Fridays): the Friday before, then the note; the plain reading goes on to 6 January', () => {
    expect(compare('0 0 * * 5', '2011-12-20T00:00:00Z', 20, 'Pacific/Apia')).toEqual({
      kubernetes: ['2011-12-23T10:00:00Z'],
      plainReading: ['2011-12-23T10:00:00Z', '2012-01-05T10:00:00Z'],
      note: STOP,
    });
    expect(runsBetween('0 0 * * 5', { from: new Date('2011-12-20T00:00:00Z'), to: new Date('2012-02-01T00:00:00Z'), timeZone: 'Pacific/Apia' })
      .map(iso)).toEqual(['2011-12-23T10:00:00Z']);
  });

  test('after the skipped day, searches run as usual', () => {
    expect(compare('0 12 30 12 *', '2012-01-01T00:00:00Z', 366, 'Pacific/Apia')).toEqual({
      kubernetes: ['2012-12-29T22:00:00Z'],
      plainReading: ['2012-12-29T22:00:00Z'],
    });
  });

  test('five years without a match is a note too', () => {
    expect(findRuns('0 0 29 2 *', { from: new Date('2095-03-01T00:00:00Z'), count: 2 })).toEqual({
      runs: [{ at: new Date('2096-02-29T00:00:00Z') }],
      note: 'no run within five years after 2096-02-29 in UTC (robfig/cron\'s limit, which the Kubernetes CronJob controller shares)',
    });
  });

  test('findRuns needs count or to, and valid dates', () => {
    expect(() => findRuns('* * * * *', { from: new Date(0) })).toThrow(
      'count: must be given when to is not, or the search has no end (got "undefined"). Pass count, to, or both.');
    expect(() => findRuns('* * * * *', { from: new Date(0), to: new Date('x') })).toThrow('to: is not a valid date (got "Invalid Date"). Pass a valid Date.');
  });
});

describe('the synth warning of a ScheduledBatch that a clock change will move or add a run to within a year', () => {
  const container = { image: 'alpine:3.20', securityContext: { user: 1000, group: 1000 } };
  const NOW = new Date('2026-01-01T00:00:00Z');

  test('clockChangeWarning names the first case and counts the rest', () => {
    expect(clockChangeWarning('50 2 * * *', 'Pacific/Chatham', NOW)).toBe(
      'schedule "50 2 * * *" in Pacific/Chatham meets a clock change that Kubernetes handles its own way, on 2026-09-27: '
      + 'runs at 03:50 because 02:50 does not exist on this day: the clocks go from 02:45 to 03:45. That is what the cluster will do '
      + '(docs/schedules.md, "Clock changes"); schedule away from the zone\'s change times, or in UTC, to avoid it.');
    expect(clockChangeWarning('0 1 * * 6,4', 'America/Santiago', NOW)).toMatch(
      /^schedule "0 1 \* \* 6,4" in America\/Santiago meets a clock change that Kubernetes handles its own way, on 2026-09-06: extra run on Sunday: /);
    expect(clockChangeSurprises('0 1 * * 6', { from: NOW, to: new Date('2027-01-01T00:00:00Z'), timeZone: 'America/Santiago' })
      .map(r => r.at.toISOString())).toEqual(['2026-09-06T04:00:00.000Z']);
    // Whole-hour changes away from midnight only skip or repeat, as documented: no warning.
    expect(clockChangeWarning('30 2 * * *', 'America/New_York', NOW)).toBeUndefined();
    expect(clockChangeWarning('30 1 * * *', 'Europe/Berlin', NOW)).toBeUndefined();
    expect(clockChangeWarning('* * * * *', 'UTC', NOW)).toBeUndefined();
  });

  test('a ScheduledBatch records it at synth; one in UTC does not', () => {
    jest.useFakeTimers({ now: NOW, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const chart = Testing.chart();
      const chatham = new ScheduledBatch(chart, 'chatham', {
        schedule: Schedule.cron('50 2 * * *'), timeZone: TimeZone.of('Pacific/Chatham'), containers: [container],
      });
      const utc = new ScheduledBatch(chart, 'utc', { schedule: Schedule.cron('50 2 * * *'), containers: [container] });
      const emitted = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      Testing.synth(chart);
      emitted.mockRestore();
      expect(warningsOf(chatham)).toEqual([clockChangeWarning('50 2 * * *', 'Pacific/Chatham', NOW)]);
      expect(warningsOf(utc)).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });
});
