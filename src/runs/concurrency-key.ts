/**
 * The key that groups objects for concurrency: the workload they belong to, in their
 * namespace. The Enqueue rule, the JobRun rule, the controller's cache index and the run
 * core all group by it, so a workload's Jobs, CronJob, JobTemplate and JobRuns meet under one
 * key.
 */
import { readWorkloadLabel } from '../contract/labels';

/** The fields of an object (raw JSON) that name its workload. */
export interface WorkloadMember {
  readonly metadata?: { readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly spec?: {
    /** A JobRun: the JobTemplate or CronJob it runs, named after the workload. */
    readonly templateRef?: { readonly name?: string };
    /** A JobTemplate: whose it is. */
    readonly workload?: { readonly name?: string };
  };
}

/**
 * The workload an object belongs to: a JobRun's template, a JobTemplate's `spec.workload`,
 * else the `cdk8s-batch.dev/workload` label.
 */
export function workloadOf(obj: WorkloadMember): string | undefined {
  if (obj.spec?.templateRef) return obj.spec.templateRef.name || undefined;
  return obj.spec?.workload?.name ?? readWorkloadLabel(obj.metadata?.labels);
}

/** `namespace/workload`, or undefined when the object has no namespace or no workload. */
export function concurrencyKey(obj: WorkloadMember): string | undefined {
  const namespace = obj.metadata?.namespace;
  const workload = workloadOf(obj);
  return namespace && workload ? workloadKey(namespace, workload) : undefined;
}

/** The concurrency key of `workload` in `namespace`. */
export function workloadKey(namespace: string, workload: string): string {
  return `${namespace}/${workload}`;
}
