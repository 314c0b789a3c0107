import { ApiObjectMetadata } from 'cdk8s';
import { IndexedMatrix } from './indexed-matrix';
import { BatchJobProps, WorkloadIdentity } from './job-props';
import { PodTemplateJson } from './pod-template';
import { pendingTimeoutAnnotation, retryDelayAnnotation, retryDelayGates } from '../contract/annotations';
import { workloadLabel } from '../contract/labels';
import { locating } from '../errors';
import { PodSecurity, restrictPodSpec } from '../kube/pod-security';
import { JobOptionSet, Substitution } from '../options';

/** Kubernetes JSON of a Job spec (only the fields we read). */
export interface JobSpecJson {
  [key: string]: unknown;
  template: PodTemplateJson;
}

/** What a workload's Jobs are rendered from: its validated settings, options, matrix and pod. */
export interface JobModel {
  /** The construct whose path errors are reported at. */
  readonly scope: { node: { path: string } };
  readonly props: BatchJobProps;
  readonly optionSet: JobOptionSet;
  readonly indexed?: IndexedMatrix;
}

/**
 * The Job spec of a workload as plain JSON; `extra` fields are merged over it. `template` is
 * the rendered pod, which this changes and keeps.
 *
 * With `values`, every `${...}` reference is substituted (option values rendered from
 * `values`, defaults for the rest). Without, `${option.*}` and `${workload.*}` references
 * are checked and left in place for the controller or CLI to fill in (a JobTemplate).
 * With `cell`, the Job of that matrix cell (one Job per cell).
 */
export function renderJobSpec(model: JobModel, template: PodTemplateJson, workload: WorkloadIdentity,
  extra: Record<string, unknown>, values?: Record<string, string>, cell?: number): JobSpecJson {
  const { props, indexed, optionSet, scope } = model;
  template.metadata.labels = { ...template.metadata.labels, ...workloadLabel(workload.name) };
  locating(scope, () => {
    const scopes = {
      workload: { name: workload.name, namespace: workload.namespace },
      ...(indexed ? { matrix: cell === undefined ? indexed.scope() : indexed.cellScope(cell) } : {}),
    };
    indexed?.checkImages(template.spec, { ...scopes, options: optionPlaceholders(optionSet) }, 'spec.template.spec');
    if (values) {
      const options = optionSet.render(values);
      const before = template.spec;
      template.spec = Substitution.inPodSpec(template.spec, { ...scopes, options }, 'spec.template.spec') as PodTemplateJson['spec'];
      if (cell !== undefined) {
        indexed?.substituteCellImages(before, template.spec, { ...scopes, options }, cell, 'spec.template.spec');
      }
    } else {
      Substitution.inPodSpec(template.spec, { ...scopes, options: optionPlaceholders(optionSet) }, 'spec.template.spec');
    }
  });
  const rules = props.podFailureRules ?? [];
  if (cell !== undefined) {
    locating(scope, () => indexed?.deliverCell(template, cell));
  } else {
    indexed?.deliver(template);
  }
  if (props.retryDelay) {
    // Every pod starts gated; the controller releases it when its index's delay has passed.
    template.metadata.annotations = { ...template.metadata.annotations, ...retryDelayAnnotation(props.retryDelay.toSeconds()) };
    template.spec.schedulingGates = [...(template.spec.schedulingGates as Array<{ name: string }> | undefined ?? []), ...retryDelayGates()];
  }
  // After delivery, so that the containers cdk8s-batch adds are completed too.
  if ((props.podSecurity ?? PodSecurity.RESTRICTED) === PodSecurity.RESTRICTED) {
    restrictPodSpec(template.spec);
  }
  return {
    activeDeadlineSeconds: props.activeDeadline?.toSeconds(),
    backoffLimit: (props.maxAttempts ?? 3) - 1,
    podFailurePolicy: rules.length > 0 ? { rules: rules.map((r) => r._toKube()) } : undefined,
    ttlSecondsAfterFinished: props.ttlAfterFinished?.toSeconds(),
    ...indexed?.jobFields(),
    // A group's Jobs wait, suspended, for the controller's admission.
    ...(props.concurrencyGroup ? { suspend: true } : {}),
    ...extra,
    template,
  };
}

/** Labels and annotations for the Jobs of a workload. */
export function jobMetadata(props: BatchJobProps, workloadName: string, annotations: Record<string, string> = {}): ApiObjectMetadata {
  const meta = props.jobMetadata;
  const pending = props.pendingTimeout;
  const group = props.concurrencyGroup?._metadata();
  const allAnnotations: Record<string, string> = {
    ...meta?.annotations,
    ...annotations,
    ...(pending ? pendingTimeoutAnnotation(pending.toSeconds()) : {}),
    ...group?.annotations,
  };
  return {
    labels: { ...meta?.labels, ...group?.labels, ...workloadLabel(workloadName) },
    annotations: Object.keys(allAnnotations).length > 0 ? allAnnotations : undefined,
  };
}

/** A stand-in value per option, to check `${option.*}` references without rendering values. */
export function optionPlaceholders(options: JobOptionSet): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of options.names) {
    out[name] = '';
  }
  return out;
}
