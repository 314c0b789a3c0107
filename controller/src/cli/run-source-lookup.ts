/**
 * Finding what `cdk8s-batch run WORKLOAD` runs: a JobTemplate (a ParameterizedJob, or a
 * ScheduledBatch with options), else a CronJob (a ScheduledBatch without options), read from
 * synthesized manifests (`--file`) or from the cluster. WORKLOAD is the name in metadata, the
 * `cdk8s-batch.dev/workload` label, the construct id or a unique prefix (./workload-lookup.ts);
 * a miss or an ambiguous name lists the candidates.
 */
import { RunSource, runSourceFromCronJob, runSourceFromJobTemplate, WorkloadMember, workloadOf } from '../../../src/runs';
import { RuntimeError, UsageError } from './errors';
import { KubernetesObject, readManifests } from './manifest-files';
import { candidateList, Lookup, lookupWorkload, MatchRule } from './workload-lookup';
import { isNotFound, KubeApi } from '../kube/api';
import { CRONJOBS, JOB_TEMPLATES, KubeObject } from '../kube/types';

const JOB_TEMPLATE_API = `${JOB_TEMPLATES.group}/${JOB_TEMPLATES.version}`;
const RULES = 'by name, cdk8s-batch.dev/workload label, construct id or name prefix';

/** From manifest files; `namespace` narrows the search (objects without one match any). */
export function runSourceFromFiles(workload: string, files: readonly string[], cwd: string, namespace?: string): RunSource {
  const { objects } = readManifests(files, cwd);
  const inNamespace = (o: KubernetesObject) =>
    namespace === undefined || o.metadata?.namespace === undefined || o.metadata.namespace === namespace;
  const runnable = objects.map((m) => m.object).filter((o) => inNamespace(o) && (
    (o.apiVersion === JOB_TEMPLATE_API && o.kind === JOB_TEMPLATES.kind) || (o.apiVersion === 'batch/v1' && o.kind === 'CronJob')));
  const where = `${files.join(', ')}${namespace ? ` (namespace ${namespace})` : ''}`;
  const lookup = lookupWorkload(workload, runnable);
  const found = pick(workload, lookup, runnable, where, 'Pass one of the names above');
  if (lookup.rule === MatchRule.NAME) {
    // The same name in several namespaces: the user must say which.
    const namespaces = new Set(runnable.filter((o) => o.kind === found.kind && o.metadata?.name === found.metadata?.name)
      .map((o) => o.metadata?.namespace ?? ''));
    if (namespaces.size > 1) {
      throw new UsageError(`${workload}: found in several namespaces (${[...namespaces].sort().join(', ')}). Pick one with -n.`);
    }
  }
  const obj = { ...(found as Record<string, any>) };
  obj.metadata = { ...obj.metadata, namespace: obj.metadata?.namespace ?? namespace };
  return obj.kind === 'CronJob' ? runSourceFromCronJob(obj) : runSourceFromJobTemplate(obj);
}

/**
 * From the cluster: `GET` the JobTemplate, else the CronJob, of that name; when neither
 * exists, list both kinds in the namespace and look the name up as in manifest files.
 */
export async function runSourceFromCluster(api: KubeApi, workload: string, namespace: string): Promise<RunSource> {
  const template = await getOrUndefined(api.get<KubeObject>(JOB_TEMPLATES, namespace, workload));
  if (template) return fromCluster(template, 'JobTemplate');
  const cron = await getOrUndefined(api.get<KubeObject>(CRONJOBS, namespace, workload));
  if (cron) return fromCluster(cron, 'CronJob');
  const [templates, cronJobs] = await Promise.all([
    listOrEmpty(api, JOB_TEMPLATES, namespace, 'JobTemplate'),
    listOrEmpty(api, CRONJOBS, namespace, 'CronJob'),
  ]);
  const runnable = [...templates, ...cronJobs];
  const found = pick(workload, lookupWorkload(workload, runnable), runnable, `namespace ${namespace}`,
    'Pass one of the names above, or another namespace with -n; --file reads synthesized manifests instead',
    'Check the namespace (-n), or pass --file to read synthesized manifests instead');
  return fromCluster(found, found.kind as 'JobTemplate' | 'CronJob');
}

/**
 * The workload name `query` stands for in the cluster (for `get`): looked up among the
 * namespace's JobTemplates and CronJobs like `run`'s; undefined when nothing matches.
 */
export async function workloadNameInCluster(api: KubeApi, query: string, namespace: string): Promise<string | undefined> {
  const [templates, cronJobs] = await Promise.all([
    listOrEmpty(api, JOB_TEMPLATES, namespace, 'JobTemplate'),
    listOrEmpty(api, CRONJOBS, namespace, 'CronJob'),
  ]);
  const runnable = [...templates, ...cronJobs];
  const lookup = lookupWorkload(query, runnable);
  if (!lookup.found && !lookup.ambiguous) return undefined;
  const found = pick(query, lookup, runnable, `namespace ${namespace}`, 'Pass one of the names above');
  return workloadOf(found as WorkloadMember) ?? found.metadata.name;
}

function fromCluster(obj: KubeObject, kind: 'JobTemplate' | 'CronJob'): RunSource {
  return kind === 'JobTemplate'
    ? runSourceFromJobTemplate({ ...obj, apiVersion: JOB_TEMPLATE_API, kind: JOB_TEMPLATES.kind })
    : runSourceFromCronJob({ ...obj, apiVersion: 'batch/v1', kind: 'CronJob' });
}

/** The one match, else an error that lists what the user may have meant. */
function pick<T extends KubernetesObject>(query: string, lookup: Lookup<T>, all: readonly T[], where: string, fix: string,
  noneFix = 'Synthesize a ParameterizedJob or ScheduledBatch, or check the paths and the namespace (-n)'): T {
  if (lookup.found) return lookup.found;
  if (lookup.ambiguous) {
    throw new UsageError(`${where}: "${query}" matches ${lookup.ambiguous.length} workloads (by ${lookup.rule}):\n`
      + `${candidateList(lookup.ambiguous)}\n${fix}.`);
  }
  if (all.length === 0) {
    throw new RuntimeError(`${where}: no JobTemplate or CronJob matches "${query}" (${RULES}); there is none to run. ${noneFix}.`);
  }
  throw new RuntimeError(`${where}: no JobTemplate or CronJob matches "${query}" (${RULES}). The workloads there:\n`
    + `${candidateList(all)}\n${fix}.`);
}

async function getOrUndefined<T>(request: Promise<T>): Promise<T | undefined> {
  try {
    return await request;
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw new RuntimeError((e as Error).message);
  }
}

async function listOrEmpty(api: KubeApi, rt: typeof CRONJOBS, namespace: string, kind: string): Promise<KubeObject[]> {
  try {
    return (await api.list<KubeObject>(rt, { namespace })).items.map((o) => ({ ...o, kind }));
  } catch (e) {
    // Without the CRDs there are no JobTemplates.
    if (isNotFound(e)) return [];
    throw new RuntimeError((e as Error).message);
  }
}
