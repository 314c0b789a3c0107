import { BatchValidationError, Checked } from '../errors';
import { explainSchedule } from './explain';
import { MacroStyle, parseCron, ParsedCron } from './grammar';
import { HashExplanation } from './hash-explanation';
import { nextRuns, NextRunsOptions } from './next-runs';
import { assertCanFire, explainParsedHash, resolveExpression } from './resolve';

/**
 * When a CronJob runs: a 5-field cron expression or a macro, optionally with
 * Jenkins-style `H` tokens that spread load by hashing a seed (by default the
 * CronJob's `NAMESPACE/NAME`) into concrete minutes, hours or days.
 *
 * Accepted per field: `*`, `?`, numbers, ranges `a-b`, steps (`*`, `a-b` or
 * `a` followed by `/n`), lists, JAN-DEC, SUN-SAT (any case), weekday 7 as
 * Sunday, and `H`, `H(a-b)`, `H/n`, `H(a-b)/n`. Anything Kubernetes would
 * reject, or accept and never run, fails here with a message naming the field,
 * the token and the fix.
 */
export class Schedule {
  /**
   * A schedule from a cron expression or macro, validated now.
   *
   * Macros keep their Kubernetes meaning (`@daily` is `0 0 * * *`); `H`
   * tokens are allowed and make the schedule hashed.
   *
   * @param expression e.g. `30 2 * * MON-FRI`, `@hourly` or `H H(0-5) * * *`
   */
  public static cron(expression: string): Schedule {
    return Schedule.checked(expression, () => parseCron(expression, { allowHash: true, macroStyle: MacroStyle.PLAIN }));
  }

  /**
   * A hashed schedule: macros take Jenkins' hashed meaning (`@daily` is
   * `H H * * *`, `@midnight` is `H H(0-2) * * *`), and an expression must
   * hold at least one `H`.
   *
   * @param expressionOrMacro e.g. `@daily` or `H H/4 * * *`
   */
  public static hashed(expressionOrMacro: string): Schedule {
    return Schedule.checked(expressionOrMacro, () => {
      const parsed = parseCron(expressionOrMacro, { allowHash: true, macroStyle: MacroStyle.HASHED });
      if (!parsed.hasHash) {
        throw new BatchValidationError('schedule', expressionOrMacro, 'contains no H token, so hashing would not change it',
          'Write H where the value may be spread (e.g. "H 3 * * *"), or use Schedule.cron() for a fixed schedule.');
      }
      return parsed;
    });
  }

  /** Every minute: `* * * * *`. */
  public static everyMinute(): Schedule {
    return Schedule.cron('* * * * *');
  }

  /** At minute 0 of every hour: `0 * * * *`. */
  public static hourly(): Schedule {
    return Schedule.cron('0 * * * *');
  }

  /** At 00:00 every day: `0 0 * * *`. */
  public static daily(): Schedule {
    return Schedule.cron('0 0 * * *');
  }

  /** At 00:00 every Sunday: `0 0 * * 0`. */
  public static weekly(): Schedule {
    return Schedule.cron('0 0 * * 0');
  }

  /** At 00:00 on the first of every month: `0 0 1 * *`. */
  public static monthly(): Schedule {
    return Schedule.cron('0 0 1 * *');
  }

  /** Once an hour at a hashed minute: `H * * * *`. */
  public static hashedHourly(): Schedule {
    return Schedule.hashed('H * * * *');
  }

  /** Once a day at a hashed time: `H H * * *`. */
  public static hashedDaily(): Schedule {
    return Schedule.hashed('H H * * *');
  }

  /** Once a week at a hashed weekday and time: `H H * * H`. */
  public static hashedWeekly(): Schedule {
    return Schedule.hashed('H H * * H');
  }

  /** Once a month at a hashed day (1-28) and time: `H H H * *`. */
  public static hashedMonthly(): Schedule {
    return Schedule.hashed('H H H * *');
  }

  /**
   * Validated now, reported later: a bad expression throws when the construct it is passed
   * to uses it, so the message carries that construct's path.
   */
  private static checked(expression: string, parse: () => ParsedCron): Schedule {
    return new Schedule(expression, new Checked(() => {
      const parsed = parse();
      assertCanFire(parsed);
      return parsed;
    }));
  }

  /** The expression exactly as written. */
  public readonly expression: string;

  private readonly checkedCron: Checked<ParsedCron>;

  private constructor(expression: string, parsed: Checked<ParsedCron>) {
    this.expression = parsed.problem ? expression : parsed.value.source;
    this.checkedCron = parsed;
  }

  /**
   * The five fields after macro expansion, with `H` still in place (e.g. `H H * * *` for `Schedule.hashed('@daily')`).
   *
   * @throws BatchValidationError if the expression is not valid
   */
  public get expandedExpression(): string {
    return this.parsed.expanded;
  }

  /**
   * Whether the schedule holds `H` tokens, so that `resolve` depends on the seed.
   *
   * @throws BatchValidationError if the expression is not valid
   */
  public get isHashed(): boolean {
    return this.parsed.hasHash;
  }

  private get parsed(): ParsedCron {
    return this.checkedCron.value;
  }

  /**
   * The concrete 5-field expression for `spec.schedule`, which Kubernetes'
   * parser accepts: `H` tokens hashed with `seed`, macros expanded, weekday 7
   * written as 0. The same schedule and seed always give the same bytes.
   *
   * @param seed the hash seed, by convention `NAMESPACE/NAME` of the CronJob; ignored unless `isHashed`
   */
  public resolve(seed: string): string {
    return resolveExpression(this.parsed, seed);
  }

  /**
   * Per field, how `resolve(seed)` got its numbers: the hashed string, the
   * signed hash and the emitted field.
   *
   * @param seed the hash seed, by convention `NAMESPACE/NAME` of the CronJob
   */
  public explainHash(seed: string): HashExplanation {
    return explainParsedHash(this.parsed, seed);
  }

  /**
   * A plain-English reading of `resolve(seed)`, e.g. "At 07:36".
   *
   * @param seed the hash seed, by convention `NAMESPACE/NAME` of the CronJob; ignored unless `isHashed`
   */
  public explain(seed: string): string {
    return explainSchedule(this.resolve(seed));
  }

  /**
   * The next run times of `resolve(seed)` as the Kubernetes CronJob
   * controller computes them (see the `nextRuns` function).
   *
   * @param seed the hash seed, by convention `NAMESPACE/NAME` of the CronJob; ignored unless `isHashed`
   */
  public nextRuns(seed: string, options: NextRunsOptions): Date[] {
    return nextRuns(this.resolve(seed), options);
  }
}
