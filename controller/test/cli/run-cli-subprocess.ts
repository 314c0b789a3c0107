/**
 * Runs the compiled `cdk8s-batch` CLI as a subprocess, the way users run it, with a clean
 * environment: no colour unless asked for, and a machine time zone far from UTC (TZ), so a
 * test fails if any output depended on the machine's zone rather than on the manifests.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

// Tests run from dist/controller/test/cli/; the CLI is compiled next to them.
export const CLI = path.resolve(__dirname, '../../src/cli/main.js');
// The fixtures are committed YAML, not compiled: four levels up is controller/.
export const FIXTURES = path.resolve(__dirname, '../../../../test/cli/fixtures');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliRunOptions {
  /** Working directory; relative paths in arguments are read from here (default: the fixtures). */
  readonly cwd?: string;
  /** Added to the clean environment (e.g. CDK8S_BATCH_NOW, FORCE_COLOR); undefined removes a variable. */
  readonly env?: Record<string, string | undefined>;
}

/** The clean environment of a CLI subprocess, with `extra` added (undefined removes a variable). */
export function cliEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries({ PATH: process.env.PATH ?? '', TZ: 'Pacific/Chatham', NO_COLOR: '1', ...extra })
      .filter((entry): entry is [string, string] => entry[1] !== undefined));
}

export function runCli(args: string[], options: CliRunOptions = {}): CliResult {
  const env = cliEnv(options.env);
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? FIXTURES,
    env,
    encoding: 'utf8',
  });
  if (result.error) {
    throw result.error;
  }
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
