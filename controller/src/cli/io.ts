/**
 * Where a command writes, and whether it may use colour. Commands never touch `process`
 * directly, so tests can run them in-process as well as in a subprocess.
 */
import { styleText } from 'node:util';
import { parseRfc3339Instant } from '../../../src/time';

export interface Output {
  write(text: string): unknown;
}

type Style = Parameters<typeof styleText>[0];

export interface CliIo {
  readonly stdout: Output;
  readonly stderr: Output;
  /**
   * stdin and stderr are a terminal: prompts are possible. Prompts go to stderr, so that
   * `run --dry-run > run.yaml` asks on the terminal and writes only the YAML to the file.
   */
  readonly interactive: boolean;
  /** Colour for stdout (only on a terminal, never with NO_COLOR). */
  readonly color: boolean;
  /** The current time (fixed in tests with CDK8S_BATCH_NOW). */
  now(): Date;
  /** Working directory for relative paths. */
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
}

/**
 * Colour only on a terminal: `NO_COLOR` (any value) turns it off, `FORCE_COLOR` (not `0`)
 * turns it on, as in most CLIs (https://no-color.org).
 */
export function colorEnabled(isTty: boolean, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0';
  return isTty;
}

/** `text` in `style` when colour is on, else as is. */
export function paint(io: Pick<CliIo, 'color'>, style: Style, text: string): string {
  return io.color ? styleText(style, text, { validateStream: false } as any) : text;
}

/** The process's own streams. */
export function processIo(): CliIo {
  const env = process.env;
  const fixed = env.CDK8S_BATCH_NOW ? parseRfc3339Instant(env.CDK8S_BATCH_NOW) ?? NaN : NaN;
  if (env.CDK8S_BATCH_NOW && Number.isNaN(fixed)) {
    throw new Error(`CDK8S_BATCH_NOW must be an RFC 3339 time, got "${env.CDK8S_BATCH_NOW}"`);
  }
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    interactive: !!process.stdin.isTTY && !!process.stderr.isTTY,
    color: colorEnabled(!!process.stdout.isTTY, env),
    now: () => (Number.isNaN(fixed) ? new Date() : new Date(fixed)),
    cwd: process.cwd(),
    env,
  };
}
