/**
 * A run's option values from the command line: `--values FILE` (a YAML or JSON map), then
 * `--set NAME=VALUE` on top. Values stay strings, as in a JobRun; checking them is the options
 * core's job (JobOptionSet), not this file's.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as Yaml from 'yaml';
import { RuntimeError, UsageError } from './errors';

/** `--set` values in order: `NAME=VALUE`, split at the first `=` (values may hold `=`). */
export function parseSetFlags(sets: readonly string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const set of sets) {
    const eq = set.indexOf('=');
    if (eq <= 0) {
      throw new UsageError(`--set: expected NAME=VALUE (got "${set}"). Write e.g. --set username=Alice; an empty value is --set username=`);
    }
    values[set.slice(0, eq)] = set.slice(eq + 1);
  }
  return values;
}

/**
 * The map in a values file. Numbers and booleans become their text; a list becomes a JSON
 * array (the form Multi options take, safe for items holding the delimiter).
 */
export function readValuesFile(file: string, cwd: string): Record<string, string> {
  let text: string;
  try {
    text = fs.readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (e) {
    throw new RuntimeError(`--values ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}).`);
  }
  let data: unknown;
  try {
    // Loaded here: only `run --values` reads a values file, and `yaml` is slow to load.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    data = (require('yaml') as typeof Yaml).parse(text);
  } catch (e) {
    throw new UsageError(`--values ${file}: not YAML or JSON (${(e as Error).message.split('\n')[0]}). Write one NAME: VALUE per line.`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError(`--values ${file}: must be a map of option names to values (got ${Array.isArray(data) ? 'a list' : typeof data}). Write one NAME: VALUE per line.`);
  }
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(data as Record<string, unknown>)) {
    values[name] = valueText(file, name, value);
  }
  return values;
}

function valueText(file: string, name: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value) && value.every((v) => typeof v === 'string' || typeof v === 'number')) {
    return JSON.stringify(value.map(String));
  }
  throw new UsageError(`--values ${file}: the value of "${name}" must be text, a number, true/false or a list of texts (got ${JSON.stringify(value)}).`);
}
