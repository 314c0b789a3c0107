import * as fc from 'fast-check';
import {
  civilFromDays, dayOfYear, daysFromCivil, daysInMonth, instantOf, isRealDate, MONTH_NAMES, msFromFields, parseRfc3339,
  parseRfc3339Instant, WEEKDAY_ABBREVIATIONS, WEEKDAY_NAMES, weekdayOf,
} from '../../src/time';

describe('civil dates', () => {
  test('days since 1970-01-01 agree with Date for years 100-9999 (Date maps 0-99 to 1900-1999), and round-trip', () => {
    fc.assert(fc.property(fc.integer({ min: -1_000_000, max: 3_000_000 }), days => {
      const date = civilFromDays(days);
      expect(daysFromCivil(date.year, date.month, date.day)).toBe(days);
      if (date.year >= 100) {
        expect(Date.UTC(date.year, date.month - 1, date.day) / 86_400_000).toBe(days);
      }
    }), { numRuns: 2000 });
  });

  test('years before 100 and before 0 are proleptic Gregorian', () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(civilFromDays(daysFromCivil(50, 2, 29))).toEqual({ year: 50, month: 3, day: 1 }); // 50 is not a leap year
    expect(civilFromDays(daysFromCivil(0, 2, 29))).toEqual({ year: 0, month: 2, day: 29 }); // 0 is (divisible by 400)
    expect(weekdayOf(1, 1, 1)).toBe(1); // a Monday
  });

  test('months and days roll over like Go\'s time.Date', () => {
    expect(civilFromDays(daysFromCivil(2026, 13, 1))).toEqual({ year: 2027, month: 1, day: 1 });
    expect(civilFromDays(daysFromCivil(2026, 0, 1))).toEqual({ year: 2025, month: 12, day: 1 });
    expect(civilFromDays(daysFromCivil(2026, 2, 29))).toEqual({ year: 2026, month: 3, day: 1 });
    expect(msFromFields(2026, 3, 8, 24, 0, 0)).toBe(Date.UTC(2026, 2, 9));
  });

  test('real dates, month lengths, day of year, weekdays and names', () => {
    expect([isRealDate(2024, 2, 29), isRealDate(2100, 2, 29), isRealDate(2026, 4, 31), isRealDate(2026, 13, 1), isRealDate(2026, 1, 0)])
      .toEqual([true, false, false, false, false]);
    expect([daysInMonth(2024, 2), daysInMonth(2100, 2), daysInMonth(2000, 2), daysInMonth(2026, 12)]).toEqual([29, 28, 29, 31]);
    expect([dayOfYear(2026, 1, 1), dayOfYear(2024, 12, 31)]).toEqual([1, 366]);
    expect(weekdayOf(2026, 3, 8)).toBe(0);
    expect([MONTH_NAMES[0], MONTH_NAMES[11], WEEKDAY_NAMES[0], WEEKDAY_ABBREVIATIONS[6]]).toEqual(['January', 'December', 'Sunday', 'Sat']);
  });
});

describe('the one RFC 3339 grammar', () => {
  test('accepts T, t or a space, Z, z or an offset, and fractions (kept to the millisecond)', () => {
    expect(parseRfc3339('2026-03-08T01:30:00+09:00')).toEqual({
      time: { year: 2026, month: 3, day: 8, hour: 1, minute: 30, second: 0, millisecond: 0, offsetMinutes: 540 },
    });
    expect(parseRfc3339Instant('2026-03-08t01:30:00z')).toBe(Date.parse('2026-03-08T01:30:00Z'));
    expect(parseRfc3339Instant('2026-03-08 01:30:00-05:30')).toBe(Date.parse('2026-03-08T07:00:00Z'));
    expect(parseRfc3339Instant('2026-03-08T01:30:00.123456Z')).toBe(Date.parse('2026-03-08T01:30:00.123Z'));
    expect(parseRfc3339Instant('2026-03-08T01:30:00.5Z')).toBe(Date.parse('2026-03-08T01:30:00.500Z'));
    expect(instantOf({ year: 50, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0, offsetMinutes: 0 }))
      .toBe(daysFromCivil(50, 1, 1) * 86_400_000);
  });

  test.each([
    ['2026-03-08T01:30Z', 'is not an RFC 3339 timestamp with date, time and offset'], // seconds are required
    ['2026-03-08T01:30:00', 'is not an RFC 3339 timestamp with date, time and offset'], // so is the offset
    ['2026-03-08', 'is not an RFC 3339 timestamp with date, time and offset'],
    ['2026-03-08T01:30:00+0900', 'is not an RFC 3339 timestamp with date, time and offset'],
    [' 2026-03-08T01:30:00Z', 'is not an RFC 3339 timestamp with date, time and offset'],
    ['2026-02-30T00:00:00Z', 'is not a real calendar date'],
    ['2026-13-01T00:00:00Z', 'is not a real calendar date'],
    ['2026-03-08T24:00:00Z', 'is not a real time of day'],
    ['2026-03-08T23:59:60Z', 'is not a real time of day'], // leap seconds: Go rejects them too
    ['2026-03-08T01:30:00+24:00', 'has an offset outside -23:59..+23:59'],
  ])('rejects %s: %s', (text, problem) => {
    expect(parseRfc3339(text)).toEqual({ problem });
    expect(parseRfc3339Instant(text)).toBeUndefined();
  });
});
