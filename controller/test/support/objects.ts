/** Builders for the objects the constructs emit (see src/workloads/scheduled-batch.ts). */
import {
  ANNOTATION_CONCURRENCY, ANNOTATION_MAX_CONCURRENCY, ANNOTATION_MAX_QUEUED, ANNOTATION_NOT_AFTER, ANNOTATION_NOT_BEFORE,
  ANNOTATION_PENDING_TIMEOUT, LABEL_WORKLOAD,
} from '../../../src/contract/keys';
import { ConcurrencyPolicy } from '../../../src/contract/concurrency-policy';
import { CronJob, Job, JobRun, JobTemplate, Pod } from '../../src/kube/types';

export const NS = 'team-a';

export interface EnqueueSettings {
  readonly maxConcurrency?: number;
  readonly maxQueued?: number;
}

export function enqueueAnnotations(s: EnqueueSettings = {}): Record<string, string> {
  return {
    [ANNOTATION_CONCURRENCY]: ConcurrencyPolicy.ENQUEUE,
    [ANNOTATION_MAX_CONCURRENCY]: String(s.maxConcurrency ?? 1),
    ...(s.maxQueued !== undefined ? { [ANNOTATION_MAX_QUEUED]: String(s.maxQueued) } : {}),
  };
}

export interface CronJobSpec extends EnqueueSettings {
  readonly name?: string;
  readonly enqueue?: boolean;
  readonly notBefore?: string;
  readonly notAfter?: string;
  readonly suspend?: boolean;
  readonly startingDeadlineSeconds?: number | null;
  readonly annotations?: Record<string, string>;
}

export function cronJob(spec: CronJobSpec = {}): CronJob {
  const name = spec.name ?? 'nightly';
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: {
      name,
      namespace: NS,
      labels: { [LABEL_WORKLOAD]: name },
      annotations: {
        ...(spec.enqueue ? enqueueAnnotations(spec) : {}),
        ...(spec.notBefore ? { [ANNOTATION_NOT_BEFORE]: spec.notBefore } : {}),
        ...(spec.notAfter ? { [ANNOTATION_NOT_AFTER]: spec.notAfter } : {}),
        ...spec.annotations,
      },
    },
    spec: {
      schedule: '0 * * * *',
      concurrencyPolicy: 'Allow',
      suspend: spec.suspend ?? false,
      ...(spec.startingDeadlineSeconds === null ? {} : { startingDeadlineSeconds: spec.startingDeadlineSeconds ?? 60 }),
    },
  };
}

export interface JobSpec extends EnqueueSettings {
  readonly name: string;
  readonly workload?: string;
  readonly created?: string;
  readonly suspend?: boolean;
  readonly enqueue?: boolean;
  readonly pendingTimeoutSeconds?: number | string;
  readonly ownerUid?: string;
  readonly annotations?: Record<string, string>;
}

export function job(spec: JobSpec): Job {
  const workload = spec.workload ?? 'nightly';
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: spec.name,
      namespace: NS,
      ...(spec.created ? { creationTimestamp: spec.created } : {}),
      labels: { [LABEL_WORKLOAD]: workload },
      annotations: {
        ...(spec.enqueue !== false ? enqueueAnnotations(spec) : {}),
        ...(spec.pendingTimeoutSeconds !== undefined ? { [ANNOTATION_PENDING_TIMEOUT]: String(spec.pendingTimeoutSeconds) } : {}),
        ...spec.annotations,
      },
      ownerReferences: spec.ownerUid
        ? [{ apiVersion: 'batch/v1', kind: 'CronJob', name: workload, uid: spec.ownerUid, controller: true }]
        : undefined,
    },
    spec: { suspend: spec.suspend ?? (spec.enqueue !== false), backoffLimit: 2 },
    status: {},
  };
}

