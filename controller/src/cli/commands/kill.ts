/**
 * `cdk8s-batch kill RUN`: stop a run the native way, with the user's own credentials (the
 * CLI does nothing the user could not do with kubectl, so RBAC is the only gate).
 *
 * The decision is the run core's (`planKill`, src/runs/kill.ts): a running Job gets
 * `spec.activeDeadlineSeconds` lowered to the time it has run, so the Job controller fails it
 * with `DeadlineExceeded` and stops its pods; a queued (suspended) Job is deleted with
 * propagation `Background`; a JobRun not started yet is marked and never starts. The Job and
 * the JobRun carry `killed-by` (the user as the API server authenticated them, from a
 * SelfSubjectReview) and `killed-at`; an Event on the Job (or JobRun) says who killed it.
 */
import { Command } from 'commander';
import { killAnnotations, KillRecord, scheduledKillAnnotations } from '../../../../src/contract/annotations';
import { isJobFinishedState, KillAction, planKill, RunPhase } from '../../../../src/runs';
import { Cluster, connect, ClusterFlags, withClusterFlags } from '../cluster';
import { RuntimeError } from '../errors';
import { CliIo } from '../io';
import { StartAfterFlags, startAfterFromFlags } from '../start-after-flags';
import { isNotFound } from '../../kube/api';
import { microTime } from '../../kube/events';
import { EVENTS, Job, JOB_RUNS, JobRun, JOBS, KubeObject, ResourceType } from '../../kube/types';

/** Who the API server says the caller is. */
export const SELF_SUBJECT_REVIEWS: ResourceType = {
  group: 'authentication.k8s.io', version: 'v1', plural: 'selfsubjectreviews', kind: 'SelfSubjectReview', namespaced: false,
};

/** `reportingController` of the CLI's Events. */
export const CLI_REPORTING_CONTROLLER = 'cdk8s-batch.dev/cli';

export function registerKill(program: Command, io: CliIo): Command {
  const command = program.command('kill')
    .description('Stop a run: its Job fails with DeadlineExceeded (queued: deleted); get/status show Killed')
    .argument('<run>', 'the JobRun, or the Job of a scheduled run')
    .option('--at <time>', 'kill at this RFC 3339 time instead of now (the companion controller kills it then)')
    .option('--in <delay>', 'kill after this delay from now, e.g. 2h, 1h30m, 90s');
  withClusterFlags(command)
    .addHelpText('after', `
A running Job gets spec.activeDeadlineSeconds set to the time it has run: the Job controller
fails it at once (reason DeadlineExceeded) and stops its pods; the Job stays as history. A queued
(suspended) Job has no pods: it is deleted (propagation Background). A JobRun not started yet
(waiting for --at/--in) never starts. Needs the rights to patch (and for a queued Job delete)
jobs, and to patch jobruns, in the namespace: the CLI acts with your credentials.

With --at or --in the CLI writes cdk8s-batch.dev/kill-at and kill-requested-by (you, as the API
server authenticated you) on the run's Job, and the companion controller kills it the same way
at that time (a time in the past: at once). The BatchController's admission policy lets only
someone who may patch jobs in the namespace ask for it.

Examples:
  $ cdk8s-batch kill greet-1795977600 -n batch
  $ cdk8s-batch kill nightly-report-29400000 -n reports
  $ cdk8s-batch kill nightly-report-29400000 -n reports --at 2026-12-24T22:00:00+09:00
  $ cdk8s-batch kill nightly-report-29400000 -n reports --in 2h`)
    .action(async (name: string, flags: ClusterFlags & StartAfterFlags) => {
      const at = startAfterFromFlags(flags, io.now());
      const cluster = await connect(io, flags);
      io.stdout.write(at === undefined ? await killRun(cluster, name, io.now()) : await scheduleKill(cluster, name, at, io.now()));
    });
  return command;
}

/** Kills run `name`; returns what was done, for people. */
export async function killRun(cluster: Cluster, name: string, now: Date): Promise<string> {
  const { api, namespace } = cluster;
  const { run, jobName, job } = await runAndJob(cluster, name);
  if (run && [RunPhase.SUCCEEDED, RunPhase.FAILED, RunPhase.REFUSED, RunPhase.KILLED].includes(run.status?.phase as RunPhase) && !job) {
    throw new RuntimeError(`JobRun ${namespace}/${name} has ended (${run.status!.phase}): nothing to kill.`);
  }
  const kill: KillRecord = { by: await whoAmI(cluster), at: rfc3339(now.getTime()) };
  const annotations = killAnnotations(kill);
  let done: string;
  let subject: { obj: KubeObject; type: ResourceType };
  if (run) {
    // The JobRun first: once its Job is gone or failed, the controller finds it marked Killed.
    await write(() => api.mergePatch(JOB_RUNS, namespace, run.metadata.name!, { metadata: { annotations } }), `patch JobRun ${namespace}/${name}`);
  }
  if (job) {
    const plan = planKill(job, now.getTime());
    if (plan.action === KillAction.FINISHED) {
      throw new RuntimeError(`Job ${namespace}/${jobName} has finished already: nothing to kill.`);
    }
    if (plan.action === KillAction.DEADLINE) {
      // One patch, preconditioned on what was read: the deadline and who set it, together.
      await write(() => api.mergePatch(JOBS, namespace, jobName, {
        metadata: { resourceVersion: job.metadata.resourceVersion, annotations },
        spec: { activeDeadlineSeconds: plan.activeDeadlineSeconds },
      }), `patch Job ${namespace}/${jobName}`);
      done = `Job ${jobName}: activeDeadlineSeconds set to ${plan.activeDeadlineSeconds}; the Job controller fails it with DeadlineExceeded and stops its pods.`;
    } else {
      await write(() => api.mergePatch(JOBS, namespace, jobName, { metadata: { resourceVersion: job.metadata.resourceVersion, annotations } }),
        `patch Job ${namespace}/${jobName}`);
      await write(() => api.delete(JOBS, namespace, jobName, { propagationPolicy: 'Background' }), `delete Job ${namespace}/${jobName}`);
      done = `Job ${jobName} was queued (suspended, no pods): deleted (propagation Background).`;
    }
    subject = { obj: job, type: JOBS };
  } else {
    done = `JobRun ${name} had not started (${run!.status?.phase ?? 'Pending'}): it never will.`;
    subject = { obj: run!, type: JOB_RUNS };
  }
  if (run) subject = { obj: run, type: JOB_RUNS };
  const warning = await recordEvent(cluster, subject.obj, subject.type, kill, done);
  return `run ${namespace}/${name} killed by ${kill.by}. ${done}\n${warning ?? ''}`;
}

