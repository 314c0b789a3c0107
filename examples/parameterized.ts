/**
 * Seed 004's option example and a report job with every option type.
 *
 * - `greet`: Furiko's `username` String option (`Hello world, ${option.username}!`, default
 *   `Example User`, trimmed), as a ParameterizedJob: a JobTemplate for ad-hoc runs
 *   (`cdk8s-batch run greet --set username=Alice`).
 * - `sales-report`: Date, Select, Multi, Bool and Int options, with one run committed as a
 *   plain Job (no controller needed) and one as a JobRun.
 */
import { Chart, ChartProps, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { BoolFormat, Concurrency, JobOption, ParameterizedJob, RunKind } from '../src';

export class ParameterizedChart extends Chart {
  public readonly greet: ParameterizedJob;
  public readonly report: ParameterizedJob;

  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    this.node.setContext('cdk8s-batch.dev/controller', 'external');

    this.greet = new ParameterizedJob(this, 'greet', {
      metadata: { name: 'greet' },
      options: [JobOption.string({ name: 'username', label: 'Username', default: 'Example User', trimSpaces: true })],
      concurrency: Concurrency.forbid(),
      containers: [{ name: 'job-container', image: 'alpine:3.20', securityContext: { user: 1000, group: 1000 }, args: ['echo', 'Hello world, ${option.username}!'] }],
    });

    this.report = new ParameterizedJob(this, 'sales-report', {
      metadata: { name: 'sales-report' },
      options: [
        JobOption.date({ name: 'since', label: 'Report start', format: 'YYYY-MM-DD' }),
        JobOption.select({ name: 'region', values: ['emea', 'amer', 'apac'], default: 'emea' }),
        JobOption.multi({ name: 'channels', values: ['web', 'store', 'partner'], defaults: ['web', 'store'], delimiter: ',' }),
        JobOption.bool({ name: 'dry-run', default: true, format: BoolFormat.YES_NO }),
        JobOption.int({ name: 'top', default: 10, min: 1, max: 100 }),
      ],
      concurrency: Concurrency.enqueue({ maxConcurrency: 1 }),
      activeDeadline: Duration.hours(2),
      containers: [{
        name: 'report',
        image: 'registry.example/sales-report:2.3.0',
        args: [
          '--since=${option.since}', '--region=${option.region}', '--channels=${option.channels}',
          '--dry-run=${option.dry-run}', '--top=${option.top}', '--out=s3://reports/${workload.name}/',
        ],
      }],
    });

    this.report.addRun('q3-emea', {
      kind: RunKind.JOB,
      name: 'sales-report-q3-emea',
      values: { 'since': '2026-07-01T00:00:00+02:00', 'channels': 'web,partner', 'dry-run': 'false', 'top': '25' },
    });
    this.report.addRun('q3-apac', {
      name: 'sales-report-q3-apac',
      values: { since: '2026-07-01T00:00:00+09:00', region: 'apac' },
    });
  }
}
