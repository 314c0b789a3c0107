/**
 * Reading flag values into checked values, and writing `-o json|yaml`. Each error names the
 * flag, the value and the fix;
 * zone names are checked by the core (TimeZone.of), whose message is kept with the flag's name
 * in front instead of the construct prop's.
 */
import type * as Yaml from 'yaml';
import { UsageError } from './errors';
import { BatchValidationError } from '../../../src/errors';
import { TimeZone } from '../../../src/schedule';

// Loaded when YAML is printed: most runs never do, and it is slow to load (issue 17).
let yamlModule: typeof Yaml | undefined;
function yaml(): typeof Yaml {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return yamlModule ??= require('yaml') as typeof Yaml;
}

/** Output formats of commands that print data. */
export const OUTPUT_FORMATS = ['text', 'json', 'yaml'] as const;
export type OutputFormat = typeof OUTPUT_FORMATS[number];

/** `data` as JSON (two-space indent) or YAML (lines never folded), with a final newline. */
export function formatData(format: 'json' | 'yaml', data: unknown): string {
  // YAML 1.1 rules: a string that a 1.1 reader would take for a date, yes/no or a number is quoted,
  // as cdk8s synth quotes it.
  return format === 'json' ? `${JSON.stringify(data, null, 2)}\n` : yaml().stringify(data, { lineWidth: 0, version: '1.1' });
}

/** A whole number from `min` to `max`. */
export function parseWholeNumber(flag: string, value: string, min: number, max: number): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(`${flag}: must be a whole number from ${min} to ${max} (got "${value}"). Write e.g. ${flag} ${Math.min(max, Math.max(min, 3))}.`);
  }
  return n;
}

/** The IANA name for a zone flag (offsets such as UTC+9 become their Etc/GMT zone, as in TimeZone.of). */
export function parseTimeZone(flag: string, value: string): string {
  try {
    return TimeZone.of(value).name;
  } catch (e) {
    if (e instanceof BatchValidationError) {
      throw new BatchValidationError(flag, e.value, e.problem, e.fix);
    }
    throw e;
  }
}

/** Fails when a flag that only means something with `mode` is given without it. */
export function requireMode(flag: string, value: unknown, mode: string, fix: string): void {
  if (value !== undefined) {
    throw new UsageError(`${flag}: only applies with ${mode} (got ${JSON.stringify(value)}). ${fix}`);
  }
}