/**
 * Asks the companion controller to kill run `name` at `at` (RFC 3339): the annotations on its
 * Job, written with the caller's credentials in one merge patch preconditioned on what was read.
 */
export async function scheduleKill(cluster: Cluster, name: string, at: string, now: Date): Promise<string> {
  const { api, namespace } = cluster;
  const { run, jobName, job } = await runAndJob(cluster, name);
  if (!job) {
    throw new RuntimeError(`JobRun ${namespace}/${name} has no Job yet (${run!.status?.phase ?? 'Pending'}): kill --at acts on a run's Job. `
      + `Kill it now with: cdk8s-batch kill ${name} -n ${namespace}, or ask again once it has started.`);
  }
  if (isJobFinishedState(job)) {
    throw new RuntimeError(`Job ${namespace}/${jobName} has finished already: nothing to kill.`);
  }
  const by = await whoAmI(cluster);
  await write(() => api.mergePatch(JOBS, namespace, jobName, {
    metadata: { resourceVersion: job.metadata.resourceVersion, annotations: scheduledKillAnnotations({ at, by }) },
  }), `patch Job ${namespace}/${jobName}`);
  const when = Date.parse(at) <= now.getTime() ? `${at} (in the past: at once)` : at;
  return `run ${namespace}/${name} will be killed at ${when}, as ${by} asked: the companion controller kills Job ${jobName} then `
    + '(a running Job fails with DeadlineExceeded, a queued one is deleted) and records it in a Killed Event.\n';
}

/** The caller's user name, as the API server authenticated it. */
async function whoAmI(cluster: Cluster): Promise<string> {
  try {
    const review = await cluster.api.create<KubeObject & { status?: { userInfo?: { username?: string } } }>(
      SELF_SUBJECT_REVIEWS, undefined, { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview', metadata: {} } as KubeObject);
    return review.status?.userInfo?.username || '(unknown user)';
  } catch (e) {
    throw new RuntimeError(`cannot ask the API server who you are (SelfSubjectReview, Kubernetes 1.28+): ${(e as Error).message}`);
  }
}

/** The Event that says who killed the run; a warning line when the user may not create Events (the annotations still say it). */
async function recordEvent(cluster: Cluster, obj: KubeObject, type: ResourceType, kill: KillRecord, done: string): Promise<string | undefined> {
  const now = Date.parse(kill.at);
  const meta = obj.metadata;
  const body = {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { generateName: `${(meta.name ?? 'run').slice(0, 200)}.killed-`, namespace: meta.namespace },
    eventTime: microTime(now),
    reportingController: CLI_REPORTING_CONTROLLER,
    reportingInstance: kill.by.slice(0, 128),
    action: 'Kill',
    reason: 'Killed',
    type: 'Normal',
    note: `Killed by ${kill.by} with cdk8s-batch kill. ${done}`.slice(0, 1024),
    regarding: { apiVersion: type.group ? `${type.group}/${type.version}` : type.version, kind: type.kind, name: meta.name, namespace: meta.namespace, uid: meta.uid },
  };
  try {
    await cluster.api.create(EVENTS, meta.namespace, body as unknown as KubeObject);
    return undefined;
  } catch (e) {
    return `warning: no Event recorded (${(e as Error).message}); the ${type.kind}'s killed-by and killed-at annotations record the kill.\n`;
  }
}

async function getOrUndefined<T extends KubeObject>(cluster: Cluster, rt: ResourceType, name: string): Promise<T | undefined> {
  try {
    return await cluster.api.get<T>(rt, cluster.namespace, name);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw new RuntimeError(`cannot read ${rt.kind} ${cluster.namespace}/${name}: ${(e as Error).message}`);
  }
}

async function write(action: () => Promise<unknown>, what: string): Promise<void> {
  try {
    await action();
  } catch (e) {
    throw new RuntimeError(`cannot ${what}: ${(e as Error).message}`);
  }
}

function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Run `name`: its JobRun, its Job (the JobRun's, or the Job of that name); an error for people when neither exists. */
async function runAndJob(cluster: Cluster, name: string): Promise<{ run?: JobRun; jobName: string; job?: Job }> {
  const { namespace } = cluster;
  const run = await getOrUndefined<JobRun>(cluster, JOB_RUNS, name);
  const jobName = run?.status?.jobName ?? name;
  const job = await getOrUndefined<Job>(cluster, JOBS, jobName);
  if (!run && !job) {
    throw new RuntimeError(`no JobRun or Job named "${name}" in namespace ${namespace}. List the runs with: cdk8s-batch get WORKLOAD -n ${namespace}`);
  }
  return { run, jobName, job };
}
