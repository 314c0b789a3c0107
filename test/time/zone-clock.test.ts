import { intlOffsetAt, MS_PER_MINUTE, msFromFields, ZoneClock } from '../../src/time';

/**
 * The cached offsets against Intl itself, on every minute of a year in which
 * each zone changed its offset: DST in both hemispheres, a 30-minute DST
 * (Lord_Howe), a 45-minute zone (Chatham, and Kathmandu's 1986 move from +05:30
 * to +05:45), Kolkata's war-time +06:30 and Apia's skipped day.
 */
describe('ZoneClock.offsetAt equals Intl on every minute of a year', () => {
  // Kathmandu moved to +05:45 at local midnight, 1985-12-31T18:30Z: the UTC year 1985.
  const cases: Array<[string, number, number]> = [
    ['Asia/Kolkata', 1942, 1],
    ['Australia/Lord_Howe', 2025, 1],
    ['Asia/Kathmandu', 1985, 1],
    ['Pacific/Chatham', 2025, 1],
    // Every 15 minutes (each change falls on one), to keep the fast tier fast.
    ['America/Santiago', 2025, 15],
    ['Africa/Cairo', 2024, 15],
    ['Pacific/Apia', 2011, 15],
    ['America/New_York', 2026, 15],
  ];
  test.each(cases)('%s in %d, every %d minute(s)', (zone, year, step) => {
    const clock = new ZoneClock(zone);
    const start = msFromFields(year, 1, 1, 0, 0, 0);
    const end = msFromFields(year + 1, 1, 1, 0, 0, 0);
    let mismatches = 0;
    let first = '';
    for (let t = start; t < end; t += step * MS_PER_MINUTE) {
      if (clock.offsetAt(t) !== intlOffsetAt(zone, t)) {
        mismatches++;
        first ||= new Date(t).toISOString();
      }
    }
    expect({ mismatches, first }).toEqual({ mismatches: 0, first: '' });
    expect(clock.transitionsBetween(start, end).length).toBeGreaterThan(0);
  });

  test('the second a transition happens, and the wall clock on each side of it', () => {
    // Chatham: 02:45 +12:45 became 03:45 +13:45 on 2025-09-28, at 2025-09-27T14:00:00Z.
    const clock = new ZoneClock('Pacific/Chatham');
    const [t] = clock.transitionsBetween(Date.parse('2025-09-01T00:00:00Z'), Date.parse('2025-10-01T00:00:00Z'));
    expect(new Date(t.at).toISOString()).toBe('2025-09-27T14:00:00.000Z');
    expect([t.before / MS_PER_MINUTE, t.after / MS_PER_MINUTE]).toEqual([765, 825]);
    expect(clock.wall(t.at - 1000)).toEqual({ year: 2025, month: 9, day: 28, hour: 2, minute: 44, second: 59, weekday: 0 });
    expect(clock.wall(t.at)).toEqual({ year: 2025, month: 9, day: 28, hour: 3, minute: 45, second: 0, weekday: 0 });
  });

  test('UTC has no transitions and offset 0', () => {
    const clock = new ZoneClock('UTC');
    expect(clock.offsetAt(0)).toBe(0);
    expect(clock.transitionsBetween(0, Date.parse('2030-01-01T00:00:00Z'))).toEqual([]);
  });
});
