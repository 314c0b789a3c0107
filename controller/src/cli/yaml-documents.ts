/**
 * The values of every YAML document in a text, the way `yaml`'s `parseAllDocuments(text)` and
 * `toJS()` give them (YAML 1.2, core schema), read about ten times faster.
 *
 * Reading manifests was most of `schedule --spread` at fleet size (640 ms of 1.5 s CPU for 1,000
 * CronJobs, issue 17): `yaml` builds a full document tree (CST, nodes, source ranges) before the
 * plain values. js-yaml builds the values directly. It is given a schema that resolves plain
 * scalars with `yaml`'s own core-schema rules (below), so both readers give the same values;
 * anything js-yaml rejects (bad syntax, an unknown tag), any text with a `%` directive (which
 * can switch the YAML version) and any that may hold a null key (`yaml` names it `""`, js-yaml
 * `"null"`) goes to `yaml`, which decides and words the errors as before.
 */
import { FAILSAFE_SCHEMA, loadAll, Schema, Type } from 'js-yaml';
import type * as Yaml from 'yaml';

/** A document that is not valid YAML: its 1-based position and `yaml`'s message. */
export class YamlDocumentError extends Error {
  constructor(readonly document: number, message: string) {
    super(message);
    this.name = 'YamlDocumentError';
  }
}

/**
 * Every document's value, in order (an empty document is `null` or `undefined`; callers skip
 * both). Throws `YamlDocumentError` for the first document that is not valid YAML.
 */
export function yamlDocuments(text: string): unknown[] {
  if (!DIRECTIVE.test(text) && !MAYBE_NULL_KEY.test(text)) {
    try {
      return loadAll(text, undefined, { schema: CORE_SCHEMA });
    } catch {
      // `yaml` reads it below: it decides what is an error and says what is wrong.
    }
  }
  // Loaded only for these texts: `yaml` alone takes longer to load than js-yaml to read a fleet.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('yaml') as typeof Yaml).parseAllDocuments(text).map((doc, i) => {
    const error = doc.errors[0];
    if (error) throw new YamlDocumentError(i + 1, error.message);
    return doc.toJS();
  });
}

/** A directive line (`%YAML 1.1`, `%TAG`): left to `yaml`, which honours them. */
const DIRECTIVE = /^%/m;
/** `~:`, `null:` (any case form), an empty key (` : x`) or an explicit `? ` key; rare in manifests. */
const MAYBE_NULL_KEY = /(?:^|[\s{,[])(?:~|[Nn]ull|NULL)?[ \t]*:(?:[\s,\]}]|$)|^[ \t-]*\?(?:\s|$)/m;

// yaml 2.x's core schema (yaml/dist/schema/core/*.js and common/null.js): the same tests and
// the same conversions, so a plain scalar gets the same value from either reader.
const nullType = scalar('tag:yaml.org,2002:null', [/^(?:~|[Nn]ull|NULL)?$/], () => null);
const boolType = scalar('tag:yaml.org,2002:bool', [/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/], (s) => s[0] === 't' || s[0] === 'T');
const intType = scalar('tag:yaml.org,2002:int', [/^0o[0-7]+$/, /^[-+]?[0-9]+$/, /^0x[0-9a-fA-F]+$/], (s) => {
  if (s.startsWith('0o')) return parseInt(s.substring(2), 8);
  if (s.startsWith('0x')) return parseInt(s.substring(2), 16);
  return parseInt(s, 10);
});
const floatType = scalar('tag:yaml.org,2002:float', [
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
], (s) => {
  if (/^[-+]?\.(?:inf|Inf|INF)$/.test(s)) return s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (/^\.(?:nan|NaN|NAN)$/.test(s)) return NaN;
  return parseFloat(s);
});

/** Mappings, sequences and strings (failsafe) plus the core schema's scalars, in `yaml`'s order. */
const CORE_SCHEMA: Schema = FAILSAFE_SCHEMA.extend({ implicit: [nullType, boolType, intType, floatType] });

/** What a core-schema scalar (null, bool, int, float) can start with; most plain scalars in a manifest are names, and skip the tests. */
const CORE_FIRST = /^[~nNtTfF0-9+\-.]?$/;

function scalar(tag: string, tests: RegExp[], construct: (s: string) => unknown): Type {
  return new Type(tag, {
    kind: 'scalar',
    resolve: (data: unknown) => typeof data === 'string' && CORE_FIRST.test(data.slice(0, 1)) && tests.some((t) => t.test(data)),
    construct: (data: string) => construct(data),
  });
}
