import { BatchValidationError } from '../errors';
import { TZDATA_NAMES } from './tz-names';

const FIELD = 'timeZone';
// kube-apiserver's check on every `/`-separated part of spec.timeZone (validateTimeZone).
const COMPONENT = /^[A-Za-z.\-_0-9+]{1,14}$/;
const OFFSET = /^(UTC|GMT)([+-])(\d{1,2})(?::?(\d{2}))?$/i;
// Etc/GMT-14 .. Etc/GMT+12 are the only fixed-offset zones in tzdata.
const MAX_EAST_HOURS = 14;
const MAX_WEST_HOURS = 12;

/** The IANA name that `TimeZone.of(name)` emits; throws BatchValidationError otherwise. */
export function canonicalTimeZoneName(name: string): string {
  if (name === '') {
    throw new BatchValidationError(FIELD, name, 'is empty',
      'Use an IANA name such as "Europe/Berlin" or "UTC", or leave timeZone unset for UTC.');
  }
  if (name.toLowerCase() === 'local') {
    throw new BatchValidationError(FIELD, name, 'names the machine-dependent local zone, which Kubernetes rejects',
      'Use an explicit IANA name such as "Europe/Berlin" (https://www.iana.org/time-zones).');
  }
  // Real names first: GMT+0 and GMT-0 are tzdata links and stay as written.
  const offset = TZDATA_NAMES.has(name) ? null : OFFSET.exec(name);
  if (offset) {
    return offsetZone(name, offset[2], Number(offset[3]), offset[4]);
  }
  if (!name.split('/').every(part => COMPONENT.test(part) && part !== '.' && part !== '..' && !part.startsWith('-'))) {
    throw new BatchValidationError(FIELD, name, 'is not a valid IANA time zone name',
      'Each part between slashes has 1 to 14 letters, digits or ".-_+" and does not start with "-", e.g. "America/New_York".');
  }
  if (!TZDATA_NAMES.has(name)) {
    throw new BatchValidationError(FIELD, name, 'is not a time zone that Kubernetes can load', unknownZoneFix(name));
  }
  if (!intlKnows(name)) {
    throw new BatchValidationError(FIELD, name, 'is not in this Node.js time zone database',
      'Upgrade Node.js (its ICU data is older than the zone), or use an older name of the same zone.');
  }
  return name;
}

function offsetZone(name: string, sign: string, hours: number, minutes: string | undefined): string {
  if (minutes !== undefined && minutes !== '00') {
    throw new BatchValidationError(FIELD, name, 'is not a whole-hour offset',
      'Only whole-hour offsets have a fixed zone (Etc/GMT-14 to Etc/GMT+12); use the IANA zone of the place instead, e.g. "Asia/Kolkata" for UTC+05:30.');
  }
  if (hours === 0) {
    return 'UTC';
  }
  const east = sign === '+';
  if (hours > (east ? MAX_EAST_HOURS : MAX_WEST_HOURS)) {
    throw new BatchValidationError(FIELD, name, 'is beyond the fixed-offset zones that exist',
      'Whole-hour offsets exist from UTC-12 to UTC+14.');
  }
  // tzdata's POSIX-style names invert the sign: Etc/GMT-9 is nine hours east of UTC.
  return `Etc/GMT${east ? '-' : '+'}${hours}`;
}

function unknownZoneFix(name: string): string {
  const sameLetters = [...TZDATA_NAMES].find(known => known.toLowerCase() === name.toLowerCase());
  if (sameLetters) {
    return `Names are case-sensitive: use "${sameLetters}".`;
  }
  const icuName = intlKnows(name) ? new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone : undefined;
  if (icuName && TZDATA_NAMES.has(icuName)) {
    return `"${name}" is an ICU alias, not an IANA name; use "${icuName}" (or the IANA name of the place).`;
  }
  return 'Use an IANA name such as "Europe/Berlin" or a whole-hour offset such as "UTC+9".';
}

// Building a DateTimeFormat costs about 0.1 ms; a fleet asks about the same few zones thousands of times.
const intlAnswers = new Map<string, boolean>();

function intlKnows(name: string): boolean {
  let known = intlAnswers.get(name);
  if (known === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: name });
      known = true;
    } catch {
      known = false;
    }
    intlAnswers.set(name, known);
  }
  return known;
}
