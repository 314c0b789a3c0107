import { BatchValidationError, Checked } from '../errors';

/**
 * What the Job controller does when a pod failure matches a rule.
 *
 * @see https://kubernetes.io/docs/concepts/workloads/controllers/job/#pod-failure-policy
 */
export enum PodFailureAction {
  /** Fail the whole Job at once, without further retries. */
  FAIL_JOB = 'FailJob',
  /** Fail only this matrix cell (index); needs per-cell retries (`ParallelMatrixJob`). */
  FAIL_INDEX = 'FailIndex',
  /** Do not count the failure against `maxAttempts` (e.g. the pod was evicted). */
  IGNORE = 'Ignore',
  /** Count the failure as one attempt (the default behaviour without a rule). */
  COUNT = 'Count',
}

/** How exit codes are compared. */
export enum ExitCodeOperator {
  /** The container's exit code is one of the values. */
  IN = 'In',
  /** The container's exit code is none of the values. */
  NOT_IN = 'NotIn',
}

/** Options for `PodFailureRule.onExitCodes()`. */
export interface ExitCodeRuleOptions {
  /** What to do on a match. */
  readonly action: PodFailureAction;
  /** The exit codes (1 to 255 of them); they are emitted sorted and without duplicates. */
  readonly exitCodes: number[];
  /**
   * How the exit codes are compared.
   *
   * @default ExitCodeOperator.IN
   */
  readonly operator?: ExitCodeOperator;
  /**
   * Only this container's exit code is checked.
   *
   * @default - every container's
   */
  readonly containerName?: string;
}

/** A pod condition to match, e.g. `DisruptionTarget`. */
export interface PodConditionPattern {
  /** The condition type, e.g. `DisruptionTarget`. */
  readonly type: string;
  /**
   * The condition status to match: `True`, `False` or `Unknown`.
   *
   * @default 'True'
   */
  readonly status?: string;
}

/** Options for `PodFailureRule.onPodConditions()`. */
export interface PodConditionRuleOptions {
  /** What to do on a match. */
  readonly action: PodFailureAction;
  /** The conditions (1 to 20); any one of them matches. */
  readonly conditions: PodConditionPattern[];
}

/** The Kubernetes limits on pod failure policies (reference/k8s-batch.md §2). */
export const MAX_POD_FAILURE_RULES = 20;
const MAX_EXIT_CODES = 255;
const MAX_CONDITIONS = 20;
const CONDITION_STATUSES = ['True', 'False', 'Unknown'];

/**
 * One rule of a Job's pod failure policy: how a failed pod counts.
 *
 * Rules need `restartPolicy: Never` (the default of cdk8s-batch workloads).
 *
 * @example
 * PodFailureRule.onExitCodes({ action: PodFailureAction.FAIL_JOB, exitCodes: [42] });
 * PodFailureRule.onPodConditions({ action: PodFailureAction.IGNORE, conditions: [{ type: 'DisruptionTarget' }] });
 */
export class PodFailureRule {
  /** A rule matching a container's exit code. */
  public static onExitCodes(options: ExitCodeRuleOptions): PodFailureRule {
    // A bad rule is reported by the workload it is passed to, at its path.
    return new PodFailureRule(options.action, new Checked(() => exitCodesMatcher(options)), options.containerName);
  }

  /** A rule matching a pod condition, such as `DisruptionTarget` for evicted or preempted pods. */
  public static onPodConditions(options: PodConditionRuleOptions): PodFailureRule {
    return new PodFailureRule(options.action, new Checked(() => podConditionsMatcher(options)));
  }

  private constructor(
    /** What the rule does on a match. */
    public readonly action: PodFailureAction,
    private readonly matcher: Checked<Record<string, unknown>>,
    /** The container the rule is limited to, if any. */
    public readonly containerName?: string,
  ) {}

  /**
   * Throws the problem the factory found, if any: a workload calls it where it locates errors.
   *
   * @internal
   */
  public _check(): void {
    void this.matcher.value;
  }

  /**
   * The rule as Kubernetes JSON.
   *
   * @internal
   */
  public _toKube(): Record<string, unknown> {
    return { action: this.action, ...this.matcher.value };
  }
}

function exitCodesMatcher(options: ExitCodeRuleOptions): Record<string, unknown> {
  const operator = options.operator ?? ExitCodeOperator.IN;
  const codes = [...new Set(options.exitCodes)].sort((a, b) => a - b);
  const shown = `[${options.exitCodes.join(', ')}]`;
  if (codes.length === 0 || codes.length > MAX_EXIT_CODES) {
    throw new BatchValidationError('podFailureRules.exitCodes', shown,
      `must hold 1 to ${MAX_EXIT_CODES} exit codes`, 'List the exit codes that the rule should match.');
  }
  for (const code of codes) {
    if (!Number.isInteger(code) || code < 0 || code > 255) {
      throw new BatchValidationError('podFailureRules.exitCodes', shown,
        `exit code ${code} is not a whole number from 0 to 255`, 'Use exit codes from 0 to 255.');
    }
  }
  if (operator === ExitCodeOperator.IN && codes.includes(0)) {
    throw new BatchValidationError('podFailureRules.exitCodes', shown,
      'exit code 0 cannot be matched with the In operator (a successful container never fails a pod)',
      'Remove 0 from the list, or use ExitCodeOperator.NOT_IN.');
  }
  return { onExitCodes: { containerName: options.containerName, operator, values: codes } };
}

function podConditionsMatcher(options: PodConditionRuleOptions): Record<string, unknown> {
  const shown = JSON.stringify(options.conditions);
  if (options.conditions.length === 0 || options.conditions.length > MAX_CONDITIONS) {
    throw new BatchValidationError('podFailureRules.conditions', shown,
      `must hold 1 to ${MAX_CONDITIONS} conditions`, 'List the pod conditions the rule should match.');
  }
  const patterns = options.conditions.map((c) => {
    const status = c.status ?? 'True';
    if (!CONDITION_STATUSES.includes(status)) {
      throw new BatchValidationError('podFailureRules.conditions.status', status,
        'is not a condition status', 'Use "True", "False" or "Unknown".');
    }
    if (!/^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(c.type.split('/').pop() ?? '')) {
      throw new BatchValidationError('podFailureRules.conditions.type', c.type,
        'is not a valid condition type', 'Use a condition type such as "DisruptionTarget".');
    }
    return { type: c.type, status };
  });
  return { onPodConditions: patterns };
}