export function pod(name: string, owner: Job, options: { created?: string; phase?: string; workload?: string } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: NS,
      ...(options.created ? { creationTimestamp: options.created } : {}),
      labels: { [LABEL_WORKLOAD]: options.workload ?? owner.metadata.labels?.[LABEL_WORKLOAD] ?? 'nightly' },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: owner.metadata.name!, uid: owner.metadata.uid!, controller: true }],
    },
    spec: { nodeSelector: { none: 'true' } },
    status: {
      phase: options.phase ?? 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/1 nodes are available' }],
    },
  };
}

/** Marks a Job finished as the Job controller would. */
export function finish(j: Job, type: 'Complete' | 'Failed' = 'Complete'): void {
  j.status = { ...j.status, conditions: [...(j.status?.conditions ?? []), { type, status: 'True' }] };
}

export interface JobTemplateSpec {
  readonly name?: string;
  readonly policy?: 'Allow' | 'Forbid' | 'Replace' | 'Enqueue';
  readonly maxConcurrency?: number;
  readonly maxQueued?: number;
  /** Container args; default `['echo', 'Hello, ${option.username}!']`. */
  readonly args?: string[];
  readonly options?: Record<string, unknown>[];
}

/** A JobTemplate shaped as `ParameterizedJob` synthesizes it (cf. dist/parameterized.k8s.yaml). */
export function jobTemplate(spec: JobTemplateSpec = {}): JobTemplate {
  const name = spec.name ?? 'greet';
  const policy = spec.policy ?? 'Allow';
  const enqueue = policy === 'Enqueue' ? enqueueAnnotations({ maxConcurrency: spec.maxConcurrency ?? 1 }) : undefined;
  return {
    apiVersion: 'cdk8s-batch.dev/v1alpha1',
    kind: 'JobTemplate',
    metadata: { name, namespace: NS, labels: { [LABEL_WORKLOAD]: name, 'cdk8s-batch.dev/kind': 'ParameterizedJob' } },
    spec: {
      workload: { kind: 'ParameterizedJob', name },
      concurrency: {
        policy,
        ...(policy === 'Enqueue' ? { maxConcurrency: spec.maxConcurrency ?? 1 } : {}),
        ...(spec.maxQueued !== undefined ? { maxQueued: spec.maxQueued } : {}),
      },
      options: spec.options ?? [
        { type: 'String', name: 'username', required: false, string: { default: 'Example User', trimSpaces: true } },
        { type: 'Select', name: 'region', required: false, select: { values: ['emea', 'amer'], default: 'emea', allowCustom: false } },
        { type: 'Int', name: 'top', required: false, int: { default: 10, min: 1, max: 100 } },
      ],
      template: {
        metadata: { labels: { [LABEL_WORKLOAD]: name }, ...(enqueue ? { annotations: enqueue } : {}) },
        spec: {
          backoffLimit: 2,
          template: {
            metadata: { labels: { [LABEL_WORKLOAD]: name } },
            spec: {
              restartPolicy: 'Never',
              containers: [{ name: 'main', image: 'alpine:3.20', args: spec.args ?? ['echo', 'Hello, ${option.username}!', '--region=${option.region}', '--out=/${workload.namespace}/${workload.name}'] }],
            },
          },
        },
      },
    },
  };
}

export interface JobRunSpec {
  readonly template?: string;
  readonly kind?: 'JobTemplate' | 'CronJob';
  readonly values?: Record<string, string>;
  readonly force?: boolean;
  readonly created?: string;
}

export function jobRun(name: string, spec: JobRunSpec = {}): JobRun {
  return {
    apiVersion: 'cdk8s-batch.dev/v1alpha1',
    kind: 'JobRun',
    metadata: { name, namespace: NS, ...(spec.created ? { creationTimestamp: spec.created } : {}) },
    spec: {
      templateRef: { ...(spec.kind ? { kind: spec.kind } : {}), name: spec.template ?? 'greet' },
      ...(spec.values ? { values: spec.values } : {}),
      ...(spec.force !== undefined ? { force: spec.force } : {}),
    },
  };
}
