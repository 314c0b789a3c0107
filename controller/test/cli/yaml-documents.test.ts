/**
 * The fast manifest reader (js-yaml with `yaml`'s core-schema scalars) gives the values `yaml`
 * gives, on every committed fixture, the fleet fixture and a corpus of edge cases; what js-yaml
 * refuses goes to `yaml`, whose errors the CLI reported before.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { YamlDocumentError, yamlDocuments } from '../../src/cli/yaml-documents';
import { fleetYaml } from '../support/fleet';
import { FIXTURES } from './run-cli-subprocess';

/** What the CLI read before: `yaml`'s values, or its first error. */
function reference(text: string): unknown[] | string {
  const docs = parseAllDocuments(text);
  const bad = docs.findIndex((d) => d.errors.length > 0);
  return bad >= 0 ? `document ${bad + 1}: ${docs[bad].errors[0].message}` : docs.map((d) => d.toJS());
}

function fast(text: string): unknown[] | string {
  try {
    return yamlDocuments(text);
  } catch (e) {
    if (e instanceof YamlDocumentError) return `document ${e.document}: ${e.message}`;
    throw e;
  }
}

/** Equal values, with empty documents (null or undefined) skipped as the CLI skips them. */
function assertSameValues(text: string, what: string): void {
  const expected = reference(text);
  const actual = fast(text);
  if (typeof expected === 'string' || typeof actual === 'string') {
    assert.equal(actual, expected, what);
    return;
  }
  // Document positions matter (error messages name them): compare position by position.
  const keep = (values: unknown[]) => values.map((v, i) => [i + 1, v]).filter(([, v]) => v !== null && v !== undefined);
  assert.deepStrictEqual(keep(actual), keep(expected), what);
}

function yamlFilesBelow(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return yamlFilesBelow(p);
    return /\.ya?ml$/.test(e.name) ? [p] : [];
  });
}

describe('yamlDocuments', () => {
  test('gives yaml\'s values for every committed CLI fixture (bad ones included)', () => {
    const files = yamlFilesBelow(FIXTURES);
    assert.ok(files.length >= 10, `fixtures found: ${files.length}`);
    for (const file of files) assertSameValues(fs.readFileSync(file, 'utf8'), file);
  });

  test('gives yaml\'s values for a fleet of 300 synthesized CronJobs', () => {
    const text = fleetYaml(300);
    const values = yamlDocuments(text);
    assert.equal(values.length, 300);
    assertSameValues(text, 'fleet');
  });

  const scalars = [
    '0b101', '1_000', '0o17', '017', '0x1F', '0X1f', '0O17', '+12', '-0', '.5', '+.5', '1.', '1e3', '1E3', '0.1e-2',
    '.inf', '-.Inf', '+.INF', '.NaN', '.nan', '~', 'null', 'Null', 'NULL', 'nULL', 'true', 'True', 'TRUE', 'tRUE',
    'yes', 'on', 'off', 'y', '2026-01-01', '2026-01-01T00:00:00Z', '12345678901234567890', "'1'", '"0x1F"', '1:2',
    '0:30', '1_2.5', '-', '""', "''", '=', '<<',
  ];
  for (const scalar of scalars) {
    test(`plain and quoted scalar ${scalar} reads as yaml reads it`, () => {
      assertSameValues(`a: ${scalar}\nb: [${scalar}]\n${scalar}: key\n`, scalar);
    });
  }

  const documents: Record<string, string> = {
    'trailing ---': 'a: 1\n---\n',
    'leading ---': '---\na: 1\n',
    'empty document between': 'a: 1\n---\n# c\n---\nb: 2\n',
    'comment-only file': '# only\n',
    'comment before the first ---': '# c\n---\nb: 2\n',
    'document end marker': 'a: 1\n...\n---\nb: 2\n',
    'empty file': '',
    'anchors and a merge key (a plain key in YAML 1.2)': 'a: &x {b: 1}\nc: *x\nd: {<<: *x}\n',
    'block scalars': 'a: |\n  x\n   y\n\nb: >-\n  p\n  q\nc: |+\n  k\n\n',
    'explicit core tags': "a: !!str 1\nb: !!int '3'\nc: !!float '1.5'\nd: !!null ''\n",
    'unknown tag (yaml keeps the string)': 'a: !custom x\n',
    'binary tag (not in the core schema)': 'a: !!binary aGk=\n',
    'YAML 1.1 directive': '%YAML 1.1\n---\na: yes\nb: 010\n',
    'escapes': '"a": "\\u00e9\\x41\\t"\n',
    'duplicate key': 'a: 1\na: 2\n',
    'bad indentation': 'a:\n  b: 1\n c: 2\n',
    'unclosed flow sequence': 'a: [1, 2\n',
    'tab indentation': 'a:\n\tb: 1\n',
    'second document broken': 'a: 1\n---\nb: [\n',
    'a list of objects': 'kind: List\napiVersion: v1\nitems:\n- kind: ConfigMap\n  apiVersion: v1\n',
    'CRLF line ends': 'a: 1\r\nb:\r\n  - x\r\n',
    'byte order mark': '\ufeffa: 1\n',
    '__proto__ key': '__proto__: {x: 1}\na: 1\n',
    'explicit null key': '? ~\n: x\n? \n: y\n',
    'empty key': '{: x}\n',
    'a colon in a string is not a key': 'args: ["a : b", c :d]\n',
  };
  for (const [name, text] of Object.entries(documents)) {
    test(`documents: ${name}`, () => assertSameValues(text, name));
  }

  test('a document that is not valid YAML is reported with its position and yaml\'s message', () => {
    assert.throws(() => yamlDocuments('a: 1\n---\nb: [\n'), (e: unknown) => {
      assert.ok(e instanceof YamlDocumentError);
      assert.equal(e.document, 2);
      assert.equal(e.message, parseAllDocuments('a: 1\n---\nb: [\n')[1].errors[0].message);
      assert.match(e.message, /^Flow sequence in block collection must be sufficiently indented and end with a \]/);
      return true;
    });
  });
});
