/**
 * Reads synthesized manifests: YAML files (one or many documents each) and directories searched
 * recursively, in a fixed order so that every command that reads them prints the same output
 * from run to run.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RuntimeError } from './errors';
import { YamlDocumentError, yamlDocuments } from './yaml-documents';

/** One Kubernetes object read from a manifest file. */
export interface ManifestObject {
  /** The file as the user can find it: the path as given, joined with the path inside a directory. */
  readonly file: string;
  /** 1-based position of the YAML document in the file (items of a List share their document's). */
  readonly document: number;
  readonly object: KubernetesObject;
}

/** The parts of a Kubernetes object the CLI reads; everything else is carried along untyped. */
export interface KubernetesObject {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
  readonly metadata?: {
    readonly name?: unknown;
    readonly namespace?: unknown;
    readonly labels?: Record<string, unknown>;
    readonly annotations?: Record<string, unknown>;
  };
  readonly spec?: Record<string, unknown>;
  readonly items?: unknown;
}

const MANIFEST_EXTENSIONS = ['.yaml', '.yml'];
// Skipped when walking a directory: a project directory may be passed, and these never hold
// synthesized manifests (cdk8s writes dist/, not hidden directories).
const SKIPPED_DIRECTORIES = new Set(['node_modules']);

/**
 * Every object in `paths` (files or directories), file by file in path order, directories
 * walked in name order. `usingDefault` says the path was not given on the command line, so a
 * missing directory is explained as "run cdk8s synth first".
 */
export function readManifests(paths: readonly string[], cwd: string, usingDefault = false): Manifests {
  const files = uniqueFiles(paths.flatMap(p => manifestFilesAt(p, cwd, usingDefault)), cwd);
  return { files, objects: files.flatMap(file => objectsInFile(file, cwd)) };
}

/** What `readManifests` found. */
export interface Manifests {
  /** The YAML files read, in reading order. */
  readonly files: string[];
  readonly objects: ManifestObject[];
}

/** The YAML files a path names: the file itself, or every *.yaml/*.yml below a directory. */
function manifestFilesAt(given: string, cwd: string, usingDefault: boolean): string[] {
  const stat = statOrUndefined(path.resolve(cwd, given));
  if (stat === undefined) {
    throw new RuntimeError(usingDefault
      ? `${given}: no such directory (the default path). Run cdk8s synth first, or pass the files or directories to read.`
      : `${given}: no such file or directory. Pass YAML files or directories of synthesized manifests (cdk8s synth writes them to dist/).`);
  }
  return stat.isDirectory() ? yamlFilesBelow(given, cwd) : [given];
}

function yamlFilesBelow(dir: string, cwd: string): string[] {
  const entries = readDirectory(dir, cwd).sort(byCodePoint);
  const found: string[] = [];
  for (const entry of entries) {
    const child = path.join(dir, entry);
    const stat = statOrUndefined(path.resolve(cwd, child));
    if (stat?.isDirectory()) {
      if (!entry.startsWith('.') && !SKIPPED_DIRECTORIES.has(entry)) {
        found.push(...yamlFilesBelow(child, cwd));
      }
    } else if (stat?.isFile() && MANIFEST_EXTENSIONS.includes(path.extname(entry).toLowerCase())) {
      found.push(child);
    }
  }
  return found;
}

/** The same file named twice (`dist dist/app.k8s.yaml`) is read once, where it first appears. */
function uniqueFiles(files: readonly string[], cwd: string): string[] {
  const seen = new Set<string>();
  return files.filter(file => {
    const key = realPath(path.resolve(cwd, file));
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function objectsInFile(file: string, cwd: string): ManifestObject[] {
  const text = readText(file, cwd);
  const objects: ManifestObject[] = [];
  let values: unknown[];
  try {
    values = yamlDocuments(text);
  } catch (e) {
    if (!(e instanceof YamlDocumentError)) throw e;
    throw new RuntimeError(`${file}: is not valid YAML (document ${e.document}: ${firstLine(e.message)}). `
      + 'Fix the file, or leave it out of the paths.');
  }
  values.forEach((value, i) => {
    if (value === null || value === undefined) {
      return; // an empty document, e.g. after a trailing "---"
    }
    // A mapping without apiVersion and kind (a values file, a config) is no more an object than a scalar is.
    if (typeof value !== 'object' || Array.isArray(value) || !hasTypeFields(value)) {
      throw new RuntimeError(`${file}: document ${i + 1} is not a Kubernetes object (got ${describeValue(value)}). `
        + 'Pass YAML manifests (mappings with apiVersion and kind), such as the files cdk8s synth writes.');
    }
    for (const object of flattenLists(value as KubernetesObject)) {
      objects.push({ file, document: i + 1, object });
    }
  });
  return objects;
}

/** `kubectl get -o yaml` wraps objects in a `List`; read its items like separate documents. */
function flattenLists(object: KubernetesObject): KubernetesObject[] {
  if (typeof object.kind === 'string' && object.kind.endsWith('List') && Array.isArray(object.items)) {
    return object.items.filter((item): item is KubernetesObject => typeof item === 'object' && item !== null);
  }
  return [object];
}

function readText(file: string, cwd: string): string {
  try {
    return fs.readFileSync(path.resolve(cwd, file), 'utf8');
  } catch (e) {
    throw new RuntimeError(`${file}: cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Check the file's permissions.`);
  }
}

function readDirectory(dir: string, cwd: string): string[] {
  try {
    return fs.readdirSync(path.resolve(cwd, dir));
  } catch (e) {
    throw new RuntimeError(`${dir}: cannot be listed (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Check the directory's permissions.`);
  }
}

function statOrUndefined(p: string): fs.Stats | undefined {
  try {
    return fs.statSync(p);
  } catch {
    return undefined;
  }
}

function realPath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}

function firstLine(text: string): string {
  return text.split('\n')[0].replace(/:$/, '');
}

function hasTypeFields(value: object): boolean {
  const object = value as KubernetesObject;
  return typeof object.apiVersion === 'string' && typeof object.kind === 'string';
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value);
    return keys.length === 0 ? 'an empty mapping' : `a mapping without apiVersion and kind, with keys ${keys.slice(0, 3).map((k) => JSON.stringify(k)).join(', ')}${keys.length > 3 ? ', ...' : ''}`;
  }
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}..."` : text;
}

/** Code-point order, the same on every machine and locale. */
export function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
