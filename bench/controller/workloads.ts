/**
 * The Jobs the controller benchmark creates, stamped from what `ScheduledBatch` really emits
 * (its CronJob's `jobTemplate`), the way the CronJob controller stamps them: the template's
 * labels, annotations and spec, created suspended. No ownerReference (there is no CronJob in
 * the cluster, and the garbage collector would delete Jobs owned by a missing one).
 */
import { App, Chart } from 'cdk8s';
import { KubeObject } from './kube';
import { Concurrency, Schedule, ScheduledBatch } from '../../src';

/** Context value that tells the constructs the companion controller runs elsewhere (no warning). */
const CONTROLLER_CONTEXT = { 'cdk8s-batch.dev/controller': 'external' };
export const LABEL_WORKLOAD = 'cdk8s-batch.dev/workload';
export const IMAGE = 'registry.example/batch/worker:1.0';

export interface Workload {
  /** The CronJob's name, which is also its `cdk8s-batch.dev/workload` label. */
  readonly name: string;
  readonly jobTemplate: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: any };
}

/**
 * `count` ScheduledBatch workloads named `<prefix>-<i>` (plus cdk8s' hash suffix), synthesized
 * with cdk8s; deterministic for the same arguments.
 */
export function synthWorkloads(prefix: string, count: number, concurrency?: Concurrency): Workload[] {
  const app = new App();
  for (const [k, v] of Object.entries(CONTROLLER_CONTEXT)) app.node.setContext(k, v);
  const chart = new Chart(app, 'bench');
  for (let i = 0; i < count; i++) {
    new ScheduledBatch(chart, `${prefix}-${String(i).padStart(2, '0')}`, {
      schedule: Schedule.cron('H H * * *'),
      concurrency,
      containers: [{ name: 'main', image: IMAGE, args: ['run', `--shard=${i}`] }],
    });
  }
  return chart.toJson()
    .filter((o) => o.kind === 'CronJob')
    .map((o) => ({ name: o.metadata.name, jobTemplate: o.spec.jobTemplate }));
}

/** A suspended Job of `workload`, named `name`, with extra annotations. */
export function jobOf(workload: Workload, name: string, annotations: Record<string, string> = {}): KubeObject {
  const t = workload.jobTemplate;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name,
      labels: { ...t.metadata.labels },
      annotations: { ...t.metadata.annotations, ...annotations },
    },
    spec: { ...t.spec, suspend: true },
  };
}

/** Whether a Job has a true `Complete` or `Failed` condition (the controller's definition of finished). */
export function isFinished(job: KubeObject): boolean {
  return (job.status?.conditions ?? []).some((c: { type: string; status: string }) =>
    (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
}

export function hasCondition(job: KubeObject, type: string): boolean {
  return (job.status?.conditions ?? []).some((c: { type: string; status: string }) => c.type === type && c.status === 'True');
}
