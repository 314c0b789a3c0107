// Every TypeScript sample in README.md, docs/*.md and the `@example`s of src/ compiles, and every
// output the docs show is what the library really prints.
//
// Compilation is jsii-rosetta's (strict: every diagnostic is an error), with the fixtures in
// rosetta/ completing the `@example` fragments. Markdown samples are whole programs a user copies
// into a `cdk8s init typescript-app` project, so they use no fixture unless their fence names one
// (```ts fixture=NAME), and they also compile with the stricter settings of such a project
// (noUnusedLocals, noUnusedParameters, target ES2017), which rosetta's own settings do not check.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as util from 'util';
import { App, Chart } from 'cdk8s';
import {
  BatchSnippetTranslator,
  SnippetParameters,
  TypeScriptSnippet,
  typeScriptSnippetFromVisibleSource,
  completeSource,
} from 'jsii-rosetta';
import * as ts from 'typescript';
import { parse, parseAllDocuments } from 'yaml';
import * as batch from '../../src';
import { Schedule, ScheduledBatch } from '../../src';

const ROOT = path.resolve(__dirname, '..', '..');

// rosetta's package exports neither its fixture step nor its markdown scan (its `extract` command
// uses them on an assembly); load them from their files so samples are read exactly as rosetta does.
const ROSETTA_LIB = path.dirname(require.resolve('jsii-rosetta'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { fixturize } = require(path.join(ROSETTA_LIB, 'fixtures')) as {
  fixturize(snippet: TypeScriptSnippet, loose?: boolean): TypeScriptSnippet;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { extractTypescriptSnippetsFromMarkdown } = require(path.join(ROSETTA_LIB, 'markdown', 'extract-snippets')) as {
  extractTypescriptSnippetsFromMarkdown(markdown: string, location: { api: 'file'; fileName: string }, strict: boolean): TypeScriptSnippet[];
};

interface Sample {
  /** e.g. `docs/schedules.md:66` (the line of the opening fence) or `src/x.ts:72` (the @example line) */
  readonly name: string;
  readonly file: string;
  /** line in `file` of the sample's first source line, to map diagnostics back */
  readonly firstLine: number;
  readonly snippet: TypeScriptSnippet;
  /** what the docs show the sample prints: the ```text block right after it */
  readonly output?: string;
}

function markdownFiles(): string[] {
  const docs = fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort();
  return ['README.md', ...docs.map((f) => `docs/${f}`)];
}

interface Fence { readonly lang: string; readonly line: number; readonly body: string; readonly end: number }

/** Fenced blocks with the line of the opening fence (1-based). */
function fences(text: string): Fence[] {
  const lines = text.split('\n');
  const out: Fence[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(.*)$/.exec(lines[i]);
    if (!open) continue;
    let j = i + 1;
    while (j < lines.length && lines[j] !== '```') j++;
    out.push({ lang: open[1].trim(), line: i + 1, body: lines.slice(i + 1, j).join('\n'), end: j + 1 });
    i = j;
  }
  return out;
}

function markdownSamples(file: string): Sample[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf-8');
  const snippets = extractTypescriptSnippetsFromMarkdown(text, { api: 'file', fileName: file }, true);
  const blocks = fences(text);
  const tsBlocks = blocks.filter((b) => /^(ts|typescript)( |$)/.test(b.lang));
  if (tsBlocks.length !== snippets.length) {
    throw new Error(`${file}: rosetta found ${snippets.length} TypeScript samples, the fence scan ${tsBlocks.length}`);
  }
  const lines = text.split('\n');
  return tsBlocks.map((block, i) => {
    let snippet = snippets[i];
    const params: Record<string, string> = { ...snippet.parameters, [SnippetParameters.$PROJECT_DIRECTORY]: ROOT };
    if (!params[SnippetParameters.FIXTURE]) params[SnippetParameters.NO_FIXTURE] = '';
    snippet = fixturize({ ...snippet, parameters: params });
    // The output a sample prints is the ```text block that follows it (blank lines between).
    let next = block.end;
    while (next < lines.length && lines[next].trim() === '') next++;
    const after = blocks.find((b) => b.line === next + 1);
    return {
      name: `${file}:${block.line}`,
      file,
      firstLine: block.line + 1,
      snippet,
      output: after?.lang === 'text' ? after.body : undefined,
    };
  });
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : []).sort();
}

/** The `@example` of every doc comment in src/: fragments, completed by rosetta/default.ts-fixture. */
function exampleSamples(): Sample[] {
  const out: Sample[] = [];
  for (const file of sourceFiles('src')) {
    const lines = fs.readFileSync(path.join(ROOT, file), 'utf-8').split('\n');
    lines.forEach((line, i) => {
      if (!/@example\b/.test(line)) return;
      // The code starts on the next line (as jsii-docgen renders it); anything else would be missed.
      if (!/^\s*\*\s*@example\s*$/.test(line)) throw new Error(`${file}:${i + 1}: put an @example's code on the lines after the tag`);
      const body: string[] = [];
      for (let j = i + 1; j < lines.length && !/^\s*\*\//.test(lines[j]) && !/^\s*\*\s*@/.test(lines[j]); j++) {
        body.push(lines[j].replace(/^\s*\* ?/, ''));
      }
      const snippet = fixturize(typeScriptSnippetFromVisibleSource(body.join('\n'),
        { api: { api: 'file', fileName: file }, field: { field: 'markdown', line: i + 1 } }, true,
        { [SnippetParameters.$PROJECT_DIRECTORY]: ROOT }));
      out.push({ name: `${file}:${i + 1}`, file, firstLine: i + 2, snippet });
    });
  }
  return out;
}

/**
 * A directory to compile in where `cdk8s-batch` resolves to this repository's src/ (the fast
 * tier does not run jsii, so lib/ may be missing or stale); cdk8s and the rest resolve from the
 * repository's node_modules, one level up.
 */
function compilationDirectory(): string {
  const dir = path.join(ROOT, 'build', 'docs-samples');
  const pkg = path.join(dir, 'node_modules', 'cdk8s-batch');
  fs.mkdirSync(pkg, { recursive: true });
  fs.writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'cdk8s-batch', types: 'index.ts' }));
  fs.writeFileSync(path.join(pkg, 'index.ts'), `export * from ${JSON.stringify(path.join(ROOT, 'src'))};\n`);
  return dir;
}

