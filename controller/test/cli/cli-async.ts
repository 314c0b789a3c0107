/**
 * Runs the CLI as a subprocess without blocking this process, for tests that serve an API to
 * it from here (`support/http-api.ts`): `runCli` (spawnSync) would block the server.
 */
import { spawn } from 'node:child_process';
import { CLI, cliEnv, CliResult, CliRunOptions, FIXTURES } from './run-cli-subprocess';

export function runCliAsync(args: string[], options: CliRunOptions = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [CLI, ...args], { cwd: options.cwd ?? FIXTURES, env: cliEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
  child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
