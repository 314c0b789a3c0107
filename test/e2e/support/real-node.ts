/**
 * Helpers for tests that run containers for real on the rig's real node (containerd +
 * kubelet, test/e2e/rig/node.sh). Pods get there only if they tolerate the node's taint and
 * select its label; images come from OCI archives imported into its containerd.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { kubectl, listObjects, rigKubeconfig, waitFor } from './rig';

/** The label and taint (key=value:NoSchedule) of the real node. */
export const REAL_NODE_KEY = 'cdk8s-batch.dev/rig-node';
export const REAL_NODE_VALUE = 'real';
/** busybox (static) with every applet in /bin, user 65532; imported by the rig. */
export const BUSYBOX_IMAGE = 'cdk8s-batch.local/e2e/busybox:1';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** The rig's rig.env values (KEY='value' lines). */
function rigEnv(): Record<string, string> {
  const file = path.join(path.dirname(rigKubeconfig()), 'rig.env');
  const env: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split('\n')) {
    const m = /^export ([A-Z0-9_]+)='(.*)'$/.exec(line);
    if (m) env[m[1]] = m[2];
  }
  return env;
}

/** The real node's name; throws when the rig runs without one. */
export function realNodeName(): string {
  const name = rigEnv().CDK8S_BATCH_RIG_REAL_NODE;
  if (!name) throw new Error('the rig has no real node (started with CDK8S_BATCH_RIG_REAL_NODE=0?)');
  return name;
}

/** Imports an OCI image archive into the real node's containerd (namespace k8s.io). */
export function importImage(archive: string): void {
  const env = rigEnv();
  execFileSync(env.CDK8S_BATCH_RIG_CTR, [
    '--address', env.CDK8S_BATCH_RIG_CONTAINERD_SOCK, '-n', 'k8s.io', 'images', 'import', '--snapshotter', 'overlayfs', archive,
  ], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 }); // stderr: in the error, not the run's output (ctr warns about cgroup v1)
}

/** Builds the controller image with controller/image/build.sh (needs controller/dist); returns its digest. */
export function buildControllerImage(name: string, out: string, sourceDateEpoch?: string): string {
  const stdout = execFileSync('bash', [path.join(ROOT, 'controller', 'image', 'build.sh'), '--name', name, '--out', out], {
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 600_000,
    encoding: 'utf8',
    // The timestamps of every file; the script's default is the last commit's time.
    env: sourceDateEpoch ? { ...process.env, SOURCE_DATE_EPOCH: sourceDateEpoch } : process.env,
  });
  return stdout.trim().split('\n').pop()!;
}

/**
 * Where the e2e build of the controller image goes: the rig's dir, not dist/ (whose files a
 * release publishes). Tests delete it when done.
 */
export function controllerImageArchive(): string {
  return path.join(path.dirname(rigKubeconfig()), 'controller-image.tar');
}

/** Pod specs in a manifest, wherever the kind keeps them (Pod, Job, CronJob, Deployment, JobTemplate). */
function podSpecs(o: any): any[] {
  switch (o.kind) {
    case 'Pod': return [o.spec];
    case 'Job': case 'Deployment': return [o.spec.template.spec];
    case 'CronJob': return [o.spec.jobTemplate.spec.template.spec];
    case 'JobTemplate': return o.spec?.jobTemplate?.spec?.template?.spec ? [o.spec.jobTemplate.spec.template.spec]
      : o.spec?.template?.spec?.template?.spec ? [o.spec.template.spec.template.spec] : [];
    default: return [];
  }
}

/**
 * Sends a manifest's pods to the real node (toleration + nodeSelector) and swaps images by
 * `images` (old -> new; '*' for any), with imagePullPolicy Never: nothing is ever pulled.
 * Mutates and returns the objects.
 */
export function onRealNode<T extends object | object[]>(objects: T, images: Record<string, string> = {}): T {
  for (const o of (Array.isArray(objects) ? objects : [objects]) as any[]) {
    for (const spec of podSpecs(o)) {
      spec.nodeSelector = { ...(spec.nodeSelector ?? {}), [REAL_NODE_KEY]: REAL_NODE_VALUE };
      spec.tolerations = [...(spec.tolerations ?? []),
        { key: REAL_NODE_KEY, operator: 'Equal', value: REAL_NODE_VALUE, effect: 'NoSchedule' }];
      for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
        const swap = images[c.image] ?? images['*'];
        if (swap) c.image = swap;
        c.imagePullPolicy = 'Never';
      }
    }
  }
  return objects;
}

/** A container's log (the current or, with previous, the last terminated instance). */
export function podLogs(namespace: string, pod: string, container?: string): string {
  return kubectl(['logs', '-n', namespace, pod, ...(container ? ['-c', container] : [])]);
}

/** Pods of a Job, by its job-name label. */
export function jobPods(namespace: string, job: string): any[] {
  return listObjects('pods', namespace, `batch.kubernetes.io/job-name=${job}`);
}

/** A Job condition's status ("True"/"False") or undefined. */
export function jobCondition(job: any, type: string): any | undefined {
  return (job?.status?.conditions ?? []).find((c: any) => c.type === type && c.status === 'True');
}

/** Waits until the Job has a Complete or Failed condition; returns the Job. */
export async function waitForJobFinished(namespace: string, name: string, timeoutMs: number): Promise<any> {
  return waitFor(() => {
    const out = kubectl(['get', 'job', name, '-n', namespace, '--ignore-not-found', '-o', 'json']);
    const job = out.trim() ? JSON.parse(out) : undefined;
    return job && (jobCondition(job, 'Complete') || jobCondition(job, 'Failed')) ? job : undefined;
  }, timeoutMs, { description: `Job ${namespace}/${name} finished`, intervalMs: 1000 });
}

/** [start, finish] in ms of a pod's (single) container, from its terminated state. */
export function runInterval(pod: any): [number, number] {
  const t = pod.status.containerStatuses[0].state.terminated;
  return [Date.parse(t.startedAt), Date.parse(t.finishedAt)];
}

/** The most intervals that overlap at one instant (ends exclusive at equal timestamps). */
export function maxConcurrent(intervals: Array<[number, number]>): number {
  const edges = intervals.flatMap(([s, e]) => [[s, 1], [e, -1]] as Array<[number, number]>)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let max = 0;
  for (const [, d] of edges) {
    now += d;
    max = Math.max(max, now);
  }
  return max;
}
