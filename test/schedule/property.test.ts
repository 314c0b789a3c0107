import * as fc from 'fast-check';
import { BatchValidationError } from '../../src/errors';
import { nextRuns, Schedule } from '../../src/schedule';
import { FIELD_SPECS, FieldSpec } from '../../src/schedule/fields';
import { oracleFieldValues, oracleRuns } from '../support/cron-oracle';

const RUNS = { numRuns: 400 };

/** A bound pair lo <= hi inside the field. */
function boundsIn(spec: FieldSpec): fc.Arbitrary<[number, number]> {
  return fc.tuple(fc.integer({ min: spec.min, max: spec.max }), fc.integer({ min: spec.min, max: spec.max }))
    .map(([a, b]) => [Math.min(a, b), Math.max(a, b)] as [number, number]);
}

function hashToken(spec: FieldSpec): fc.Arbitrary<string> {
  const size = spec.max - spec.min + 1;
  return fc.oneof(
    fc.constant('H'),
    boundsIn(spec).map(([lo, hi]) => `H(${lo}-${hi})`),
    fc.integer({ min: 1, max: size }).map(n => `H/${n}`),
    boundsIn(spec).chain(([lo, hi]) => fc.integer({ min: 1, max: hi - lo + 1 }).map(n => `H(${lo}-${hi})/${n}`)),
  );
}

function plainToken(spec: FieldSpec): fc.Arbitrary<string> {
  const size = spec.max - spec.min + 1;
  return fc.oneof(
    fc.constant('*'),
    fc.integer({ min: spec.min, max: spec.max }).map(String),
    boundsIn(spec).map(([lo, hi]) => `${lo}-${hi}`),
    fc.integer({ min: 1, max: size }).map(n => `*/${n}`),
    boundsIn(spec).chain(([lo, hi]) => fc.integer({ min: 1, max: size }).map(n => `${lo}-${hi}/${n}`)),
  );
}

function fieldText(spec: FieldSpec): fc.Arbitrary<string> {
  const item = fc.oneof({ weight: 3, arbitrary: hashToken(spec) }, { weight: 1, arbitrary: plainToken(spec) });
  return fc.oneof(fc.constant('*'), fc.array(item, { minLength: 1, maxLength: 3 }).map(items => items.join(',')));
}

const hashedExpression = fc.tuple(...FIELD_SPECS.map(fieldText))
  .map(fields => fields.join(' '))
  .filter(expression => expression.includes('H'));

const seed = fc.oneof(
  fc.string({ minLength: 1, maxLength: 80 }),
  fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }),
  fc.tuple(fc.stringMatching(/^[a-z0-9-]{1,20}$/), fc.stringMatching(/^[a-z0-9-]{1,40}$/)).map(([ns, name]) => `${ns}/${name}`),
);

/** Builds the schedule, or discards the case when it can never fire for some seed (a valid rejection). */
function scheduleOf(expression: string): Schedule {
  try {
    const schedule = Schedule.cron(expression);
    // A schedule reports its problem when used (so a construct can locate it): use it now.
    void schedule.isHashed;
    return schedule;
  } catch (e) {
    if (e instanceof BatchValidationError && /can never fire/.test(e.message)) {
      fc.pre(false);
    }
    throw e;
  }
}

