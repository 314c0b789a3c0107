import * as fc from 'fast-check';
import { BatchValidationError } from '../../src/errors';
import { nextRuns, Schedule } from '../../src/schedule';
import { FIELD_SPECS, FieldSpec } from '../../src/schedule/fields';
import { MacroStyle, parseCron } from '../../src/schedule/grammar';
import { fieldValues } from '../../src/schedule/resolve';

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
    return Schedule.cron(expression);
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
      const parsed = parseCron(resolved, { allowHash: false, macroStyle: MacroStyle.PLAIN });
      parsed.fields.forEach(field => {
        for (const token of field.tokens) {
          if (token.kind === 'values') {
            // Kubernetes rejects weekday 7, so it is never emitted.
            expect(token.start).toBeGreaterThanOrEqual(field.spec.min);
            expect(token.end).toBeLessThanOrEqual(field.spec.max);
          }
        }
        const values = [...fieldValues(field)];
        expect(values.length).toBeGreaterThan(0);
        expect(Math.min(...values)).toBeGreaterThanOrEqual(field.spec.min);
        expect(Math.max(...values)).toBeLessThanOrEqual(field.spec.max);
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
      const field = parseCron(resolved, { allowHash: false, macroStyle: MacroStyle.PLAIN }).fields[index];
      const values = [...fieldValues(field)].sort((a, b) => a - b);
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

  test('next runs in UTC are increasing and fall on the resolved minutes, hours and months', () => {
    fc.assert(fc.property(hashedExpression, seed, fc.date({ min: new Date('2000-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }), (expression, s, from) => {
      const resolved = scheduleOf(expression).resolve(s);
      const fields = parseCron(resolved, { allowHash: false, macroStyle: MacroStyle.PLAIN }).fields.map(f => fieldValues(f));
      const runs = nextRuns(resolved, { count: 3, from });
      expect(runs.length).toBeGreaterThan(0);
      let previous = from.getTime();
      for (const run of runs) {
        expect(run.getTime()).toBeGreaterThan(previous);
        previous = run.getTime();
        expect(run.getUTCSeconds()).toBe(0);
        expect(fields[0].has(run.getUTCMinutes())).toBe(true);
        expect(fields[1].has(run.getUTCHours())).toBe(true);
        expect(fields[3].has(run.getUTCMonth() + 1)).toBe(true);
        expect(fields[2].has(run.getUTCDate()) || fields[4].has(run.getUTCDay())).toBe(true);
      }
    }), { numRuns: 150 });
  });
});
