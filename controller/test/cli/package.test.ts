/**
 * The CLI as users install it: the packed `cdk8s-batch-cli` and `cdk8s-batch` tarballs are
 * installed into an empty folder (from the registry: only their dependencies), and the
 * `cdk8s-batch` command runs from there. Needs the compiled library (lib/, `npx projen
 * compile`, which `test:all` runs first) and the compiled CLI (this tier builds it).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FIXTURES, runCli } from './run-cli-subprocess';

// dist/controller/test/cli -> controller/ is four levels up, the repository five.
const ROOT = path.resolve(__dirname, '../../../../..');
const VERSION = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version;
const FROM = ['--from', '2026-03-07T12:00:00Z'];

describe('cdk8s-batch-cli from its packed tarball, installed into an empty folder', { timeout: 600_000 }, () => {
  let dir: string;
  let app: string;
  let libraryFiles: string[];

  function npx(args: string[]): { code: number | null; stdout: string; stderr: string } {
    const r = spawnSync('npx', ['cdk8s-batch', ...args], {
      cwd: app, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1', TZ: 'Pacific/Chatham' },
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  before(() => {
    assert.ok(fs.existsSync(path.join(ROOT, 'lib', 'index.js')), 'lib/ is missing: run npx projen compile first (test:all does)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-pack-'));
    const packs = path.join(dir, 'packs');
    const cli = execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'pack-cli.js'), packs], { encoding: 'utf8' }).trim();
    const [library] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', packs], { cwd: ROOT, encoding: 'utf8' }));
    libraryFiles = library.files.map((f: { path: string }) => f.path);
    app = path.join(dir, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), '{ "name": "app", "version": "1.0.0", "private": true }\n');
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', path.join(packs, library.filename), cli], { cwd: app, stdio: 'pipe' });
    fs.cpSync(path.join(FIXTURES, 'dist'), path.join(app, 'dist'), { recursive: true });
    fs.cpSync(path.join(FIXTURES, 'runs'), path.join(app, 'runs'), { recursive: true });
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  test('the library tarball holds the library only: lib/, .jsii and the docs of the package, no controller or CLI files', () => {
    assert.ok(libraryFiles.includes('lib/index.js'));
    assert.ok(libraryFiles.includes('.jsii'));
    const stray = libraryFiles.filter((f) => !/^(lib\/|\.jsii$|package\.json$|README\.md$|LICENSE$|API\.md$)/.test(f));
    assert.deepEqual(stray, []);
  });

  test('npx cdk8s-batch --version: the release version, shared by library and CLI', () => {
    assert.deepEqual(npx(['--version']), { code: 0, stdout: `${VERSION}\n`, stderr: '' });
    const installed = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'cdk8s-batch-cli', 'package.json'), 'utf8'));
    assert.equal(installed.version, VERSION);
    assert.equal(installed.dependencies['cdk8s-batch'], VERSION);
  });

  test('schedule -f dist/ prints what the CLI of the checkout prints', () => {
    const installed = npx(['schedule', '-f', 'dist/', ...FROM]);
    assert.equal(installed.stderr, '');
    assert.equal(installed.code, 0);
    assert.match(installed.stdout, /^13 CronJobs, next 3 runs after 2026-03-07T12:00:00Z\n/);
    assert.equal(installed.stdout, runCli(['schedule', '-f', 'dist/', ...FROM]).stdout);
  });

  test('run --dry-run validates with the library\'s options core: same JobRun, same exit 2 and message on a bad value', () => {
    const args = ['run', 'sales-report', '-f', 'runs', '--dry-run', '--name', 'q1', '--set', 'region=apac'];
    assert.deepEqual(npx(args), runCli(args));
    const bad = ['run', 'sales-report', '-f', 'runs', '--dry-run', '--set', 'top=500'];
    const r = npx(bad);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /option "top": is greater than the maximum 100/);
    assert.deepEqual(r, runCli(bad));
  });

  test('the core is the library\'s, not a copy: every core module in the CLI package re-exports cdk8s-batch/lib', () => {
    const coreDir = path.join(app, 'node_modules', 'cdk8s-batch-cli', 'dist', 'src');
    const files = (fs.readdirSync(coreDir, { recursive: true }) as string[]).filter((f) => f.endsWith('.js'));
    assert.ok(files.length > 5, files.join(', '));
    for (const f of files) {
      assert.match(fs.readFileSync(path.join(coreDir, f), 'utf8'), /^"use strict";\n\/\/ .*\nmodule\.exports = require\("cdk8s-batch\/lib\/[\w/.-]+"\);\n$/, f);
    }
    assert.ok(!fs.existsSync(path.join(app, 'node_modules', 'cdk8s-batch-cli', 'dist', 'controller', 'test')), 'no tests in the package');
  });
});
