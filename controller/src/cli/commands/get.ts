/**
 * `cdk8s-batch get WORKLOAD`: the runs of a workload, scheduled and ad hoc, with phase, start,
 * duration and queue position.
 */
import { Command, Option } from 'commander';
import { Cluster, connect, ClusterFlags, withClusterFlags } from '../cluster';
import { formatData, OUTPUT_FORMATS, OutputFormat } from '../flag-values';
import { CliIo, paint } from '../io';
import { formatDuration, listRuns, RunView, runsOfWorkload, table } from '../run-status';
import { workloadNameInCluster } from '../run-source-lookup';

interface GetFlags extends ClusterFlags {
  readonly output: OutputFormat;
}

export function registerGet(program: Command, io: CliIo): Command {
  const command = program.command('get')
    .description('List the runs of a workload: phase, start, duration and queue position')
    .argument('<workload>', 'the workload: its cdk8s-batch.dev/workload label, or its construct id or a unique prefix')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('text'));
  withClusterFlags(command)
    .addHelpText('after', `
Columns: NAME (the JobRun, else the Job), TRIGGER (schedule, JobRun or other), PHASE (Pending,
Queued, Suspended, Running, Succeeded, Failed, Refused, Killed), STARTED (UTC; "after T" for a
run held until its startAfter time T; a run with a kill asked for a time shows "(kill at T)"
after its phase), DURATION (so far, while
running), QUEUE (position in the Enqueue queue, 1 = next).

Examples:
  $ cdk8s-batch get nightly-report -n reports
  $ cdk8s-batch get greet -o json`)
    .action(async (workload: string, flags: GetFlags) => {
      const cluster = await connect(io, flags);
      let name = workload;
      let runs = await runsIn(cluster, name, io.now());
      if (runs.length === 0) {
        // No run carries that workload label: maybe it is a construct id or a prefix.
        const meant = await workloadNameInCluster(cluster.api, workload, cluster.namespace);
        if (meant && meant !== name) {
          name = meant;
          runs = await runsIn(cluster, name, io.now());
        }
      }
      writeRuns(io, cluster.namespace, name, runs, flags.output);
    });
  return command;
}

async function runsIn(cluster: Cluster, workload: string, now: Date): Promise<RunView[]> {
  const { jobs, jobRuns } = await listRuns(cluster.api, cluster.namespace, workload);
  return runsOfWorkload(workload, jobs, jobRuns, now);
}

function writeRuns(io: CliIo, namespace: string, workload: string, runs: RunView[], format: GetFlags['output']): void {
  if (format !== 'text') {
    io.stdout.write(formatData(format, runs));
    return;
  }
  if (runs.length === 0) {
    io.stdout.write(`No runs of workload ${workload} in namespace ${namespace}.\n`);
    return;
  }
  const rows = runs.map((r) => [
    r.name, r.trigger, r.killAt ? `${r.phase} (kill at ${r.killAt})` : r.phase, r.startTime ?? (r.startAfter ? `after ${r.startAfter}` : '-'), formatDuration(r.durationSeconds), r.queuePosition !== undefined ? String(r.queuePosition) : '-',
  ]);
  const text = table(['NAME', 'TRIGGER', 'PHASE', 'STARTED', 'DURATION', 'QUEUE'], rows);
  io.stdout.write(io.color ? text.replace(/\b(Failed|Refused|Killed)\b/g, (p) => paint(io, 'red', p)).replace(/\bSucceeded\b/g, (p) => paint(io, 'green', p)) : text);
}
