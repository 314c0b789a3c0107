import { API_GROUP_VERSION, JOB_TEMPLATE_KIND } from '../contract/keys';
import { kindLabel, workloadLabel } from '../contract/labels';
import { JobOptionSchema } from '../options';

/** Who a `JobTemplate` belongs to, and the metadata it is written with. */
export interface JobTemplateHead {
  /** The workload's name; the template takes it. */
  readonly name: string;
  /** The construct kind that emits it: `ParameterizedJob` or `ScheduledBatch`. */
  readonly workloadKind: string;
  readonly metadata?: { readonly labels?: Record<string, string>; readonly [field: string]: unknown };
}

/** What a `JobTemplate` holds: the option schema, the concurrency of ad-hoc runs, the Job template. */
export interface JobTemplateBody {
  /** The option schemas (`JobOptionSet.toSchema()`); none when the workload has no options. */
  readonly options?: JobOptionSchema[];
  readonly concurrency: { readonly policy: string; readonly maxConcurrency?: number; readonly maxQueued?: number };
  /** A batch/v1 JobTemplateSpec with its `${...}` references left in. */
  readonly template: { readonly metadata: unknown; readonly spec: unknown };
}

/**
 * The `apiVersion`, `kind` and `metadata` of a `JobTemplate`, written by `ParameterizedJob`
 * and `ScheduledBatch` and read back by `runSourceFromJobTemplate()`.
 */
export function jobTemplateHead(head: JobTemplateHead): { apiVersion: string; kind: string; metadata: Record<string, any> } {
  return {
    apiVersion: API_GROUP_VERSION,
    kind: JOB_TEMPLATE_KIND,
    metadata: {
      ...head.metadata,
      name: head.name,
      labels: { ...head.metadata?.labels, ...workloadLabel(head.name), ...kindLabel(head.workloadKind) },
    },
  };
}

/** The `spec` of a `JobTemplate` (rendered at synth, once the pod is complete). */
export function jobTemplateSpec(head: JobTemplateHead, body: JobTemplateBody): Record<string, any> {
  return {
    workload: { kind: head.workloadKind, name: head.name },
    options: body.options,
    concurrency: {
      policy: body.concurrency.policy,
      maxConcurrency: body.concurrency.maxConcurrency,
      maxQueued: body.concurrency.maxQueued,
    },
    template: body.template,
  };
}
