/**
 * The few fields of Kubernetes objects the controller reads, as plain JSON (what the API
 * server sends). The controller never works with client-node's model classes: its typed API
 * turns timestamps into `Date` objects and drops fields it does not know, while watch events
 * arrive as raw JSON, so one informer cache would hold two shapes. Everything here is raw
 * JSON, read and written through `KubeApi`.
 */
import { API_GROUP, API_VERSION, JOB_RUN_KIND, JOB_TEMPLATE_KIND } from '../../../src/contract/keys';

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
}

export interface KubeList<T> {
  apiVersion?: string;
  kind?: string;
  metadata?: { resourceVersion?: string; continue?: string };
  items: T[];
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastProbeTime?: string | null;
}

export interface Job extends KubeObject {
  spec?: {
    suspend?: boolean;
    backoffLimit?: number;
    activeDeadlineSeconds?: number;
    [key: string]: unknown;
  };
  status?: {
    conditions?: Condition[];
    startTime?: string;
    completionTime?: string;
    active?: number;
    succeeded?: number;
    failed?: number;
  };
}

export interface CronJob extends KubeObject {
  spec?: {
    schedule?: string;
    suspend?: boolean;
    startingDeadlineSeconds?: number;
    concurrencyPolicy?: string;
    [key: string]: unknown;
  };
  status?: Record<string, unknown>;
}

export interface Pod extends KubeObject {
  spec?: { nodeName?: string; [key: string]: unknown };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: Condition[];
    [key: string]: unknown;
  };
}

export interface Lease extends KubeObject {
  spec?: {
    holderIdentity?: string | null;
    leaseDurationSeconds?: number;
    acquireTime?: string | null;
    renewTime?: string | null;
    leaseTransitions?: number;
  };
}

/** A JobTemplate (cdk8s-batch.dev/v1alpha1); the run core reads its spec. */
export interface JobTemplate extends KubeObject {
  spec?: Record<string, any>;
}

/** A JobRun (cdk8s-batch.dev/v1alpha1): a request for one ad-hoc run. */
export interface JobRun extends KubeObject {
  spec?: {
    templateRef?: { kind?: string; name?: string };
    values?: Record<string, string>;
    force?: boolean;
    startAfter?: string;
  };
  status?: JobRunStatus;
}

export interface JobRunStatus {
  phase?: string;
  jobName?: string;
  values?: Record<string, string>;
  startTime?: string;
  completionTime?: string;
  observedGeneration?: number;
  conditions?: Condition[];
}

/** A resource the controller talks to: enough to build its REST path and watch URL. */
export interface ResourceType {
  /** API group, '' for core. */
  readonly group: string;
  readonly version: string;
  /** Plural resource name, e.g. `jobs`. */
  readonly plural: string;
  readonly kind: string;
  readonly namespaced: boolean;
}

export const JOBS: ResourceType = { group: 'batch', version: 'v1', plural: 'jobs', kind: 'Job', namespaced: true };
export const CRONJOBS: ResourceType = { group: 'batch', version: 'v1', plural: 'cronjobs', kind: 'CronJob', namespaced: true };
export const PODS: ResourceType = { group: '', version: 'v1', plural: 'pods', kind: 'Pod', namespaced: true };
export const LEASES: ResourceType = { group: 'coordination.k8s.io', version: 'v1', plural: 'leases', kind: 'Lease', namespaced: true };
export const JOB_RUNS: ResourceType = { group: API_GROUP, version: API_VERSION, plural: 'jobruns', kind: JOB_RUN_KIND, namespaced: true };
export const JOB_TEMPLATES: ResourceType = {
  group: API_GROUP, version: API_VERSION, plural: 'jobtemplates', kind: JOB_TEMPLATE_KIND, namespaced: true,
};
export const EVENTS: ResourceType = { group: 'events.k8s.io', version: 'v1', plural: 'events', kind: 'Event', namespaced: true };

/** `apiVersion` of a resource type, e.g. `batch/v1` or `v1`. */
export function apiVersionOf(rt: ResourceType): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

/**
 * The REST path of a collection or object: `/apis/batch/v1/namespaces/ns/jobs/name/status`.
 * Without a namespace, the all-namespaces collection (`/apis/batch/v1/jobs`).
 */
export function resourcePath(rt: ResourceType, namespace?: string, name?: string, subresource?: string): string {
  let path = rt.group ? `/apis/${rt.group}/${rt.version}` : `/api/${rt.version}`;
  if (rt.namespaced && namespace) {
    path += `/namespaces/${encodeURIComponent(namespace)}`;
  }
  path += `/${rt.plural}`;
  if (name !== undefined) {
    path += `/${encodeURIComponent(name)}`;
    if (subresource) {
      path += `/${subresource}`;
    }
  }
  return path;
}

/** `namespace/name` of an object. */
export function keyOf(obj: KubeObject): string {
  return obj.metadata.namespace ? `${obj.metadata.namespace}/${obj.metadata.name}` : `${obj.metadata.name}`;
}

/** Splits a `namespace/name` key. */
export function splitKey(key: string): { namespace: string; name: string } {
  const slash = key.indexOf('/');
  return slash < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** Milliseconds since the epoch of an RFC 3339 timestamp; NaN when absent or invalid. */
export function timeOf(value: string | undefined | null): number {
  return value ? Date.parse(value) : NaN;
}
