import { BatchValidationError } from '../errors';
import { PodFailureAction, PodFailureRule } from './pod-failure-policy';
import { PodTemplateJson } from './pod-template';

/** Kubernetes JSON of a Job spec (only the fields we read). */
export interface JobSpecJson {
  [key: string]: unknown;
  template: PodTemplateJson;
}

/** Rules with `FailIndex` need per-index retries, which only matrix workloads have. */
export function checkNoFailIndex(rules: PodFailureRule[] | undefined): void {
  if ((rules ?? []).some((r) => r.action === PodFailureAction.FAIL_INDEX)) {
    throw new BatchValidationError('podFailureRules', 'FailIndex',
      'needs per-cell retries, which only matrix workloads have',
      'Use PodFailureAction.FAIL_JOB, or give the workload a matrix.');
  }
}