describe('hash resolution properties', () => {
  test('is deterministic', () => {
    fc.assert(fc.property(hashedExpression, seed, (expression, s) => {
      const first = scheduleOf(expression).resolve(s);
      expect(Schedule.cron(expression).resolve(s)).toBe(first);
      expect(Schedule.hashed(expression).resolve(s)).toBe(first);
    }), RUNS);
  });

  test('every resolved field parses back through the strict (H-free) grammar, with values inside the field', () => {
    fc.assert(fc.property(hashedExpression, seed, (expression, s) => {
      const resolved = scheduleOf(expression).resolve(s);
      // Only what robfig ParseStandard reads: *, ?, numbers, ranges and steps (and names, not produced here).
      expect(resolved).toMatch(/^([*?]|\d+(-\d+)?)(\/\d+)?(,([*?]|\d+(-\d+)?)(\/\d+)?)*( ([*?]|\d+(-\d+)?)(\/\d+)?(,([*?]|\d+(-\d+)?)(\/\d+)?)*){4}$/);
      resolved.split(' ').forEach((field, index) => {
        const spec = FIELD_SPECS[index];
        // Every number written is inside the field (Kubernetes rejects weekday 7, so it is never emitted).
        for (const n of field.match(/\d+/g) ?? []) {
          if (!field.includes(`/${n}`)) {
            expect(Number(n)).toBeGreaterThanOrEqual(spec.min);
            expect(Number(n)).toBeLessThanOrEqual(spec.max);
          }
        }
        const values = oracleFieldValues(resolved, index);
        expect(values.length).toBeGreaterThan(0);
        expect(Math.min(...values)).toBeGreaterThanOrEqual(spec.min);
        expect(Math.max(...values)).toBeLessThanOrEqual(spec.max);
      });
    }), RUNS);
  });

  test('a field holding one H item obeys that item\'s definition', () => {
    const single = fc.integer({ min: 0, max: 4 }).chain(index =>
      hashToken(FIELD_SPECS[index]).map(token => ({ index, token })));
    fc.assert(fc.property(single, seed, ({ index, token }, s) => {
      const spec = FIELD_SPECS[index];
      const fields = ['*', '*', '*', '*', '*'];
      fields[index] = token;
      const resolved = scheduleOf(fields.join(' ')).resolve(s);
      const values = oracleFieldValues(resolved, index);
      const match = /^H(?:\((\d+)-(\d+)\))?(?:\/(\d+))?$/.exec(token)!;
      const lo = match[1] === undefined ? undefined : Number(match[1]);
      const hi = match[2] === undefined ? undefined : Number(match[2]);
      const step = match[3] === undefined ? undefined : Number(match[3]);
      if (step === undefined) {
        expect(values).toHaveLength(1);
        expect(values[0]).toBeGreaterThanOrEqual(lo ?? spec.min);
        expect(values[0]).toBeLessThanOrEqual(hi ?? spec.hashMax);
        return;
      }
      const first = lo ?? 0;
      const last = hi ?? spec.max;
      // A progression with the given step that starts in the first step-wide window (or, after
      // dropping an out-of-range 0, in the second) and runs to the end of its range.
      values.slice(1).forEach((v, i) => expect(v - values[i]).toBe(step));
      expect(values[0]).toBeGreaterThanOrEqual(Math.max(first, spec.min));
      expect(values[0]).toBeLessThan(first + step + (first < spec.min ? step : 0));
      expect(values[values.length - 1]).toBeLessThanOrEqual(last);
      expect(values[values.length - 1] + step).toBeGreaterThan(last);
    }), RUNS);
  });

  // Zones without a clock change from 2000 to 2090, so the oracle can read them at a fixed offset.
  const fixedZones: Array<[string, number]> = [['UTC', 0], ['Etc/GMT-9', 540], ['Etc/GMT+5', -300], ['Asia/Kolkata', 330], ['Asia/Kathmandu', 345]];
  const zone = fc.constantFrom(...fixedZones);
  const from = fc.date({ min: new Date('2000-01-01'), max: new Date('2090-01-01'), noInvalidDate: true });
  /** 400 days of minutes: the oracle looks at each one. */
  const HORIZON = 400 * 24 * 60;

  function expectOracleAgrees(resolved: string, [name, offsetMinutes]: [string, number], start: Date): void {
    const runs = nextRuns(resolved, { count: 3, from: start, timeZone: name });
    const expected = oracleRuns(resolved, { from: start, count: 3, clock: { offsetMinutes }, horizonMinutes: HORIZON });
    const end = start.getTime() + (HORIZON + 1) * 60_000;
    // The library searches five years, the oracle 400 days: compare what falls inside the oracle's horizon.
    expect(runs.filter(r => r.getTime() < end).map(r => r.toISOString())).toEqual(expected.map(r => r.toISOString()));
    expect(runs.length).toBeGreaterThanOrEqual(expected.length);
  }

  test('next runs of hashed schedules equal the brute-force oracle\'s, minute by minute', () => {
    fc.assert(fc.property(hashedExpression, seed, zone, from, (expression, s, z, start) => {
      expectOracleAgrees(scheduleOf(expression).resolve(s), z, start);
    }), { numRuns: 150 });
  });

  test('next runs of plain schedules equal the oracle\'s, including the day-of-month/day-of-week rule', () => {
    // Day fields drawn so that both restricted, one unrestricted (*, ?, */1) and */2-like steps all occur.
    const dayField = (spec: FieldSpec) => fc.oneof(
      fc.constantFrom('*', '?', '*/1', '*/2', `*/${spec.max === 31 ? 7 : 3}`),
      fc.array(plainToken(spec), { minLength: 1, maxLength: 2 }).map(items => items.join(',')),
    );
    const expression = fc.tuple(
      fc.oneof(fc.constantFrom('0', '*/15', '5,35'), plainToken(FIELD_SPECS[0])),
      fc.oneof(fc.constantFrom('0', '*', '9-17'), plainToken(FIELD_SPECS[1])),
      dayField(FIELD_SPECS[2]),
      fc.oneof({ weight: 3, arbitrary: fc.constant('*') }, { weight: 1, arbitrary: plainToken(FIELD_SPECS[3]) }),
      fc.oneof(dayField(FIELD_SPECS[4]), fc.constantFrom('MON-FRI', 'sun', '5-7', '7')),
    ).map(fields => fields.join(' '));
    fc.assert(fc.property(expression, zone, from, (e, z, start) => {
      fc.pre(canFire(e));
      expectOracleAgrees(e, z, start);
    }), { numRuns: 250 });
  });
});

/** Whether the expression is valid and can fire (the library rejects the rest, e.g. `0 0 30 2 *`). */
function canFire(expression: string): boolean {
  try {
    Schedule.cron(expression);
    return true;
  } catch (e) {
    if (e instanceof BatchValidationError) {
      return false;
    }
    throw e;
  }
}
