import { BatchValidationError } from '../errors';
import { FieldSpec, MONTH_LENGTHS } from './fields';
import { MONTH_NAMES } from '../time';
import { CronToken, hasStarBit, ParsedCron, ParsedField, plainTokenValues } from './grammar';
import { fieldHash, hashInput, hashTokenValues, signedBigInt } from './hash';
import { HashExplanation } from './hash-explanation';
import { Hash64 } from './xxh64';

/**
 * Turning a parsed (possibly hashed) expression into the concrete text that
 * goes into `spec.schedule`.
 *
 * Rendering decision: fields without `H` (and without weekday 7) are emitted
 * exactly as written, so names, ranges and steps stay readable in the YAML. In a
 * field that needs rewriting, each list item is rendered on its own:
 * - an `H` item becomes its values: one value as `N`, two as `A,B`, three or
 *   more (always an arithmetic progression) as `FIRST-LAST/STEP` (`FIRST-LAST`
 *   for step 1), where LAST is the last value that fires. robfig reads
 *   `FIRST-LAST/STEP` as exactly that set, and it is shorter than a list.
 * - an item that uses weekday 7 becomes its value set with 7 folded into 0,
 *   ascending, runs of three or more as `A-B` (`5-7` → `0,5,6`), because
 *   Kubernetes rejects 7.
 * Items keep their order (exact duplicates dropped) and fields are joined by
 * single spaces, so the same input always gives the same bytes.
 */

export interface ResolvedField {
  readonly parsed: ParsedField;
  /** The field as emitted. */
  readonly text: string;
  /** Set only for fields with `H`: the hashed string and its signed XXH64. */
  readonly hash?: { readonly input: string; readonly signed: bigint };
}

export interface ResolvedCron {
  readonly expression: string;
  readonly fields: readonly ResolvedField[];
}

/** Resolves every `H` with `seed` and renders the five fields, with what was hashed (for explanations). */
export function resolveCron(parsed: ParsedCron, seed: string): ResolvedCron {
  const fields = parsed.fields.map(field => resolveField(field, seed));
  return { expression: fields.map(f => f.text).join(' '), fields };
}

/** `resolveCron(parsed, seed).expression`, without the explanation's objects (`Schedule.resolve` runs per workload). */
export function resolveExpression(parsed: ParsedCron, seed: string): string {
  const [minute, hour, dayOfMonth, month, dayOfWeek] = parsed.fields;
  return `${fieldText(minute, seed)} ${fieldText(hour, seed)} ${fieldText(dayOfMonth, seed)} ${fieldText(month, seed)} ${fieldText(dayOfWeek, seed)}`;
}

/** The values a field stands for once resolved; `signedHash` is required when the field holds `H`. */
export function fieldValues(field: ParsedField, signedHash?: Hash64): Set<number> {
  const values = new Set<number>();
  for (const token of field.tokens) {
    for (const v of tokenValues(token, field.spec, signedHash)) {
      values.add(v);
    }
  }
  return values;
}

/**
 * Rejects schedules that can never fire, which Kubernetes accepts and then
 * never runs (e.g. `0 0 30 2 *`). That happens only when day-of-month is
 * restricted and day-of-week is `*` (robfig ANDs them then; otherwise a
 * weekday always matches). With `H`, every possible hash outcome of each item
 * is considered, so a schedule is rejected if some seed would break it.
 */
export function assertCanFire(parsed: ParsedCron): void {
  const dom = parsed.fields[2];
  const month = parsed.fields[3];
  const dow = parsed.fields[4];
  if (hasStarBit(dom) || !hasStarBit(dow)) {
    return;
  }
  // The schedule fires iff the smallest chosen day exists in the longest chosen month.
  const latestFirstDay = Math.min(...dom.tokens.map(t => worstCase(t, dom.spec, vs => Math.min(...vs), 'max')));
  const longestMonth = Math.max(...month.tokens.map(t => worstCase(t, month.spec, vs => Math.max(...vs.map(m => MONTH_LENGTHS[m - 1])), 'min')));
  if (latestFirstDay <= longestMonth) {
    return;
  }
  const hashed = [dom, month].some(f => f.tokens.some(t => t.kind === 'hash'));
  const months = month.tokens.some(t => t.kind === 'hash')
    ? `month ${month.text}`
    : joinWords([...fieldValues(month)].sort((a, b) => a - b).map(m => MONTH_NAMES[m - 1]), 'or');
  const problem = hashed
    ? `can never fire for some seeds: there may be no day-of-month ${dom.text} in ${months}`
    : `can never fire: there is no day-of-month ${dom.text} in ${months}`;
  const fix = hashed
    ? 'Keep hashed days within every chosen month, e.g. H or H(1-28) (February has 29 days at most; April, June, September and November have 30).'
    : 'Pick a day-of-month that exists in those months (February has 29 days at most; April, June, September and November have 30).';
  throw new BatchValidationError('schedule', parsed.source, problem, fix);
}

