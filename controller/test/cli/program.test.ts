import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from './run-cli-subprocess';

describe('cdk8s-batch (the program)', () => {
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
