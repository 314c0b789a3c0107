/**
 * `cdk8s-batch status RUN`: one run in detail: its phase, Job, times, queue position, the
 * values it runs with and its conditions (the JobRun's, else the Job's).
 */
import { Command, Option } from 'commander';
import { connect, ClusterFlags, withClusterFlags } from '../cluster';
import { RuntimeError } from '../errors';
import { formatData, OUTPUT_FORMATS, OutputFormat } from '../flag-values';
import { CliIo } from '../io';
import { formatDuration, listRuns, RunView, runsOfWorkload, table } from '../run-status';
import { workloadOf } from '../../../../src/runs';
import { isNotFound, KubeApi } from '../../kube/api';
import { Job, JOB_RUNS, JobRun, JOBS, KubeObject } from '../../kube/types';

interface StatusFlags extends ClusterFlags {
  readonly output: OutputFormat;
}

export function registerStatus(program: Command, io: CliIo): Command {
  const command = program.command('status')
    .description('Show one run: phase, Job, times, queue position, values and conditions')
    .argument('<run>', 'the JobRun, or the Job of a scheduled run')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('text'));
  withClusterFlags(command)
    .addHelpText('after', `
Examples:
  $ cdk8s-batch status greet-1795977600 -n batch
  $ cdk8s-batch status nightly-report-29400000 -n reports -o yaml`)
    .action(async (name: string, flags: StatusFlags) => {
      const cluster = await connect(io, flags);
      const view = await findRun(cluster.api, cluster.namespace, name, io.now());
      io.stdout.write(flags.output === 'text' ? describeRun(view) : formatData(flags.output, view));
    });
  return command;
}

async function findRun(api: KubeApi, namespace: string, name: string, now: Date): Promise<RunView> {
  const run = await getOrUndefined<JobRun>(api, JOB_RUNS, namespace, name);
  const job = await getOrUndefined<Job>(api, JOBS, namespace, run?.status?.jobName ?? name);
  const subject: KubeObject | undefined = run ?? job;
  const workload = (subject && workloadOf(subject)) ?? run?.spec?.templateRef?.name;
  if (!subject || !workload) {
    throw new RuntimeError(`no JobRun or workload Job named "${name}" in namespace ${namespace}. List the runs with: cdk8s-batch get WORKLOAD -n ${namespace}`);
  }
  // The whole workload, for the queue position.
  const { jobs, jobRuns } = await listRuns(api, namespace, workload);
  const view = runsOfWorkload(workload, jobs, jobRuns, now).find((v) => v.name === name || v.jobName === name);
  if (!view) throw new RuntimeError(`${namespace}/${name} vanished while it was being read; try again.`);
  return view;
}

async function getOrUndefined<T extends KubeObject>(api: KubeApi, rt: typeof JOBS, namespace: string, name: string): Promise<T | undefined> {
  try {
    return await api.get<T>(rt, namespace, name);
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw new RuntimeError((e as Error).message);
  }
}

/** The text form of `status`. */
export function describeRun(view: RunView): string {
  const lines: Array<[string, string]> = [
    ['Run', `${view.name} (${view.trigger === 'JobRun' ? 'JobRun' : `Job, ${view.trigger}`})`],
    ['Namespace', view.namespace],
    ['Workload', view.workload],
    ['Phase', view.phase + (view.queuePosition !== undefined ? ` (position ${view.queuePosition} in the queue)` : '')],
    ...(view.startAfter ? [['Start after', view.startAfter + (view.startTime ? '' : ' (not started before then)')] as [string, string]] : []),
    ...(view.killedBy ? [['Killed', `by ${view.killedBy} at ${view.killedAt}`] as [string, string]] : []),
    ...(view.killAt ? [['Kill at', `${view.killAt} (asked by ${view.killRequestedBy}; the controller kills the run then)`] as [string, string]] : []),
    ['Job', view.jobName ?? '-'],
    ['Started', view.startTime ?? '-'],
    ['Completed', view.completionTime ?? '-'],
    ['Duration', formatDuration(view.durationSeconds)],
  ];
  if (view.values) {
    lines.push(['Values', Object.keys(view.values).sort().map((k) => `${k}=${view.values![k]}`).join(', ')]);
  }
  const width = Math.max(...lines.map(([k]) => k.length)) + 1;
  let out = lines.map(([k, v]) => `${`${k}:`.padEnd(width)} ${v}`).join('\n') + '\n';
  if (view.conditions.length > 0) {
    out += 'Conditions:\n' + table(['TYPE', 'STATUS', 'REASON', 'MESSAGE'],
      view.conditions.map((c) => [c.type, c.status, c.reason ?? '', c.message ?? ''])).replace(/^(?=.)/gm, '  ');
  }
  return out;
}
