/**
 * `cdk8s-batch explain EXPRESSION --seed NS/NAME`: how a schedule resolves, field by field,
 * with the hash input and the hash of every `H` field, so the numbers in a deployed CronJob
 * can be recomputed from its annotations alone.
 */
import { Command, Option } from 'commander';
import { BatchValidationError } from '../../../../src/errors';
import { explainSchedule, HashExplanation, Schedule } from '../../../../src/schedule';
import { UsageError } from '../errors';
import { formatData, OUTPUT_FORMATS, OutputFormat } from '../flag-values';
import { CliIo, paint } from '../io';

interface ExplainOptions {
  readonly seed?: string;
  readonly hashed?: boolean;
  readonly output: OutputFormat;
}

const LABEL_WIDTH = 12;
// DESIGN §4 in two lines, so the table's numbers can be checked by hand ("mod" is never negative).
const HOW_H_PICKS = [
  'H(lo-hi) gives lo + (hash mod (hi-lo+1)); a plain H uses the field\'s range (day-of-month: 1-28).',
  'H/n steps by n from (hash mod n), H(lo-hi)/n from lo + (hash mod n); see docs/schedules.md.',
];

export function registerExplain(program: Command, io: CliIo): Command {
  return program.command('explain')
    .description('Explain a schedule: per field the hash input (SEED:FIELD), the hash and the result, '
      + 'then the resolved expression and its meaning.')
    .argument('<expression...>', 'a 5-field cron expression or a macro; quote it, or the shell expands *')
    .option('--seed <namespace/name>', 'the hash seed: NAMESPACE/NAME of the CronJob, or its hashSeed (required when the expression has H)')
    .option('--hashed', 'read macros as Schedule.hashed() does (@daily is H H * * *) instead of as Kubernetes does')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('text'))
    .addHelpText('after', `
Examples:
  $ cdk8s-batch explain 'H H(1-4) * * MON-FRI' --seed reports/nightly-export
  $ cdk8s-batch explain 'H/15 * * * *' --seed default/cache-warmer -o json
  $ cdk8s-batch explain @daily --hashed --seed default/log-rotate
  $ cdk8s-batch explain '0 9 * * 1-5'

A deployed CronJob's annotations hold both inputs: cdk8s-batch.dev/schedule (the expression)
and cdk8s-batch.dev/hash-seed (the seed).

The meaning is in wall-clock time of the CronJob's spec.timeZone. On a day the clocks change,
Kubernetes can skip, move, repeat or add a run (a 45-minute zone's DST moves 02:50 to 03:50; a
change at midnight adds a run on the next day); cdk8s-batch schedule marks each such run
(docs/schedules.md, "Clock changes").

Exit codes: 0 ok, 2 the expression is invalid or --seed is missing.`)
    .action((words: string[], options: ExplainOptions) => {
      const explanation = explainExpression(words.join(' '), options);
      io.stdout.write(options.output === 'text' ? explanationText(explanation, io) : formatData(options.output, explanationData(explanation)));
    });
}

/** The core's explanation; its own errors (field, token, fix) go out unchanged. */
function explainExpression(expression: string, options: ExplainOptions): HashExplanation {
  const schedule = options.hashed ? Schedule.hashed(expression) : Schedule.cron(expression);
  if (schedule.isHashed && options.seed === undefined) {
    throw new UsageError(`--seed: is missing, and ${JSON.stringify(expression)} has H tokens, whose values are hashed from the seed. `
      + 'Pass the CronJob\'s NAMESPACE/NAME or its hashSeed (annotation cdk8s-batch.dev/hash-seed), e.g. --seed default/my-job.');
  }
  try {
    return schedule.explainHash(options.seed ?? '');
  } catch (e) {
    if (e instanceof BatchValidationError && e.field === 'hashSeed') {
      throw new BatchValidationError('--seed', e.value, e.problem, e.fix);
    }
    throw e;
  }
}

function explanationText(x: HashExplanation, io: CliIo): string {
  const hashed = x.fields.some(f => f.hashInput !== undefined);
  const lines: string[] = [];
  const row = (label: string, value: string) => lines.push(`${label.padEnd(LABEL_WIDTH)}${value}`);
  row('expression', x.expression);
  if (x.expandedExpression !== x.expression) {
    row('expanded', x.expandedExpression);
  }
  row('seed', !hashed ? (x.seed === '' ? '(none needed: no H)' : `${x.seed}  (not used: no H)`) : x.seed);
  lines.push('', ...fieldTable(x, hashed, io), '');
  row('resolved', paint(io, 'bold', x.resolved));
  row('meaning', explainSchedule(x.resolved));
  if (hashed) {
    lines.push('', ...HOW_H_PICKS.map(l => paint(io, 'dim', l)));
  }
  return lines.join('\n') + '\n';
}

/** One row per field; the hash columns only when some field has H. */
function fieldTable(x: HashExplanation, hashed: boolean, io: CliIo): string[] {
  const header = hashed ? ['field', 'written', 'hash input', 'signed xxh64', 'result'] : ['field', 'written', 'result'];
  const rows = x.fields.map(f => hashed
    ? [f.field, f.expression, f.hashInput ?? '-', f.hashValue ?? '-', f.resolved]
    : [f.field, f.expression, f.resolved]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [paint(io, 'dim', line(header)), ...rows.map(line)];
}

function explanationData(x: HashExplanation): Record<string, unknown> {
  return {
    expression: x.expression,
    expandedExpression: x.expandedExpression,
    seed: x.seed === '' ? null : x.seed,
    resolved: x.resolved,
    explanation: explainSchedule(x.resolved),
    fields: x.fields.map(f => ({
      field: f.field,
      written: f.expression,
      resolved: f.resolved,
      ...(f.hashInput !== undefined ? { hashInput: f.hashInput, hash: f.hashValue } : {}),
    })),
  };
}
