import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from './run-cli-subprocess';

describe('cdk8s-batch (the program)', () => {
  test('--version and -V print the version of the package the CLI runs from, exit 0', () => {
    // In a checkout that is controller/package.json; in the published CLI, cdk8s-batch-cli's
    // (test/cli/package.test.ts runs it from the packed tarball).
    const version = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')).version;
    for (const flag of ['--version', '-V']) {
      const r = runCli([flag]);
      assert.deepEqual(r, { code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });

  test('without a command: the list of commands on stdout, exit 2', () => {
    const r = runCli([]);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /^Usage: cdk8s-batch \[options\] \[command\]\n/);
    for (const command of ['run', 'get', 'status', 'schedule', 'explain']) {
      assert.match(r.stdout, new RegExp(`^  ${command} `, 'm'));
    }
  });

  test('every command has --help with a description and examples, exit 0', () => {
    for (const command of ['run', 'get', 'status', 'schedule', 'explain']) {
      const r = runCli([command, '--help']);
      assert.equal(r.code, 0, command);
      assert.equal(r.stderr, '', command);
      assert.match(r.stdout, new RegExp(`^Usage: cdk8s-batch ${command} \\[options\\]`), command);
      assert.match(r.stdout, /\nExamples:\n {2}\$ cdk8s-batch /, command);
    }
  });

  test('an unknown command: exit 2 with a suggestion', () => {
    const r = runCli(['stauts']);
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'error: unknown command \'stauts\'\n(Did you mean status?)\n(run with --help for usage)\n');
  });
});