/** `a`, `a or b`, `a, b or c`. */
export function joinWords(words: readonly string[], conjunction: string): string {
  if (words.length <= 1) {
    return words.join('');
  }
  return `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1]}`;
}

function resolveField(field: ParsedField, seed: string): ResolvedField {
  const text = fieldText(field, seed);
  if (!isHashed(field)) {
    return { parsed: field, text };
  }
  return { parsed: field, text, hash: { input: hashInput(seed, field.spec.field), signed: signedBigInt(fieldHash(seed, field.spec.field)) } };
}

/** What a field needs, found once per parsed field. */
interface FieldPlan {
  readonly hashed: boolean;
  readonly needsRewrite: boolean;
}

const plans = new WeakMap<ParsedField, FieldPlan>();

function planOf(field: ParsedField): FieldPlan {
  let plan = plans.get(field);
  if (!plan) {
    const hashed = field.tokens.some(t => t.kind === 'hash');
    plan = { hashed, needsRewrite: hashed || field.tokens.some(t => usesSeven(t, field.spec)) };
    plans.set(field, plan);
  }
  return plan;
}

function isHashed(field: ParsedField): boolean {
  return planOf(field).hashed;
}

/** The field as emitted. */
function fieldText(field: ParsedField, seed: string): string {
  const plan = planOf(field);
  if (!plan.needsRewrite) {
    return field.text;
  }
  if (plan.hashed && seed === '') {
    throw new BatchValidationError('hashSeed', seed, 'is empty',
      'Pass a non-empty seed; by default it is NAMESPACE/NAME of the CronJob.');
  }
  const hash = plan.hashed ? fieldHash(seed, field.spec.field) : undefined;
  if (field.tokens.length === 1) {
    return renderToken(field.tokens[0], field.spec, hash);
  }
  // Distinct items only: `H,7` could otherwise render as `0,0`.
  return [...new Set(field.tokens.map(token => renderToken(token, field.spec, hash)))].join(',');
}

function renderToken(token: CronToken, spec: FieldSpec, signedHash: Hash64 | undefined): string {
  if (token.kind === 'hash') {
    return renderProgression(hashTokenValues(token, spec, signedHash!), token.step ?? 1);
  }
  if (usesSeven(token, spec)) {
    return renderValueSet(plainTokenValues(token, spec));
  }
  return token.text;
}

function tokenValues(token: CronToken, spec: FieldSpec, signedHash: Hash64 | undefined): number[] {
  if (token.kind === 'hash') {
    if (signedHash === undefined) {
      throw new Error(`internal: ${spec.field} holds H but no hash was given`);
    }
    return hashTokenValues(token, spec, signedHash);
  }
  return plainTokenValues(token, spec);
}

function usesSeven(token: CronToken, spec: FieldSpec): boolean {
  return spec.sevenIsSunday && token.kind === 'values' && token.end === 7;
}

function renderProgression(values: number[], step: number): string {
  if (values.length === 1) {
    return String(values[0]);
  }
  if (values.length === 2) {
    return `${values[0]},${values[1]}`;
  }
  const range = `${values[0]}-${values[values.length - 1]}`;
  return step === 1 ? range : `${range}/${step}`;
}

function renderValueSet(values: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < values.length;) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j] + 1) {
      j++;
    }
    if (j - i >= 2) {
      parts.push(`${values[i]}-${values[j]}`);
    } else {
      parts.push(...values.slice(i, j + 1).map(String));
    }
    i = j + 1;
  }
  return parts.join(',');
}

/**
 * The worst value of `measure` over every outcome an item can have. A plain
 * item has one outcome; an `H` item has one per hash residue, and trying
 * residues 0..max covers them all because every modulus is at most the
 * field's size.
 */
function worstCase(token: CronToken, spec: FieldSpec, measure: (values: number[]) => number, worst: 'min' | 'max'): number {
  if (token.kind !== 'hash') {
    return measure(plainTokenValues(token, spec));
  }
  const outcomes: number[] = [];
  for (let residue = 0; residue <= spec.max; residue++) {
    outcomes.push(measure(hashTokenValues(token, spec, { hi: 0, lo: residue })));
  }
  return worst === 'max' ? Math.max(...outcomes) : Math.min(...outcomes);
}

/** `explainHash` for an already parsed schedule. */
export function explainParsedHash(parsed: ParsedCron, seed: string): HashExplanation {
  const resolved = resolveCron(parsed, seed);
  return {
    expression: parsed.source,
    expandedExpression: parsed.expanded,
    seed,
    resolved: resolved.expression,
    fields: resolved.fields.map(f => ({
      field: f.parsed.spec.field,
      expression: f.parsed.text,
      resolved: f.text,
      hashInput: f.hash?.input,
      hashValue: f.hash?.signed.toString(),
    })),
  };
}
