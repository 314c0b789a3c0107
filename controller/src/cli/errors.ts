/**
 * The CLI's exit codes and the errors that choose them: 0 ok, 1 a runtime failure (the
 * cluster refused, a file could not be read), 2 a usage or validation error (bad flags, bad
 * option values, a schedule that does not parse).
 */
import { BatchValidationError } from '../../../src/errors';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
/** Ctrl-C at a prompt: 128 + SIGINT, as shells report a process ended by it. */
export const EXIT_INTERRUPTED = 130;

/** Bad flags, arguments or values: the user must change the command line (exit 2). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The command was right but could not be carried out (exit 1). */
export class RuntimeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeError';
  }
}

/** The exit code an error thrown by a command stands for. */
export function exitCodeOf(error: unknown): number {
  return error instanceof UsageError || error instanceof BatchValidationError ? EXIT_USAGE : EXIT_FAILURE;
}

/** @inquirer/prompts rejects with an `ExitPromptError` when the user presses Ctrl-C. */
export function isPromptInterrupted(error: unknown): boolean {
  return error instanceof Error && error.name === 'ExitPromptError';
}
