import { RunSourceKind } from '../contract/job-run';
import { API_GROUP_VERSION, JOB_RUN_KIND } from '../contract/keys';
import { workloadLabel } from '../contract/labels';

/** What a `JobRun` asks for. */
export interface JobRunRequest {
  readonly name: string;
  /** @default - none (the chart's or the kubeconfig's namespace applies) */
  readonly namespace?: string;
  /** The workload, for the `cdk8s-batch.dev/workload` label. */
  readonly workload: string;
  /** What to run: a JobTemplate (default) or a CronJob, by name. */
  readonly templateKind?: RunSourceKind;
  readonly templateName: string;
  /** The values as given (strings, like `--set`); defaults are the controller's to fill in. */
  readonly values?: Record<string, string>;
  readonly force?: boolean;
  /** Hold the run until then: RFC 3339 (`startAfterValue()`). */
  readonly startAfter?: string;
  readonly labels?: Record<string, string>;
}

/**
 * A `JobRun` manifest, written the same way by `ParameterizedJob.addRun()` and by
 * `cdk8s-batch run` (values in key order, so the output is stable).
 */
export function jobRunManifest(request: JobRunRequest): Record<string, any> {
  const keys = Object.keys(request.values ?? {}).sort();
  return {
    apiVersion: API_GROUP_VERSION,
    kind: JOB_RUN_KIND,
    metadata: {
      name: request.name,
      ...(request.namespace ? { namespace: request.namespace } : {}),
      labels: { ...request.labels, ...workloadLabel(request.workload) },
    },
    spec: {
      templateRef: {
        ...(request.templateKind && request.templateKind !== RunSourceKind.JOB_TEMPLATE ? { kind: request.templateKind } : {}),
        name: request.templateName,
      },
      ...(keys.length > 0 ? { values: Object.fromEntries(keys.map((k) => [k, request.values![k]])) } : {}),
      ...(request.force ? { force: true } : {}),
      ...(request.startAfter ? { startAfter: request.startAfter } : {}),
    },
  };
}
