import * as fc from 'fast-check';
import { BatchValidationError } from '../../src/errors';
import { BoolFormat, JobOption, JobOptionSet, Substitution } from '../../src/options';

/** The rendered value, or the exact error message, so that two renderings can be compared whatever happens. */
function outcome(render: () => string): string {
  try {
    return `OK ${render()}`;
  } catch (e) {
    if (!(e instanceof BatchValidationError)) {
      throw e;
    }
    return `ERROR ${e.message}`;
  }
}

const nameArb = fc.stringMatching(/^[a-zA-Z_0-9.-]{1,12}$/);
const valuesArb = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }).filter((v) => !v.includes(',')), { minLength: 1, maxLength: 5 });

const optionArb: fc.Arbitrary<JobOption> = fc.oneof(
  fc.record({
    name: nameArb,
    required: fc.boolean(),
    trimSpaces: fc.boolean(),
    default: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }),
    pattern: fc.option(fc.constantFrom('[a-z ]*', '\\S+', '.*'), { nil: undefined }),
  }).filter((p) => p.pattern === undefined || p.default === undefined).map((p) => JobOption.string(p)),
  fc.record({
    name: nameArb,
    default: fc.boolean(),
    format: fc.constantFrom(BoolFormat.TRUE_FALSE, BoolFormat.ONE_ZERO, BoolFormat.YES_NO),
  }).map((p) => JobOption.bool(p)),
  fc.record({ name: nameArb, trueValue: fc.string({ maxLength: 4 }), falseValue: fc.string({ maxLength: 4 }) })
    .filter((p) => p.trueValue !== p.falseValue)
    .map((p) => JobOption.bool({ ...p, format: BoolFormat.CUSTOM })),
  fc.tuple(nameArb, valuesArb, fc.boolean(), fc.boolean(), fc.nat()).map(([name, values, allowCustom, required, pick]) =>
    JobOption.select({ name, values, allowCustom, required, default: pick % 2 === 0 ? values[pick % values.length] : undefined })),
  fc.tuple(nameArb, valuesArb, fc.boolean(), fc.boolean(), fc.constantFrom(',', ' ', '|', ';', ''), fc.nat()).map(
    ([name, values, allowCustom, required, delimiter, count]) => JobOption.multi({
      name,
      values: delimiter === '' ? values : values.filter((v) => !v.includes(delimiter)).concat(['x'.repeat(7)]),
      allowCustom,
      required,
      delimiter,
      defaults: values.filter((v) => delimiter === '' || !v.includes(delimiter)).slice(0, count % 3),
    })),
  fc.record({
    name: nameArb,
    required: fc.boolean(),
    format: fc.option(fc.constantFrom('YYYY-MM-DD', 'D MMM YYYY', 'X', 'dddd Do [of] MMMM, h:mm a ZZ'), { nil: undefined }),
  }).map((p) => JobOption.date(p)),
  fc.tuple(nameArb, fc.integer({ min: -50, max: 50 }), fc.integer({ min: 0, max: 100 }), fc.boolean(), fc.boolean()).map(
    ([name, min, span, hasDefault, required]) =>
      JobOption.int({ name, min, max: min + span, required, default: hasDefault ? min + span : undefined })),
);

/** Raw values a user might type: junk, near misses and valid inputs of every type. */
const rawValueArb: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('', ' ', 'true', 'false', 'yes', '1', '0', '-7', '+42', '1e3', 'a,b', '["a","b"]', '[]', 'x,,y'),
  fc.string({ maxLength: 10 }),
  fc.integer({ min: -200, max: 200 }).map(String),
  fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
);

describe('properties', () => {
  test('an option rebuilt from its JSON schema renders every value exactly like the original', () => {
    fc.assert(fc.property(optionArb, rawValueArb, (option, value) => {
      const reread = JobOption.fromSchema(JSON.parse(JSON.stringify(option.toSchema())));
      expect(reread.toSchema()).toEqual(option.toSchema());
      expect(outcome(() => reread.render(value))).toBe(outcome(() => option.render(value)));
    }), { numRuns: 2000 });
  });

  test('a set renders a value exactly like the option alone', () => {
    fc.assert(fc.property(optionArb, rawValueArb, (option, value) => {
      const set = new JobOptionSet([option]);
      const alone = outcome(() => option.render(value));
      const inSet = outcome(() => set.render(value === undefined ? {} : { [option.name]: value })[option.name]);
      expect(inSet).toBe(alone);
    }), { numRuns: 500 });
  });

  test('an Int renders every value inside its bounds as itself and rejects every value outside', () => {
    const bounds = fc.tuple(fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1000 }));
    fc.assert(fc.property(bounds, fc.integer({ min: -3000, max: 3000 }), ([min, span], n) => {
      const option = JobOption.int({ name: 'n', min, max: min + span });
      const inside = n >= min && n <= min + span;
      const rendered = outcome(() => option.render(String(n)));
      if (inside) {
        expect(rendered).toBe(`OK ${n}`);
      } else {
        expect(rendered).toMatch(/^ERROR option "n": is (less than the minimum|greater than the maximum) /);
      }
    }));
  });

  test('a Date keeps the instant and the offset it was given in', () => {
    const unixMs = JobOption.date({ name: 'd', format: 'x' });
    const asWritten = JobOption.date({ name: 'd', format: 'YYYY-MM-DDTHH:mm:ss.SSSZ' });
    fc.assert(fc.property(
      fc.date({ min: new Date('0002-01-01T00:00:00Z'), max: new Date('9998-12-31T23:59:59Z'), noInvalidDate: true }),
      fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
      (instant, offsetMinutes) => {
        const wall = new Date(instant.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 23);
        const sign = offsetMinutes < 0 ? '-' : '+';
        const abs = Math.abs(offsetMinutes);
        const text = `${wall}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
        expect(unixMs.render(text)).toBe(String(instant.getTime()));
        expect(asWritten.render(text)).toBe(text);
      },
    ), { numRuns: 1000 });
  });

  test('substituted values are never scanned again', () => {
    fc.assert(fc.property(fc.string(), fc.string(), (value, other) => {
      const scopes = { options: { a: value, b: other }, matrix: { k: other } };
      expect(Substitution.inText('<${option.a}>', scopes)).toBe(`<${value}>`);
    }));
  });

  test('text without "$" passes unchanged, and $${ always writes a literal ${', () => {
    fc.assert(fc.property(fc.string().filter((t) => !t.includes('$')), nameArb, (text, name) => {
      expect(Substitution.inText(text, {})).toBe(text);
      expect(Substitution.inText(`${text}$\${option.${name}}`, {})).toBe(`${text}\${option.${name}}`);
    }));
  });
});
