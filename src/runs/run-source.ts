import { workloadOf } from './concurrency-key';
import { readEnqueue } from '../contract/annotations';
import { ConcurrencyPolicy } from '../contract/concurrency-policy';
import { RunSourceKind } from '../contract/job-run';
import { API_GROUP_VERSION, JOB_TEMPLATE_KIND } from '../contract/keys';
import { BatchValidationError } from '../errors';
import { JobOptionSet, JobOptionSchema } from '../options';

/**
 * What an ad-hoc run is made from: a `JobTemplate` (a ParameterizedJob, or a ScheduledBatch
 * with options) or a `CronJob` (a ScheduledBatch without options). Read from the objects as
 * the API server or a synthesized manifest holds them, by the controller and the CLI alike.
 *
 * Internal to cdk8s-batch (the controller and the CLI); not part of the jsii API.
 */
export interface RunSource {
  /** `JobTemplate` or `CronJob`. */
  readonly kind: RunSourceKind;
  readonly name: string;
  readonly namespace: string;
  /** The workload's name: its `cdk8s-batch.dev/workload` label, else the object's name. */
  readonly workload: string;
  readonly options: JobOptionSet;
  readonly concurrency: RunConcurrency;
  /** Labels and annotations for the Job. */
  readonly jobMetadata: { readonly labels?: Record<string, string>; readonly annotations?: Record<string, string> };
  /**
   * The batch/v1 JobSpec: with `${option.*}` and `${workload.*}` references left in for a
   * JobTemplate, already substituted for a CronJob (substituting again would undo `$${` escapes).
   */
  readonly jobSpec: Record<string, any>;
  /** Whether `jobSpec` still holds references to substitute. */
  readonly substitute: boolean;
}

/** The concurrency policy of ad-hoc runs. */
export interface RunConcurrency {
  readonly policy: ConcurrencyPolicy;
  readonly maxConcurrency?: number;
  readonly maxQueued?: number;
}

const POLICIES: readonly string[] = Object.values(ConcurrencyPolicy);

/** A run source from a `JobTemplate` object (cdk8s-batch.dev/v1alpha1). */
export function runSourceFromJobTemplate(obj: Record<string, any>): RunSource {
  const where = describe(obj);
  if (obj.apiVersion !== API_GROUP_VERSION || obj.kind !== JOB_TEMPLATE_KIND) {
    throw new BatchValidationError(where, `${obj.apiVersion}/${obj.kind}`, `is not a ${JOB_TEMPLATE_KIND}`,
      `Pass a ${API_GROUP_VERSION} ${JOB_TEMPLATE_KIND}.`);
  }
  const spec = obj.spec ?? {};
  const template = spec.template ?? {};
  if (!isObject(template.spec)) {
    throw new BatchValidationError(`${where} spec.template.spec`, JSON.stringify(template.spec ?? null),
      'is missing', 'Synthesize the JobTemplate with cdk8s-batch, or give it a batch/v1 JobSpec.');
  }
  const concurrency = spec.concurrency ?? {};
  const policy = concurrency.policy ?? ConcurrencyPolicy.ALLOW;
  if (!POLICIES.includes(policy)) {
    throw new BatchValidationError(`${where} spec.concurrency.policy`, String(policy), 'is not a concurrency policy',
      `Use one of ${POLICIES.join(', ')}.`);
  }
  let options: JobOptionSet;
  try {
    options = JobOptionSet.fromSchema((spec.options ?? []) as JobOptionSchema[]);
  } catch (e) {
    throw e instanceof BatchValidationError ? e.at(`${where} spec.options`) : e;
  }
  return {
    kind: RunSourceKind.JOB_TEMPLATE,
    name: obj.metadata?.name,
    namespace: obj.metadata?.namespace ?? 'default',
    workload: workloadOf(obj) ?? obj.metadata?.name,
    options,
    concurrency: {
      policy: policy as ConcurrencyPolicy,
      maxConcurrency: policy === ConcurrencyPolicy.ENQUEUE ? concurrency.maxConcurrency ?? 1 : undefined,
      maxQueued: policy === ConcurrencyPolicy.ENQUEUE ? concurrency.maxQueued : undefined,
    },
    jobMetadata: { labels: template.metadata?.labels, annotations: template.metadata?.annotations },
    jobSpec: template.spec,
    substitute: true,
  };
}

/**
 * A run source from a `CronJob` (batch/v1): its Job template and concurrency policy, where
 * `Enqueue` is read from the `cdk8s-batch.dev/concurrency-policy` annotation.
 */
export function runSourceFromCronJob(obj: Record<string, any>): RunSource {
  const where = describe(obj);
  if (obj.apiVersion !== 'batch/v1' || obj.kind !== 'CronJob') {
    throw new BatchValidationError(where, `${obj.apiVersion}/${obj.kind}`, 'is not a batch/v1 CronJob', 'Pass a CronJob.');
  }
  const jobTemplate = obj.spec?.jobTemplate ?? {};
  if (!isObject(jobTemplate.spec)) {
    throw new BatchValidationError(`${where} spec.jobTemplate.spec`, 'null', 'is missing', 'Give the CronJob a Job template.');
  }
  let enqueue;
  try {
    enqueue = readEnqueue(obj.metadata?.annotations);
  } catch (e) {
    throw e instanceof BatchValidationError ? e.at(where) : e;
  }
  const policy = enqueue ? ConcurrencyPolicy.ENQUEUE : obj.spec?.concurrencyPolicy ?? ConcurrencyPolicy.ALLOW;
  if (!POLICIES.includes(policy)) {
    throw new BatchValidationError(`${where} spec.concurrencyPolicy`, String(policy), 'is not a concurrency policy',
      'Use Allow, Forbid or Replace.');
  }
  return {
    kind: RunSourceKind.CRON_JOB,
    name: obj.metadata?.name,
    namespace: obj.metadata?.namespace ?? 'default',
    workload: workloadOf(obj) ?? obj.metadata?.name,
    options: new JobOptionSet([]),
    concurrency: {
      policy: policy as ConcurrencyPolicy,
      maxConcurrency: enqueue?.maxConcurrency,
      maxQueued: enqueue?.maxQueued,
    },
    jobMetadata: { labels: jobTemplate.metadata?.labels, annotations: jobTemplate.metadata?.annotations },
    jobSpec: jobTemplate.spec,
    substitute: false,
  };
}

function describe(obj: Record<string, any>): string {
  const ns = obj.metadata?.namespace ?? 'default';
  return `${obj.kind ?? 'object'} ${ns}/${obj.metadata?.name ?? '(unnamed)'}`;
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
