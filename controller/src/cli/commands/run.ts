/**
 * `cdk8s-batch run WORKLOAD`: an ad-hoc run of a ParameterizedJob or ScheduledBatch.
 *
 * Values come from `--values FILE`, then `--set`, then (on a terminal) prompts for the rest.
 * They are checked here with the options core, so a bad value fails before anything reaches
 * the cluster, and again by the controller, with the same messages. The run is created as a
 * `JobRun`: the controller applies the workload's concurrency policy (unless `--force`),
 * creates the Job and reports in the JobRun's status. `--dry-run` prints the JobRun instead,
 * or with `--job` the Job the controller would create (both from `src/runs`).
 */
import { Command, Option } from 'commander';
import { BatchValidationError } from '../../../../src/errors';
import { jobRunManifest, planRun, RunSource } from '../../../../src/runs';
import { Cluster, ClusterFlags, connect, withClusterFlags } from '../cluster';
import { RuntimeError, UsageError } from '../errors';
import { formatData } from '../flag-values';
import { CliIo } from '../io';
import { inquirerPrompter, Prompter, promptForValues } from '../prompts';
import { runSourceFromCluster, runSourceFromFiles } from '../run-source-lookup';
import { parseSetFlags, readValuesFile } from '../run-values';
import { watchRun } from '../run-status';
import { startAfterFromFlags } from '../start-after-flags';
import { isAlreadyExists, isNotFound } from '../../kube/api';
import { JOB_RUNS, JobRun } from '../../kube/types';

interface RunFlags extends ClusterFlags {
  readonly set: string[];
  readonly values?: string;
  readonly name?: string;
  readonly force?: boolean;
  readonly dryRun?: boolean;
  readonly job?: boolean;
  readonly output?: 'yaml' | 'json';
  readonly file?: string[];
  readonly prompt: boolean;
  readonly wait?: boolean;
  readonly timeout: string;
  readonly at?: string;
  readonly in?: string;
}

/** Options for tests: a scripted prompter instead of the terminal's. */
export interface RunCommandOptions {
  readonly prompter?: Prompter;
}

export function registerRun(program: Command, io: CliIo, options: RunCommandOptions = {}): Command {
  const command = program.command('run')
    .description('Start an ad-hoc run of a ParameterizedJob or ScheduledBatch (creates a JobRun)')
    .argument('<workload>', 'the workload: the name of its JobTemplate or CronJob, its cdk8s-batch.dev/workload label, its construct id or a unique prefix')
    .option('--set <name=value>', 'an option value (repeatable); Multi: a,b or ["a","b"]; Bool: true or false', collect, [])
    .option('--values <file>', 'option values from a YAML or JSON map (--set wins)')
    .option('--name <name>', 'name of the JobRun and its Job (default: WORKLOAD-<unix seconds>)')
    .option('--force', 'start even if the concurrency policy would refuse or queue the run')
    .option('--at <time>', 'start no earlier than this RFC 3339 time (the JobRun waits, Queued, until then)')
    .option('--in <delay>', 'start after this delay from now, e.g. 2h, 1h30m, 90s')
    .option('--dry-run', 'print the JobRun (or with --job the Job) instead of creating it')
    .option('--job', 'with --dry-run: print the Job the controller would create')
    .addOption(new Option('-o, --output <format>', 'with --dry-run: output format').choices(['yaml', 'json']))
    .option('-f, --file <path...>', 'read the workload from synthesized manifests instead of the cluster')
    .option('--no-prompt', 'never prompt; options not given take their defaults')
    .option('--wait', 'wait until the run ends; exit 1 if it failed or was refused')
    .option('--timeout <seconds>', 'with --wait: give up after this long', '3600');
  withClusterFlags(command)
    .addHelpText('after', `
Examples:
  $ cdk8s-batch run greet --set username=Alice              # create a JobRun in the cluster
  $ cdk8s-batch run greet -n batch                          # prompt for the options (on a terminal)
  $ cdk8s-batch run sales-report --values q3.yaml --wait    # values from a file; wait for the end
  $ cdk8s-batch run greet --set username=Bob --dry-run > runs/greet-bob.yaml   # commit it (GitOps)
  $ cdk8s-batch run greet -f dist/ --dry-run --job          # the Job, from synthesized manifests
  $ cdk8s-batch run greet --at 2026-12-24T22:00:00+09:00    # held until then (Queued, NotYetDue)
  $ cdk8s-batch run greet --in 2h                           # two hours from now

Exit codes: 0 ok (with --wait: the run succeeded), 1 runtime failure or a failed/refused run,
2 usage or validation error (the messages of the options core).`)
    .action(async (workload: string, flags: RunFlags) => {
      await runCommand(io, workload, flags, options.prompter ?? inquirerPrompter);
    });
  return command;
}

