#!/usr/bin/env node
/**
 * The `cdk8s-batch` CLI: ad-hoc runs, schedule previews, the load-spread view.
 *
 * Every rule it applies (cron grammar, hashing, option validation, substitution) comes from
 * the library's pure core in ../../../src, the same code the constructs and the controller use.
 * Each command lives in ./commands and registers itself on the program.
 *
 * Exit codes: 0 ok, 1 runtime failure, 2 usage or validation error, 130 interrupted (Ctrl-C).
 */
import './color-env'; // first: before any import asks Node about colours
import { Command, CommanderError } from 'commander';
import { COMMANDS } from './commands';
import { EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, exitCodeOf, isPromptInterrupted } from './errors';
import { CliIo, paint, processIo } from './io';
import { cliVersion } from './version';

/** The program with every command, writing to `io`. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('cdk8s-batch')
    .description('Run, preview and explain cdk8s-batch workloads.')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => write(paint({ color: io.color && !!process.stderr.isTTY }, 'red', s)),
    })
    .version(cliVersion(), '-V, --version', 'print the version of the CLI (and of the library it was released with)')
    .exitOverride()
    .allowExcessArguments(false);
  for (const register of COMMANDS) {
    const command = register(program, io);
    command.exitOverride().configureOutput(program.configureOutput()).showHelpAfterError('(run with --help for usage)');
  }
  return program;
}

/** Runs the CLI; resolves to the exit code, never throws. */
export async function run(argv: string[], io: CliIo): Promise<number> {
  const program = buildProgram(io);
  if (argv.length === 0) {
    io.stdout.write(program.helpInformation());
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end with exit code 0; bad flags and arguments with 2.
      return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (isPromptInterrupted(e)) {
      // Ctrl-C at a prompt: the user knows; end the prompt's line and exit as a shell does.
      io.stderr.write('\n');
      return EXIT_INTERRUPTED;
    }
    io.stderr.write(`${paint({ color: io.color && !!process.stderr.isTTY }, 'red', 'error:')} ${(e as Error)?.message ?? e}\n`);
    return exitCodeOf(e);
  }
}

if (require.main === module) {
  let io: CliIo;
  try {
    io = processIo();
  } catch (e) {
    process.stderr.write(`error: ${(e as Error).message}\n`);
    process.exit(EXIT_USAGE);
  }
  run(process.argv.slice(2), io).then(
    (code) => { process.exitCode = code; },
    (e) => {
      process.stderr.write(`fatal: ${(e as Error)?.stack ?? e}\n`);
      process.exitCode = 1;
    },
  );
}
