/**
 * `cdk8s-batch run --at TIME` and `--in DELAY`: the JobRun's `spec.startAfter`, written with
 * the run core's due-time rules (src/runs/due-time.ts), so the CLI and the controller read one
 * format.
 */
import { UsageError } from './errors';
import { parseRfc3339 } from './time-text';
import { BatchValidationError } from '../../../src/errors';
import { parseStartDelay, startAfterValue } from '../../../src/runs';

export interface StartAfterFlags {
  readonly at?: string;
  readonly in?: string;
}

/** The `spec.startAfter` the flags ask for, or undefined for a run that starts now. */
export function startAfterFromFlags(flags: StartAfterFlags, now: Date): string | undefined {
  if (flags.at !== undefined && flags.in !== undefined) {
    throw new UsageError(`--at and --in: give one of them (got --at "${flags.at}" and --in "${flags.in}"). `
      + 'Use --at for a time, --in for a delay from now.');
  }
  if (flags.at !== undefined) {
    // A time in the past is accepted: the run starts at once, as Furiko's startAfter does.
    return startAfterValue(parseRfc3339('--at', flags.at).getTime());
  }
  if (flags.in !== undefined) {
    try {
      return startAfterValue(now.getTime() + parseStartDelay('--in', flags.in));
    } catch (e) {
      if (e instanceof BatchValidationError) throw new UsageError(e.message);
      throw e;
    }
  }
  return undefined;
}