async function runCommand(io: CliIo, workload: string, flags: RunFlags, prompter: Prompter): Promise<void> {
  checkFlags(flags);
  const given = { ...(flags.values ? readValuesFile(flags.values, io.cwd) : {}), ...parseSetFlags(flags.set) };
  const startAfter = startAfterFromFlags(flags, io.now());
  let cluster: Cluster | undefined;
  let source: RunSource;
  if (flags.file) {
    source = runSourceFromFiles(workload, flags.file, io.cwd, flags.namespace);
    // The run will be created: make sure there is a cluster to create it in before asking
    // anything (reading the workload from the cluster checks that on the way).
    if (!flags.dryRun) cluster = await reachable(await connect(io, flags, 'Or add --dry-run to print the run instead of creating it'));
  } else {
    cluster = await connect(io, flags, FILE_HINT);
    source = await runSourceFromCluster(cluster.api, workload, cluster.namespace);
  }

  const prompting = io.interactive && flags.prompt;
  const answers = prompting ? await promptForValues(source.options.options, given, prompter) : {};
  const values = { ...given, ...answers };
  if (!prompting) checkRequiredGiven(source, values, flags.prompt ? 'stdin or stderr is not a terminal' : '--no-prompt');
  const problems = source.options.validate(values);
  if (problems.length > 0) {
    throw new UsageError(`${source.kind} ${source.namespace}/${source.name}: ${problems.length === 1 ? 'a value is' : `${problems.length} values are`} not valid:\n  ${problems.join('\n  ')}`);
  }
  const name = flags.name ?? `${source.workload}-${Math.floor(io.now().getTime() / 1000)}`;
  // The Job is built now in any case: a bad name or template fails before anything is created.
  // The CLI does not read the workload's active runs: the plan is the controller's for a
  // workload with none (Forbid and Replace start, Enqueue queues).
  const { job } = namingTheFlag(() => planRun(source, { name, values, force: flags.force }, []).job!);
  const jobRun = jobRunManifest({
    name,
    namespace: source.namespace,
    workload: source.workload,
    templateKind: source.kind,
    templateName: source.name,
    values,
    force: flags.force,
    startAfter,
  });

  if (flags.dryRun) {
    const out = flags.job ? job : jobRun;
    io.stdout.write(formatData(flags.output ?? 'yaml', out));
    return;
  }
  cluster ??= await connect(io, flags, FILE_HINT);
  try {
    await cluster.api.create<JobRun>(JOB_RUNS, source.namespace, jobRun as JobRun);
  } catch (e) {
    if (isAlreadyExists(e)) {
      throw new RuntimeError(`JobRun ${name} already exists in namespace ${source.namespace}. Pass another --name.`);
    }
    throw new RuntimeError(`cannot create JobRun ${source.namespace}/${name}: ${(e as Error).message}`);
  }
  io.stdout.write(`jobrun.cdk8s-batch.dev/${name} created in namespace ${source.namespace}\n`);
  if (startAfter) io.stdout.write(`It waits until ${startAfter} (startAfter), then starts.\n`);
  if (!flags.wait) {
    io.stdout.write(`Follow it with: cdk8s-batch status ${name} -n ${source.namespace}\n`);
    return;
  }
  await watchRun(io, cluster.api, source.namespace, name, Number(flags.timeout) * 1000);
}

/** How to run without a cluster, for the "no cluster configuration" error. */
const FILE_HINT = 'Or print the run without a cluster, from synthesized manifests: --dry-run -f dist/';

/** Required options without a value when nothing was asked: name the flags that give them. */
function checkRequiredGiven(source: RunSource, values: Record<string, string>, why: string): void {
  const missing = source.options.options.filter((o) => o.required && !Object.hasOwn(values, o.name));
  if (missing.length === 0) return;
  const what = missing.length === 1 ? `option "${missing[0].name}" is required` : `options ${missing.map((o) => `"${o.name}"`).join(', ')} are required`;
  throw new UsageError(`${source.kind} ${source.namespace}/${source.name}: ${what} and prompting was skipped (${why}). `
    + `Pass ${missing.map((o) => `--set ${o.name}=...`).join(' ')} (or put ${missing.length === 1 ? 'it' : 'them'} in --values FILE).`);
}

/** A cheap read that fails fast when the API server cannot be reached or refuses us. */
async function reachable(cluster: Cluster): Promise<Cluster> {
  try {
    await cluster.api.list(JOB_RUNS, { namespace: cluster.namespace, limit: 1 });
  } catch (e) {
    if (!isNotFound(e)) throw new RuntimeError(`cannot reach the cluster to create the run in: ${(e as Error).message}`);
    // 404: no JobRun CRD; the create says so with the server's own words.
  }
  return cluster;
}

function checkFlags(flags: RunFlags): void {
  if (flags.job && !flags.dryRun) {
    throw new UsageError('--job: only applies with --dry-run. Creating a Job directly would bypass the workload\'s concurrency policy; '
      + 'drop --job to create a JobRun, or add --dry-run to print the Job.');
  }
  if (flags.output && !flags.dryRun) {
    throw new UsageError(`--output: only applies with --dry-run (got "${flags.output}"). Add --dry-run to print the JobRun.`);
  }
  if (flags.wait && flags.dryRun) {
    throw new UsageError('--wait: a dry run creates nothing to wait for. Drop --wait or --dry-run.');
  }
  if (!/^\d+$/.test(flags.timeout) || Number(flags.timeout) < 1) {
    throw new UsageError(`--timeout: must be a whole number of seconds, at least 1 (got "${flags.timeout}"). Write e.g. --timeout 600.`);
  }
}

/** The core names the run's `name`; from the command line the user wrote `--name`. */
function namingTheFlag<T>(plan: () => T): T {
  try {
    return plan();
  } catch (e) {
    if (e instanceof BatchValidationError && e.field === 'name') {
      throw new BatchValidationError('--name', e.value, e.problem, e.fix);
    }
    throw e;
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
