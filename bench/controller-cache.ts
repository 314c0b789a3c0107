/**
 * Benchmark: the live heap of the controller's Job cache, without a cluster (issue 17). 5,000
 * Jobs of 50 `ScheduledBatch` workloads, shaped as kube-apiserver serves them after the Job
 * controller marked them suspended (the same Jobs `bench:controller memory` creates, plus what the
 * server adds: uid, resourceVersion, defaults, the selector, `managedFields` of the creator and
 * of kube-controller-manager, the `Suspended` condition), are parsed from JSON one by one (as the
 * REST client and the watch do) and kept, in turn:
 *
 * - whole (the informers before issue 13);
 * - without `managedFields` (`stripManagedFields`, the transform before this change);
 * - as the Job cache now keeps them (`projectJobForCache`: also without the pod template).
 *
 * `heapUsed` after a forced full GC, alternating rounds, median of 5. Needs `--expose-gc`:
 * `node --expose-gc -r ts-node/register/transpile-only bench/controller-cache.ts`
 * (with `TS_NODE_PROJECT=bench/tsconfig.json`). The real controller's RSS needs the rig:
 * `npx projen bench:controller memory`.
 */
import { KubeObject as BenchObject } from './controller/kube';
import { synthWorkloads, jobOf } from './controller/workloads';
import { projectJobForCache, stripManagedFields } from '../controller/src/kube/informer';
import { KubeObject } from '../controller/src/kube/types';

const JOBS = 5000;
const WORKLOADS = 50;
const ROUNDS = 5;

/** A Job as `GET /apis/batch/v1/namespaces/NS/jobs/NAME` returns it once the Job controller saw it. */
export function served(job: BenchObject, i: number): KubeObject {
  const uid = `0b7d6a4e-${String(i).padStart(4, '0')}-4c1e-9a57-6f2d3c1b${String(i).padStart(4, '0')}`;
  const created = '2026-12-01T10:00:00Z';
  const spec = job.spec as Record<string, any>;
  const template = spec.template as Record<string, any>;
  const controllerLabels = {
    'batch.kubernetes.io/controller-uid': uid,
    'batch.kubernetes.io/job-name': job.metadata.name!,
    'controller-uid': uid,
    'job-name': job.metadata.name!,
  };
  return <KubeObject>{
    ...job,
    metadata: {
      ...job.metadata,
      namespace: 'bench-memory-1a2b3c',
      uid,
      resourceVersion: String(100_000 + i * 3),
      generation: 1,
      creationTimestamp: created,
      managedFields: [
        {
          manager: 'bench',
          operation: 'Update',
          apiVersion: 'batch/v1',
          time: created,
          fieldsType: 'FieldsV1',
          fieldsV1: fieldsOf({ metadata: { labels: job.metadata.labels, annotations: job.metadata.annotations }, spec }),
        },
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          apiVersion: 'batch/v1',
          time: created,
          fieldsType: 'FieldsV1',
          subresource: 'status',
          fieldsV1: { 'f:status': { 'f:conditions': { '.': {}, 'k:{"type":"Suspended"}': { '.': {}, 'f:lastProbeTime': {}, 'f:lastTransitionTime': {}, 'f:message': {}, 'f:reason': {}, 'f:status': {}, 'f:type': {} } } } },
        },
      ],
    },
    spec: {
      parallelism: 1,
      completions: 1,
      completionMode: 'NonIndexed',
      manualSelector: false,
      podReplacementPolicy: 'TerminatingOrFailed',
      ...spec,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } },
      template: { ...template, metadata: { ...template.metadata, labels: { ...template.metadata?.labels, ...controllerLabels } } },
    },
    status: {
      conditions: [{ type: 'Suspended', status: 'True', lastProbeTime: created, lastTransitionTime: created, reason: 'JobSuspended', message: 'Job suspended' }],
    },
  };
}

/** managedFields' FieldsV1 for a value: every key as `f:KEY`, leaves as `{}`. */
function fieldsOf(value: unknown): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
  const out: Record<string, unknown> = { '.': {} };
  for (const [k, v] of Object.entries(value)) out[`f:${k}`] = fieldsOf(v);
  return out;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function heapUsed(): number {
  (global as { gc?: () => void }).gc!();
  return process.memoryUsage().heapUsed;
}

export function benchControllerCache(): Record<string, string> {
  if (typeof (global as { gc?: unknown }).gc !== 'function') throw new Error('run with node --expose-gc');
  const workloads = synthWorkloads('nightly', WORKLOADS);
  const texts = Array.from({ length: JOBS }, (_, i) =>
    JSON.stringify(served(jobOf(workloads[i % WORKLOADS], `${workloads[i % WORKLOADS].name}-${i}`), i)));
  const modes: Record<string, (job: KubeObject) => void> = {
    'whole': () => undefined,
    'without managedFields (before)': stripManagedFields,
    'projectJobForCache (now)': projectJobForCache,
  };
  const bytes: Record<string, number[]> = Object.fromEntries(Object.keys(modes).map((m) => [m, []]));
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [mode, transform] of Object.entries(modes)) {
      const before = heapUsed();
      let cache: KubeObject[] | undefined = texts.map((t) => {
        const job = JSON.parse(t) as KubeObject;
        transform(job);
        return job;
      });
      const after = heapUsed();
      if (cache.length !== JOBS) throw new Error('unreachable');
      cache = undefined;
      if (round > 0) bytes[mode].push(after - before); // round 0 warms up
    }
  }
  const kib = (n: number) => `${(n / 1024).toFixed(2)} KiB`;
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  const result: Record<string, string> = {
    'JSON per Job as served (mean)': kib(texts.reduce((s, t) => s + Buffer.byteLength(t), 0) / JOBS),
  };
  for (const mode of Object.keys(modes)) {
    result[`live heap, ${JOBS} Jobs, ${mode}`] = `${mib(median(bytes[mode]))} (${kib(median(bytes[mode]) / JOBS)} per Job)`;
  }
  result['ratio now / before'] = (median(bytes['projectJobForCache (now)']) / median(bytes['without managedFields (before)'])).toFixed(2);
  return result;
}

if (require.main === module) {
  console.table(benchControllerCache());
}
