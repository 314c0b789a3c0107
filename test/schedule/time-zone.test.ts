import { BatchValidationError } from '../../src/errors';
import { TimeZone } from '../../src/schedule';
import { TZDATA_NAMES } from '../../src/schedule/tz-names';

describe('TimeZone.of accepts', () => {
  test.each([
    ['UTC', 'UTC'],
    ['Europe/Berlin', 'Europe/Berlin'],
    ['America/New_York', 'America/New_York'],
    ['America/Argentina/Buenos_Aires', 'America/Argentina/Buenos_Aires'],
    ['Asia/Kolkata', 'Asia/Kolkata'],
    ['Antarctica/DumontDUrville', 'Antarctica/DumontDUrville'], // a 14-letter part, the most Kubernetes allows
    // Links (aliases) load in Go too and are emitted as written.
    ['US/Eastern', 'US/Eastern'],
    ['Asia/Calcutta', 'Asia/Calcutta'],
    ['GMT', 'GMT'],
    ['EST', 'EST'],
    ['Etc/GMT+5', 'Etc/GMT+5'],
    ['Etc/GMT-14', 'Etc/GMT-14'],
    // Whole-hour offsets map to Etc/GMT with the sign inverted.
    ['UTC+9', 'Etc/GMT-9'],
    ['UTC-05:00', 'Etc/GMT+5'],
    ['GMT+3', 'Etc/GMT-3'],
    ['utc+0900', 'Etc/GMT-9'],
    ['UTC+14', 'Etc/GMT-14'],
    ['UTC-12', 'Etc/GMT+12'],
    ['UTC+0', 'UTC'],
    ['GMT-00:00', 'UTC'],
  ])('%j → %j', (input, name) => {
    expect(TimeZone.of(input).name).toBe(name);
  });

  test('TimeZone.UTC', () => {
    expect(TimeZone.UTC.name).toBe('UTC');
  });
});

describe('TimeZone.of rejects', () => {
  test.each([
    ['', 'timeZone: is empty (got ""). Use an IANA name such as "Europe/Berlin" or "UTC", or leave timeZone unset for UTC.'],
    ['Local', 'timeZone: names the machine-dependent local zone, which Kubernetes rejects (got "Local"). Use an explicit IANA name such as "Europe/Berlin" (https://www.iana.org/time-zones).'],
    ['local', 'timeZone: names the machine-dependent local zone, which Kubernetes rejects (got "local"). Use an explicit IANA name such as "Europe/Berlin" (https://www.iana.org/time-zones).'],
    ['UTC+5:30', 'timeZone: is not a whole-hour offset (got "UTC+5:30"). Only whole-hour offsets have a fixed zone (Etc/GMT-14 to Etc/GMT+12); use the IANA zone of the place instead, e.g. "Asia/Kolkata" for UTC+05:30.'],
    ['GMT+0545', 'timeZone: is not a whole-hour offset (got "GMT+0545"). Only whole-hour offsets have a fixed zone (Etc/GMT-14 to Etc/GMT+12); use the IANA zone of the place instead, e.g. "Asia/Kolkata" for UTC+05:30.'],
    ['UTC+15', 'timeZone: is beyond the fixed-offset zones that exist (got "UTC+15"). Whole-hour offsets exist from UTC-12 to UTC+14.'],
    ['UTC-13', 'timeZone: is beyond the fixed-offset zones that exist (got "UTC-13"). Whole-hour offsets exist from UTC-12 to UTC+14.'],
    ['Etc/GMT+13', 'timeZone: is not a time zone that Kubernetes can load (got "Etc/GMT+13"). Use an IANA name such as "Europe/Berlin" or a whole-hour offset such as "UTC+9".'],
    ['america/new_york', 'timeZone: is not a time zone that Kubernetes can load (got "america/new_york"). Names are case-sensitive: use "America/New_York".'],
    ['PST', 'timeZone: is not a time zone that Kubernetes can load (got "PST"). "PST" is an ICU alias, not an IANA name; use "America/Los_Angeles" (or the IANA name of the place).'],
    ['US/Pacific-New', 'timeZone: is not a time zone that Kubernetes can load (got "US/Pacific-New"). "US/Pacific-New" is an ICU alias, not an IANA name; use "America/Los_Angeles" (or the IANA name of the place).'],
    ['Mars/Olympus', 'timeZone: is not a time zone that Kubernetes can load (got "Mars/Olympus"). Use an IANA name such as "Europe/Berlin" or a whole-hour offset such as "UTC+9".'],
    ['Factory', 'timeZone: is not a time zone that Kubernetes can load (got "Factory"). Use an IANA name such as "Europe/Berlin" or a whole-hour offset such as "UTC+9".'],
    ['+09:00', 'timeZone: is not a valid IANA time zone name (got "+09:00"). Each part between slashes has 1 to 14 letters, digits or ".-_+" and does not start with "-", e.g. "America/New_York".'],
    ['Europe/Berlin ', 'timeZone: is not a valid IANA time zone name (got "Europe/Berlin "). Each part between slashes has 1 to 14 letters, digits or ".-_+" and does not start with "-", e.g. "America/New_York".'],
    ['America/Very_Long_City_Name', 'timeZone: is not a valid IANA time zone name (got "America/Very_Long_City_Name"). Each part between slashes has 1 to 14 letters, digits or ".-_+" and does not start with "-", e.g. "America/New_York".'],
    ['../etc/passwd', 'timeZone: is not a valid IANA time zone name (got "../etc/passwd"). Each part between slashes has 1 to 14 letters, digits or ".-_+" and does not start with "-", e.g. "America/New_York".'],
    ['Europe//Berlin', 'timeZone: is not a valid IANA time zone name (got "Europe//Berlin"). Each part between slashes has 1 to 14 letters, digits or ".-_+" and does not start with "-", e.g. "America/New_York".'],
    ['-Europe', 'timeZone: is not a valid IANA time zone name (got "-Europe"). Each part between slashes has 1 to 14 letters, digits or ".-_+" and does not start with "-", e.g. "America/New_York".'],
  ])('%j', (input, message) => {
    expect(() => TimeZone.of(input).name).toThrow(BatchValidationError);
    expect(() => TimeZone.of(input).name).toThrow(message);
  });
});

describe('the embedded tzdata name list', () => {
  test('holds the usual zones and links and no ICU-only names', () => {
    expect(TZDATA_NAMES.size).toBeGreaterThan(590);
    for (const name of ['UTC', 'Etc/UTC', 'Europe/Kyiv', 'America/Ciudad_Juarez', 'Asia/Tokyo', 'US/Pacific', 'Etc/GMT-14', 'Etc/GMT+12']) {
      expect(TZDATA_NAMES.has(name)).toBe(true);
    }
    for (const name of ['PST', 'IST', 'JST', 'SystemV/AST4', 'Factory', 'Local']) {
      expect(TZDATA_NAMES.has(name)).toBe(false);
    }
  });

  test('every listed name passes Kubernetes\' own name check and this Node.js can compute with it', () => {
    const part = /^[A-Za-z.\-_0-9+]{1,14}$/;
    for (const name of TZDATA_NAMES) {
      expect(name.split('/').every(p => part.test(p) && !p.startsWith('-'))).toBe(true);
      expect(TimeZone.of(name).name).toBe(name);
    }
  });
});
