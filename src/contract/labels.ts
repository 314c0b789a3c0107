/**
 * How the labels cdk8s-batch shares with the cluster are written and read, the writer beside
 * its reader (as ./annotations.ts does for annotations), so the constructs, the run core, the
 * controller and the CLI apply one rule. A reader takes the labels as a manifest file holds
 * them (any JSON value) and treats a value that is not a string as absent.
 */
import { LABEL_JOB_RUN, LABEL_KIND, LABEL_MATRIX_CELL, LABEL_WORKLOAD } from './keys';

/** Labels as an object or a manifest file holds them. */
type Labels = Readonly<Record<string, unknown>> | undefined;

/** The label that puts an object (CronJob, Job, pod, ConfigMap, JobTemplate, JobRun) in a workload. */
export function workloadLabel(workload: string): Record<string, string> {
  return { [LABEL_WORKLOAD]: workload };
}

/** The workload an object is labelled with, or undefined (not a cdk8s-batch object). */
export function readWorkloadLabel(labels: Labels): string | undefined {
  return stringAt(labels, LABEL_WORKLOAD);
}

/** The label selector for the objects of `workload` (`cdk8s-batch.dev/workload=NAME`), for a list call. */
export function workloadSelector(workload: string): string {
  return `${LABEL_WORKLOAD}=${workload}`;
}

/** The label that says which construct kind emitted the object, e.g. `ScheduledBatch`. */
export function kindLabel(kind: string): Record<string, string> {
  return { [LABEL_KIND]: kind };
}

/** The construct kind an object is labelled with, or undefined. */
export function readKindLabel(labels: Labels): string | undefined {
  return stringAt(labels, LABEL_KIND);
}

/** The label on a Job created for an ad-hoc run (and on its pods): the JobRun's name. */
export function jobRunLabel(jobRun: string): Record<string, string> {
  return { [LABEL_JOB_RUN]: jobRun };
}

/** The JobRun a Job was created for, by its label, or undefined. */
export function readJobRunLabel(labels: Labels): string | undefined {
  return stringAt(labels, LABEL_JOB_RUN);
}

/** The label on a matrix cell's pod (and, with one Job per cell, its Job): the cell's index. */
export function matrixCellLabel(index: number): Record<string, string> {
  return { [LABEL_MATRIX_CELL]: String(index) };
}

function stringAt(labels: Labels, key: string): string | undefined {
  const value = labels?.[key];
  return typeof value === 'string' ? value : undefined;
}
