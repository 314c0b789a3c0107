import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { BatchJobProps } from './job-props';
import { MAX_POD_FAILURE_RULES, PodFailureAction, PodFailureRule } from './pod-failure-policy';
import { MAX_RETRY_DELAY_SECONDS } from '../contract/annotations';
import { BatchValidationError } from '../errors';
import { checkAnnotations, checkLabels } from '../kube/validation';

/** Checks the Job settings every workload shares (`BatchJobProps`), the first problem first. */
export function checkJobSettings(props: BatchJobProps): void {
  const maxAttempts = props.maxAttempts ?? 3;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 1_000_000) {
    throw new BatchValidationError('maxAttempts', String(props.maxAttempts),
      'must be a whole number of at least 1 (the first attempt counts)', 'Use 1 for no retries, 3 for two retries.');
  }
  checkPositiveSeconds('activeDeadline', props.activeDeadline, 1);
  checkPositiveSeconds('ttlAfterFinished', props.ttlAfterFinished, 0);
  checkPositiveSeconds('pendingTimeout', props.pendingTimeout, 1);
  checkPositiveSeconds('retryDelay', props.retryDelay, 1, MAX_RETRY_DELAY_SECONDS);
  const restart = props.restartPolicy ?? kplus.RestartPolicy.NEVER;
  if (restart === kplus.RestartPolicy.ALWAYS) {
    throw new BatchValidationError('restartPolicy', restart,
      'is not allowed for Jobs (Kubernetes accepts only OnFailure and Never)',
      'Use RestartPolicy.NEVER (a new pod per attempt) or RestartPolicy.ON_FAILURE.');
  }
  if (props.retryDelay && restart !== kplus.RestartPolicy.NEVER) {
    throw new BatchValidationError('retryDelay', `${props.retryDelay.toSeconds()} seconds with restartPolicy ${restart}`,
      'cannot be kept: with OnFailure the kubelet restarts the container inside the same pod (with its own back-off), so there is no new pod to hold back',
      'Remove restartPolicy (it defaults to Never: a new pod per attempt) or remove retryDelay.');
  }
  // Value objects keep their problems until a workload uses them: report them here, located.
  props.kubernetesVersion?._check();
  const rules = props.podFailureRules ?? [];
  rules.forEach((rule) => rule._check());
  if (rules.length > 0 && restart !== kplus.RestartPolicy.NEVER) {
    throw new BatchValidationError('podFailureRules', `restartPolicy ${restart}`,
      'need restartPolicy Never (Kubernetes rejects pod failure policies otherwise)',
      'Remove restartPolicy (it defaults to Never) or the pod failure rules.');
  }
  if (rules.length > MAX_POD_FAILURE_RULES) {
    throw new BatchValidationError('podFailureRules', `${rules.length} rules`,
      `are more than the ${MAX_POD_FAILURE_RULES} Kubernetes allows`, 'Merge rules with the same action.');
  }
  checkLabels('podMetadata.labels', props.podMetadata?.labels);
  checkAnnotations('podMetadata.annotations', props.podMetadata?.annotations);
  checkLabels('jobMetadata.labels', props.jobMetadata?.labels);
  checkAnnotations('jobMetadata.annotations', props.jobMetadata?.annotations);
}

function checkPositiveSeconds(field: string, value: Duration | undefined, min: number, max?: number): void {
  if (value === undefined) {
    return;
  }
  // Not `toSeconds()`: it throws its own message, without the field, on a fraction of a second.
  const seconds = value.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < min) {
    throw new BatchValidationError(field, `${seconds} seconds`,
      `must be a whole number of seconds, at least ${min}`, 'Use e.g. Duration.minutes(5).');
  }
  if (max !== undefined && seconds > max) {
    throw new BatchValidationError(field, `${seconds} seconds`,
      `must be at most ${max} seconds`, `Use e.g. Duration.minutes(5); at most Duration.seconds(${max}).`);
  }
}

/** Rules with `FailIndex` need per-index retries, which only matrix workloads have. */
export function checkNoFailIndex(rules: PodFailureRule[] | undefined): void {
  if ((rules ?? []).some((r) => r.action === PodFailureAction.FAIL_INDEX)) {
    throw new BatchValidationError('podFailureRules', 'FailIndex',
      'needs per-cell retries, which only matrix workloads have',
      'Use PodFailureAction.FAIL_JOB, or give the workload a matrix.');
  }
}
