/**
 * Finding what `cdk8s-batch run WORKLOAD` runs: a JobTemplate of that name (a ParameterizedJob,
 * or a ScheduledBatch with options), else a CronJob (a ScheduledBatch without options), read
 * from synthesized manifests (`--file`) or from the cluster.
 */
import { RunSource, runSourceFromCronJob, runSourceFromJobTemplate } from '../../../src/runs';
import { RuntimeError, UsageError } from './errors';
import { KubernetesObject, readManifests } from './manifest-files';
import { isNotFound, KubeApi } from '../kube/api';
import { CRONJOBS, JOB_TEMPLATES, KubeObject } from '../kube/types';

const JOB_TEMPLATE_API = `${JOB_TEMPLATES.group}/${JOB_TEMPLATES.version}`;

/** From manifest files; `namespace` narrows the search (objects without one match any). */
export function runSourceFromFiles(workload: string, files: readonly string[], cwd: string, namespace?: string): RunSource {
  const { objects } = readManifests(files, cwd);
  const named = (o: KubernetesObject) => o.metadata?.name === workload
    && (namespace === undefined || o.metadata?.namespace === undefined || o.metadata.namespace === namespace);
  const candidates = [
    ...objects.filter((m) => m.object.apiVersion === JOB_TEMPLATE_API && m.object.kind === JOB_TEMPLATES.kind && named(m.object)),
    ...objects.filter((m) => m.object.apiVersion === 'batch/v1' && m.object.kind === 'CronJob' && named(m.object)),
  ];
  if (candidates.length === 0) {
    throw new RuntimeError(`${files.join(', ')}: no JobTemplate or CronJob named "${workload}"${namespace ? ` in namespace ${namespace}` : ''}. ` +
      'Pass the name of a ParameterizedJob or ScheduledBatch as it appears in metadata.name.');
  }
  const first = candidates[0];
  const namespaces = new Set(candidates.filter((c) => c.object.kind === first.object.kind).map((c) => c.object.metadata?.namespace ?? ''));
  if (namespaces.size > 1) {
    throw new UsageError(`${workload}: found in several namespaces (${[...namespaces].sort().join(', ')}). Pick one with -n.`);
  }
  const obj = { ...(first.object as Record<string, any>) };
  obj.metadata = { ...obj.metadata, namespace: obj.metadata?.namespace ?? namespace };
  return obj.kind === 'CronJob' ? runSourceFromCronJob(obj) : runSourceFromJobTemplate(obj);
}

/** From the cluster: `GET` the JobTemplate, else the CronJob. */
export async function runSourceFromCluster(api: KubeApi, workload: string, namespace: string): Promise<RunSource> {
  const template = await getOrUndefined(api.get<KubeObject>(JOB_TEMPLATES, namespace, workload));
  if (template) return runSourceFromJobTemplate({ apiVersion: JOB_TEMPLATE_API, kind: JOB_TEMPLATES.kind, ...template });
  const cron = await getOrUndefined(api.get<KubeObject>(CRONJOBS, namespace, workload));
  if (cron) return runSourceFromCronJob({ apiVersion: 'batch/v1', kind: 'CronJob', ...cron });
  throw new RuntimeError(`no JobTemplate or CronJob named "${workload}" in namespace ${namespace}. ` +
    'Check the name and the namespace (-n), or pass --file to read synthesized manifests instead.');
}

async function getOrUndefined<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw new RuntimeError((e as Error).message);
  }
}
