import { checkEnqueueCaps, concurrencyGroupOf, enqueueAnnotations } from '../contract/annotations';
import { API_GROUP_VERSION, JOB_RUN_KIND } from '../contract/keys';
import { jobRunLabel, workloadLabel } from '../contract/labels';
import { checkObjectName } from '../kube/validation';
import { Substitution } from '../options';
import { RunAdmission } from './admission';
import { RunSource } from './run-source';

/** One ad-hoc run: who asks, with which values. */
export interface RunRequest {
  /** The run's name; the Job takes it. */
  readonly name: string;
  /** Option values by name, as strings (`--set name=value`, a JobRun's `spec.values`). */
  readonly values?: Record<string, string>;
  /** `START` creates a running Job, `QUEUE` a suspended one for the Enqueue rule. */
  readonly admission: RunAdmission.START | RunAdmission.QUEUE;
  /** The JobRun that owns the Job (its uid), when there is one. */
  readonly jobRunUid?: string;
}

/** The Job of a run, and the rendered option values it was made with. */
export interface RunJob {
  readonly job: Record<string, any>;
  readonly values: Record<string, string>;
}

/** A run's name becomes its Job's name, which Kubernetes puts in a pod label: a DNS label of at most 63 characters. */
export function checkRunName(name: string): void {
  checkObjectName('name', name, 63, 'the Job takes the run\'s name, and Kubernetes puts it in a pod label');
}

/**
 * The Job for one ad-hoc run: option values validated and rendered by the options core,
 * `${option.*}` and `${workload.*}` substituted, the run's name and labels set, and, when
 * queued, suspended with the Enqueue annotations. The controller creates exactly this object
 * for a JobRun; `cdk8s-batch run --dry-run` prints it.
 *
 * @throws BatchValidationError for a bad run name or bad values (the first; use
 * `source.options.validate()` for all of them)
 */
export function jobForRun(source: RunSource, request: RunRequest): RunJob {
  checkRunName(request.name);
  const values = source.options.render(request.values ?? {});
  const scopes = { options: values, workload: { name: source.workload, namespace: source.namespace } };
  const spec = structuredClone(source.jobSpec);
  const template = spec.template ?? {};
  if (source.substitute && template.spec) {
    template.spec = Substitution.inPodSpec(template.spec, scopes, 'spec.template.spec.template.spec');
  }
  template.metadata = {
    ...template.metadata,
    labels: { ...template.metadata?.labels, ...workloadLabel(source.workload), ...jobRunLabel(request.name) },
  };
  spec.template = template;
  const queued = request.admission === RunAdmission.QUEUE;
  // A Job in a concurrency group waits for the group's admission whatever its own policy says
  // (even forced: the group guards a resource shared with other workloads).
  const grouped = concurrencyGroupOf(source.jobMetadata.labels) !== undefined;
  if (queued || grouped) spec.suspend = true; else delete spec.suspend;

  const annotations: Record<string, string> = { ...source.jobMetadata.annotations };
  const enqueue = enqueueAnnotations(checkEnqueueCaps(source.concurrency));
  for (const key of Object.keys(enqueue)) {
    // Only a queued Job carries the Enqueue annotations, so a forced run is never "queued".
    if (queued) annotations[key] = enqueue[key]; else delete annotations[key];
  }
  const job: Record<string, any> = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: request.name,
      namespace: source.namespace,
      labels: { ...source.jobMetadata.labels, ...workloadLabel(source.workload), ...jobRunLabel(request.name) },
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ...(request.jobRunUid ? {
        ownerReferences: [{
          apiVersion: API_GROUP_VERSION, kind: JOB_RUN_KIND, name: request.name, uid: request.jobRunUid, controller: true,
        }],
      } : {}),
    },
    spec,
  };
  return { job, values };
}
