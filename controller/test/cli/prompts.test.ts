/**
 * `cdk8s-batch run` on a real terminal: the CLI runs in a tmux pane, the test types into it
 * (send-keys) and reads the screen (capture-pane), as a person would.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse } from 'yaml';
import { CLI, FIXTURES } from './run-cli-subprocess';

function tmux(...args: string[]): string {
  return execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
}

const socket = `cdk8s-batch-test-${process.pid}`;

function screen(session: string): string {
  return tmux('capture-pane', '-p', '-J', '-S', '-', '-t', session);
}

async function waitForScreen(session: string, pattern: RegExp, timeoutMs = 15_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = screen(session);
    if (pattern.test(text)) return text;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${pattern} on the terminal:\n${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function type(session: string, pattern: RegExp, ...keys: string[]): Promise<void> {
  await waitForScreen(session, pattern);
  for (const key of keys) tmux('send-keys', '-t', session, key);
}

describe('cdk8s-batch run: interactive prompts on a terminal', () => {
  let dir: string;
  before(() => {
    try {
      execFileSync('tmux', ['-V']);
    } catch {
      assert.fail('tmux is needed for the terminal tests: apt-get install tmux (.ci/run installs it)');
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-batch-tty-'));
  });
  after(() => {
    try {
      tmux('kill-server');
    } catch {
      // no server left
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('asks for each option by type, rejects a bad value with the core\'s message, takes a default with Enter', async () => {
    const out = path.join(dir, 'run.yaml');
    const session = 'prompts';
    const command = `NO_COLOR=1 ${process.execPath} ${CLI} run sales-report -f ${path.join(FIXTURES, 'runs')} --dry-run --name q3 > ${out}; echo "EXIT=$?"`;
    tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '50', command + '; sleep 30');

    // Date: a value the options core rejects, then a good one.
    await type(session, /Report start \(RFC 3339/, 'yesterday', 'Enter');
    const rejected = await waitForScreen(session, /is not an RFC 3339/);
    assert.match(rejected, /> option "since": is not an RFC 3339 timestamp with date, time and offset \(got "yesterday"\)\. Write a timestamp such as 2026-03-08T01:30:00\+09:00/);
    for (let i = 0; i < 'yesterday'.length; i++) tmux('send-keys', '-t', session, 'BSpace');
    tmux('send-keys', '-t', session, '2026-07-01T00:00:00+02:00', 'Enter');
    // Select: the default is pre-selected; one down is "amer".
    await type(session, /Region/, 'Down', 'Enter');
    // Multi: the defaults (web, store) are checked; add "partner" (third) with space.
    await type(session, /Channels/, 'Down', 'Down', 'Space', 'Enter');
    // Bool: a confirm, answered no.
    await type(session, /Dry run/, 'n', 'Enter');
    // Int: the default 10 is pre-filled; Enter accepts it.
    await type(session, /Top N \(1 to 100\)/, 'Enter');

    const end = await waitForScreen(session, /EXIT=\d+/);
    assert.match(end, /EXIT=0/, end);
    const jobRun = parse(fs.readFileSync(out, 'utf8'));
    assert.deepEqual(jobRun.spec, {
      templateRef: { name: 'sales-report' },
      values: {
        'channels': '["web","store","partner"]',
        'dry-run': 'false',
        'region': 'amer',
        'since': '2026-07-01T00:00:00+02:00',
        'top': '10',
      },
    });
  });

  test('--set options are not asked for; --no-prompt asks nothing', async () => {
    const out = path.join(dir, 'set.yaml');
    const session = 'set';
    const command = `NO_COLOR=1 ${process.execPath} ${CLI} run greet -f ${path.join(FIXTURES, 'runs')} --dry-run --name g --set username=Zoe > ${out}; echo "EXIT=$?"`;
    tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '20', command + '; sleep 30');
    const end = await waitForScreen(session, /EXIT=\d+/);
    assert.match(end, /EXIT=0/);
    assert.doesNotMatch(end, /Username/);
    assert.deepEqual(parse(fs.readFileSync(out, 'utf8')).spec.values, { username: 'Zoe' });

    const quiet = 'quiet';
    const out2 = path.join(dir, 'quiet.yaml');
    tmux('new-session', '-d', '-s', quiet, '-x', '160', '-y', '20',
      `NO_COLOR=1 ${process.execPath} ${CLI} run sales-report -f ${path.join(FIXTURES, 'runs')} --dry-run --name s --no-prompt > ${out2}; echo "EXIT=$?"; sleep 30`);
    await waitForScreen(quiet, /EXIT=0/);
    assert.equal(parse(fs.readFileSync(out2, 'utf8')).spec.values, undefined);
  });

  test('Ctrl-C at a prompt exits 130 without a stack or Inquirer\'s message', async () => {
    const session = 'interrupt';
    const command = `NO_COLOR=1 ${process.execPath} ${CLI} run sales-report -f ${path.join(FIXTURES, 'runs')} --dry-run; echo "EXIT=$?"`;
    tmux('new-session', '-d', '-s', session, '-x', '160', '-y', '20', command + '; sleep 30');
    await type(session, /Report start \(RFC 3339/, 'C-c');
    const end = await waitForScreen(session, /EXIT=\d+/);
    assert.match(end, /EXIT=130/, end);
    assert.doesNotMatch(end, /force closed|SIGINT|error|at /, end);
  });

  test('the cluster is checked before the first question: no configuration fails at once', async () => {
    const session = 'nocluster';
    const command = `NO_COLOR=1 HOME=/nonexistent KUBECONFIG= ${process.execPath} ${CLI} run sales-report -f ${path.join(FIXTURES, 'runs')}; echo "EXIT=$?"`;
    tmux('new-session', '-d', '-s', session, '-x', '200', '-y', '20', command + '; sleep 30');
    const end = await waitForScreen(session, /EXIT=\d+/);
    assert.match(end, /EXIT=2/, end);
    assert.match(end, /error: no cluster configuration/);
    assert.doesNotMatch(end, /Report start/, 'nothing was asked');
  });
});