function describeDiagnostic(sample: Sample, d: ts.Diagnostic, offset: number): string {
  const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
  if (!d.file || d.start === undefined) return `${sample.name}: TS${d.code}: ${message}`;
  const { line } = d.file.getLineAndCharacterOfPosition(d.start);
  const source = d.file.text.split('\n')[line].trim();
  // With no fixture the compiled source is the sample itself: point at the line in the doc.
  const where = offset >= 0 ? `${sample.file}:${sample.firstLine + line - offset}` : `${sample.name} (fixture line ${line + 1})`;
  return `${where}: TS${d.code}: ${message}\n    ${source}`;
}

/** Where the sample's own code starts in its complete source, or -1 if a fixture wraps it. */
function visibleOffset(s: Sample): number {
  return completeSource(s.snippet) === s.snippet.visibleSource ? 0 : -1;
}

const SAMPLES = [...markdownFiles().flatMap(markdownSamples), ...exampleSamples()];

describe('documentation samples', () => {
  let dir: string;
  beforeAll(() => {
    dir = compilationDirectory();
  });

  test('every sample compiles under jsii-rosetta in strict mode', () => {
    const errors: string[] = [];
    const translator = new BatchSnippetTranslator(SAMPLES.map((s) => s.snippet), {
      includeCompilerDiagnostics: true,
      compilationDirectory: dir,
    });
    let i = 0;
    for (const [, t] of translator) {
      const sample = SAMPLES[i++];
      for (const d of t.diagnostics) errors.push(describeDiagnostic(sample, d as unknown as ts.Diagnostic, visibleOffset(sample)));
    }
    expect(errors.join('\n')).toBe('');
    // Both scans found something: a broken scan must not pass by checking nothing.
    expect(SAMPLES.filter((s) => s.file.endsWith('.md')).length).toBeGreaterThan(20);
    expect(SAMPLES.filter((s) => s.file.startsWith('src/')).length).toBeGreaterThan(5);
  });

  test('every markdown sample compiles in a fresh cdk8s app (noUnusedLocals, target ES2017)', () => {
    // Whole programs only: a sample completed by a fixture is not copied verbatim.
    const markdown = SAMPLES.filter((s) => s.file.endsWith('.md') && visibleOffset(s) === 0);
    const files = new Map(markdown.map((s, i) => [path.join(dir, `sample-${i}.ts`), s]));
    const options: ts.CompilerOptions = {
      strict: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      noImplicitReturns: true,
      noFallthroughCasesInSwitch: true,
      target: ts.ScriptTarget.ES2017,
      lib: ['lib.es2022.d.ts'],
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      types: ['node'],
      skipLibCheck: true,
      noEmit: true,
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    host.readFile = (f) => files.has(f) ? completeSource(files.get(f)!.snippet) : readFile(f);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (f) => files.has(f) || fileExists(f);
    const program = ts.createProgram([...files.keys()], options, host);
    const errors: string[] = [];
    for (const [f, sample] of files) {
      const sf = program.getSourceFile(f)!;
      for (const d of [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]) {
        errors.push(describeDiagnostic(sample, d, visibleOffset(sample)));
      }
    }
    expect(errors.join('\n')).toBe('');
  });

  const runnable = SAMPLES.filter((s) => s.file.endsWith('.md'));
  test.each(runnable.map((s) => [s.name, s] as const))('%s runs and prints what the doc shows', (_name, sample) => {
    const printed = run(sample);
    if (sample.output !== undefined) {
      expect(printed).toBe(sample.output);
    }
  });

  // Outputs shown elsewhere than in a ```text block right after a sample.
  test('docs/scheduled-batch.md: the example error is what a 53-character name gives', () => {
    const shown = fenceAfter('docs/scheduled-batch.md', 'Every error names the construct path');
    const app = new App();
    const chart = new Chart(app, 'reports', { namespace: 'reports' });
    const name = 'n'.repeat(53);
    expect(() => new ScheduledBatch(chart, 'nightly', {
      metadata: { name }, schedule: Schedule.cron('0 1 * * *'), containers: [{ image: 'alpine:3.20' }],
    })).toThrow(shown.replace('(got "...")', `(got "${name}")`));
  });

  test('README.md: the CronJob name, schedule and seed the text gives are what its sample synthesizes', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
    const claim = /writes a CronJob named `([^`]+)` whose `spec.schedule` is\s+concrete: `([^`]+)`, hashed from the seed `([^`]+)`/.exec(readme);
    expect(claim).not.toBeNull();
    const [, name, schedule, seed] = claim!;
    const cronJobs = synthesize(SAMPLES.find((x) => x.file === 'README.md')!).filter((o) => o.kind === 'CronJob');
    expect(cronJobs.map((o) => [o.metadata.name, o.spec.schedule, o.metadata.annotations['cdk8s-batch.dev/hash-seed']]))
      .toEqual([[name, schedule, seed]]);
  });

  test('docs/controller.md: the RBAC shown as YAML is what BatchController synthesizes', () => {
    const shown = parseAllDocuments(fenceAfter('docs/controller.md', 'As YAML:')).map((d) => d.toJS());
    const app = new App();
    const chart = new Chart(app, 'ops');
    new batch.BatchController(chart, 'controller');
    // The doc leaves out the labels; everything else it shows is compared exactly.
    const view = (o: any) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace, rules: o.rules });
    const synthesized = chart.toJson().filter((o: any) => shown.some((s) => s.kind === o.kind && s.metadata.name === o.metadata.name));
    expect(synthesized.map(view)).toEqual(shown.map(view));
  });

  test('docs/parameterized-job.md: the JobRun shown is the one its sample synthesizes', () => {
    const shown = parse(fenceAfter('docs/parameterized-job.md', 'A JobRun:'));
    const sample = SAMPLES.find((x) => x.file === 'docs/parameterized-job.md')!;
    const objects = synthesize(sample);
    const jobRun = objects.find((o) => o.kind === 'JobRun' && o.metadata.name === shown.metadata.name);
    expect(jobRun).toEqual(shown);
  });
});

/** The body of the first fenced block after the line that contains `marker`. */
function fenceAfter(file: string, marker: string): string {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf-8');
  const at = text.split('\n').findIndex((l) => l.includes(marker));
  if (at < 0) throw new Error(`${file}: no line contains ${JSON.stringify(marker)}`);
  const block = fences(text).find((b) => b.line > at);
  if (!block) throw new Error(`${file}: no fenced block after ${JSON.stringify(marker)}`);
  return block.body;
}

/** Runs a sample and returns the objects its `app.synth()` wrote. */
function synthesize(sample: Sample): any[] {
  const objects: any[] = [];
  run(sample, (outdir) => {
    for (const f of fs.readdirSync(outdir).sort()) {
      objects.push(...parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf-8')).map((d) => d.toJS()));
    }
  });
  return objects;
}

/** Runs a sample with `cdk8s-batch` bound to src/, returning what it printed with console.log. */
function run(sample: Sample, inspect?: (outdir: string) => void): string {
  const js = ts.transpileModule(completeSource(sample.snippet), {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  }).outputText;
  const printed: string[] = [];
  const fakeConsole = { ...console, log: (...args: unknown[]) => printed.push(util.format(...args)) };
  // `cdk8s-batch` is this repository's src/; cdk8s, cdk8s-plus-27 and the rest the ones it uses.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sampleRequire = (id: string) => id === 'cdk8s-batch' ? batch : require(id);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'docs-sample-'));
  const saved = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir; // app.synth() writes here, not into the repository's dist/
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function('require', 'console', 'exports', 'module', js)(sampleRequire, fakeConsole, {}, { exports: {} });
    inspect?.(outdir);
  } catch (e) {
    throw new Error(`${sample.name} threw: ${(e as Error).stack}`);
  } finally {
    if (saved === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = saved;
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  return printed.join('\n');
}
